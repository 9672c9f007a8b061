import { getConfig } from "@/lib/config";
import { getConnection } from "@/lib/docker/client";
import { ping, readEngineInfo } from "@/lib/docker/snapshot";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const connection = getConnection();
    await ping(connection);
    const daemon = await readEngineInfo(connection, { fresh: true });
    return jsonResponse({ ok: true, daemon, readOnly: getConfig().readOnly });
  });
}
