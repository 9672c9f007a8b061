import { getConnection } from "@/lib/docker/client";
import { diskAnswer } from "@/lib/host/answers";
import { getHostModel } from "@/lib/host/host-model";
import { flagParameter, parseQuery } from "@/lib/http/query";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/disk: `docker system df` in numbers. /system/df is slow on big hosts: it is read once per version of the
 * live model (any change of images or containers makes a new version), so a cleanup or a `docker run` shows at once.
 * `?fresh` reads it again.
 */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const { fresh } = parseQuery(request.url, { fresh: flagParameter }, "GET /api/disk");
    return jsonResponse(await diskAnswer(getHostModel(getConnection()), { fresh }));
  });
}
