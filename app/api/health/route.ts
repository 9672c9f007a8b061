import { getConfig } from "@/lib/config";
import { getConnection } from "@/lib/docker/client";
import { getHostModel } from "@/lib/host/host-model";
import { parseQuery } from "@/lib/http/query";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/health: from the live model, which knows whether the daemon's event stream is up. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    parseQuery(request.url, {}, "GET /api/health");
    const view = await getHostModel(getConnection()).current();
    return jsonResponse({ ok: true, daemon: view.snapshot.engine, readOnly: getConfig().readOnly, host: view.host, version: view.version });
  });
}
