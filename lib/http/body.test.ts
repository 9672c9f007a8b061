import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAppError } from "@/lib/errors";
import { MAX_BODY_BYTES, readJsonBody } from "@/lib/http/body";

const schema = z.object({ targets: z.array(z.string()) }).strict();

function request(body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request("http://127.0.0.1/api/plans", { method: "POST", headers, body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);
}

async function failure(read: Promise<unknown>): Promise<[string, string]> {
  try {
    await read;
  } catch (error) {
    if (isAppError(error)) return [error.code, error.message];
    throw error;
  }
  throw new Error("accepted");
}

function streamOf(chunks: Uint8Array[], endWith?: Error): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (endWith) controller.error(endWith);
      else controller.close();
    },
  });
}

describe("readJsonBody", () => {
  it("reads a JSON body through its schema", async () => {
    expect(await readJsonBody(request('{"targets":["a"]}'), schema)).toEqual({ targets: ["a"] });
    expect(await readJsonBody(request('{"targets":[]}', { "content-type": "application/json; charset=UTF-8" }), schema)).toEqual({ targets: [] });
    expect(await readJsonBody(request('{"targets":[]}', { "content-type": "text/plain;charset=UTF-8" }), schema)).toEqual({ targets: [] });
  });

  it("answers 413 for a declared length over the limit, unread", async () => {
    const headers = { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) };
    const [code] = await failure(readJsonBody(request(streamOf([]), headers), schema));
    expect(code).toBe("payload_too_large");
  });

  it("answers 413 for a chunked body that grows past the limit, counting bytes as they come", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const [code, message] = await failure(readJsonBody(request(streamOf(Array.from({ length: 5 }, () => chunk))), schema));
    expect([code, message]).toEqual(["payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`]);
  });

  it("answers 400 for a body cut short, invalid UTF-8, bad JSON, unsafe JSON or a schema mismatch", async () => {
    expect(await failure(readJsonBody(request(streamOf([new TextEncoder().encode('{"tar')], new Error("aborted"))), schema))).toEqual([
      "invalid_input",
      "The request body could not be read: the connection ended before it was complete.",
    ]);
    expect((await failure(readJsonBody(request(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])), schema)))[1]).toBe("The request body is not valid UTF-8.");
    expect((await failure(readJsonBody(request("{nope"), schema)))[1]).toBe("The request body is not valid JSON.");
    expect((await failure(readJsonBody(request('{"targets":[],"targets":["x"]}'), schema)))[1]).toBe('The request body is refused: the key "targets" appears twice in one object.');
    expect((await failure(readJsonBody(request('{"__proto__":{"admin":true},"targets":[]}'), schema)))[1]).toBe('The request body is refused: the key "__proto__" is not allowed.');
    expect((await failure(readJsonBody(request('{"targets":[1]}'), schema)))[1]).toMatch(/^Invalid request body: targets\.0: /);
  });

  it("answers 415 for a body declared as something other than UTF-8 JSON", async () => {
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "text/html"]) {
      expect((await failure(readJsonBody(request('{"targets":[]}', { "content-type": type }), schema)))[0], type).toBe("unsupported_media_type");
    }
  });
});
