import { getConnection } from "@/lib/docker/client";
import { sizesAnswer } from "@/lib/host/answers";
import { getHostModel } from "@/lib/host/host-model";
import { parseQuery } from "@/lib/http/query";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/sizes: shared and unique bytes per image (from layers, as `docker system df -v` counts them) and each
 * container's writable-layer bytes. Kept off /api/graph: layers and sizes are loaded in the background by the live
 * model and cached (layers per image ID, sizes until the container's next event); this waits for those loads.
 */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    parseQuery(request.url, {}, "GET /api/sizes");
    return jsonResponse(await sizesAnswer(getHostModel(getConnection())));
  });
}
