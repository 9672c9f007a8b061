import "server-only";
import type { HostView } from "@/lib/host/host-model";

/*
 * GET /api/graph from the model: the body of a version is serialised once, its ETag is the version with the
 * process's epoch, and a client that has it gets a bodiless 304. Compression is left to the server: `next start`
 * gzips responses itself (and drops a route's own content-encoding), so a pre-compressed body would arrive mislabelled.
 */

type Bytes = Uint8Array<ArrayBuffer>;

const serialised = new WeakMap<HostView, Bytes>();

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

export function graphResponse(request: Request, view: HostView): Response {
  const etag = graphEtag(view);
  // Stored but revalidated every time: the ETag makes an unchanged graph cost a 304.
  const headers: Record<string, string> = { etag, "cache-control": "no-cache" };
  if (matches(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  let body = serialised.get(view);
  if (!body) {
    body = new TextEncoder().encode(JSON.stringify(view.graph)) as Bytes;
    serialised.set(view, body);
  }
  return new Response(body, { status: 200, headers: { ...headers, "content-type": "application/json" } });
}
