import { getConnection } from "@/lib/docker/client";
import { graphResponse } from "@/lib/host/graph-response";
import { getHostModel } from "@/lib/host/host-model";
import { parseQuery } from "@/lib/http/query";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/graph: the whole host from the live model, with `version`; ETag, 304 and compression per version. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    parseQuery(request.url, {}, "GET /api/graph");
    return graphResponse(request, await getHostModel(getConnection()).current());
  });
}
