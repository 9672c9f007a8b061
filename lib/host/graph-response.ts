import "server-only";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { HostView } from "@/lib/host/host-model";

/*
 * GET /api/graph from the model: the body of a version is serialised once (and compressed once per encoding),
 * its ETag is the version with the process's epoch, and a client that has it gets a bodiless 304.
 */

type Bytes = Uint8Array<ArrayBuffer>;

interface EncodedGraph {
  json: Bytes;
  gzip?: Bytes;
  br?: Bytes;
}

function bytesOf(buffer: Buffer): Bytes {
  const bytes = new Uint8Array(buffer.byteLength);
  bytes.set(buffer);
  return bytes;
}

const encoded = new WeakMap<HostView, EncodedGraph>();

export function graphEtag(view: HostView): string {
  return `"${view.epoch}-v${view.version}"`;
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  return ifNoneMatch.split(",").some((candidate) => {
    const value = candidate.trim().replace(/^W\//, "");
    return value === "*" || value === etag;
  });
}

function preferredEncoding(acceptEncoding: string | null): "br" | "gzip" | null {
  const accepted = new Map(
    (acceptEncoding ?? "").split(",").map((part) => {
      const [name = "", ...parameters] = part.trim().toLowerCase().split(";");
      const quality = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
      return [name.trim(), quality === undefined ? 1 : Number(quality)] as const;
    }),
  );
  if ((accepted.get("br") ?? 0) > 0) return "br";
  if ((accepted.get("gzip") ?? 0) > 0) return "gzip";
  return null;
}

function encodedBody(view: HostView, encoding: "br" | "gzip" | null): Bytes {
  let entry = encoded.get(view);
  if (!entry) {
    entry = { json: new TextEncoder().encode(JSON.stringify(view.graph)) as Bytes };
    encoded.set(view, entry);
  }
  if (encoding === "br") {
    // Quality 4: most of brotli's gain at a fraction of its time on a multi-megabyte body.
    entry.br ??= bytesOf(brotliCompressSync(entry.json, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: entry.json.length } }));
    return entry.br;
  }
  if (encoding === "gzip") {
    entry.gzip ??= bytesOf(gzipSync(entry.json, { level: 6 }));
    return entry.gzip;
  }
  return entry.json;
}

export function graphResponse(request: Request, view: HostView): Response {
  const etag = graphEtag(view);
  // Stored but revalidated every time: the ETag makes an unchanged graph cost a 304.
  const headers: Record<string, string> = { etag, "cache-control": "no-cache", vary: "accept-encoding" };
  if (matches(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const encoding = preferredEncoding(request.headers.get("accept-encoding"));
  const body = encodedBody(view, encoding);
  if (encoding !== null) headers["content-encoding"] = encoding;
  return new Response(body, {
    status: 200,
    headers: { ...headers, "content-type": "application/json", "content-length": String(body.byteLength) },
  });
}
