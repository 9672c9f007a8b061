import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAppError } from "@/lib/errors";
import { flagParameter, parseQuery } from "@/lib/http/query";

const shape = { limit: z.string().regex(/^[0-9]+$/, "must be a number").transform(Number).optional(), fresh: flagParameter };

function failure(url: string): string {
  try {
    parseQuery(url, shape, "GET /api/x");
  } catch (error) {
    if (isAppError(error) && error.code === "invalid_input") return error.message;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe("parseQuery", () => {
  it("gives each parameter to its schema", () => {
    expect(parseQuery("http://h/api/x?limit=5", shape, "GET /api/x")).toEqual({ limit: 5, fresh: false });
    expect(parseQuery("http://h/api/x?fresh", shape, "GET /api/x")).toEqual({ limit: undefined, fresh: true });
    expect(parseQuery(new URL("http://h/api/x"), {}, "GET /api/x")).toEqual({});
  });

  it("refuses unknown and repeated parameters and wrong values, naming them", () => {
    expect(failure("http://h/api/x?limit=1&limit=2")).toBe('The query parameter "limit" is given more than once (GET /api/x).');
    expect(failure("http://h/api/x?__proto__=1")).toBe('Unknown query parameter "__proto__": GET /api/x takes limit, fresh.');
    expect(failure("http://h/api/x?limit=ten")).toBe("Invalid query parameter limit: must be a number (GET /api/x).");
    expect(failure("http://h/api/x?fresh=maybe")).toBe("Invalid query parameter fresh: takes no value (or 1) (GET /api/x).");
    expect(() => parseQuery("http://h/api/x?a=%00%0d%0a", {}, "GET /api/x")).toThrow('Unknown query parameter "a": GET /api/x takes no query parameters.');
  });

  it("quotes hostile names without control characters", () => {
    expect(failure("http://h/api/x?%0d%0aSet-Cookie:%20x=1")).toBe('Unknown query parameter "??Set-Cookie: x": GET /api/x takes limit, fresh.');
  });
});
