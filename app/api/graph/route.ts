import { getConnection } from "@/lib/docker/client";
import { readSnapshot } from "@/lib/docker/snapshot";
import { buildGraph } from "@/lib/graph/build";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => jsonResponse(buildGraph(await readSnapshot(getConnection()))));
}
