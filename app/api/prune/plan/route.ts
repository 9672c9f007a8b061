import { z } from "zod";
import { savePlan } from "@/lib/cleanup/plan-store";
import { parseCliFilters, parseLabelFilter, parseUntil } from "@/lib/cleanup/prune";
import { getConnection } from "@/lib/docker/client";
import { prunePlanFromModel } from "@/lib/host/answers";
import { getHostModel } from "@/lib/host/host-model";
import { readJsonBody } from "@/lib/http/body";
import { parseQuery } from "@/lib/http/query";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const bodySchema = z
  .object({
    scope: z.enum(["dangling-images", "unused-images", "stopped-containers"]),
    until: z.string().min(1).max(64).optional(),
    label: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(20)]).optional(),
    /** As the CLI's `--filter`: "until=24h", "label=key=value", "label!=key". */
    filter: z.array(z.string().min(1).max(256)).max(20).optional(),
  })
  .strict();

/** POST /api/prune/plan { scope, until?, label?, filter? }: what the CLI's prune would remove, as a plan run by ID. */
export async function POST(request: Request): Promise<Response> {
  return handle(request, { mutating: true }, async () => {
    parseQuery(request.url, {}, "POST /api/prune/plan");
    const body = await readJsonBody(request, bodySchema);
    const now = new Date();
    const labels = (typeof body.label === "string" ? [body.label] : (body.label ?? [])).map(parseLabelFilter);
    const filters = parseCliFilters(body.filter ?? [], now, { labels, ...(body.until !== undefined ? { until: parseUntil(body.until, now) } : {}) });
    const plan = await prunePlanFromModel(getHostModel(getConnection()), body.scope, filters);
    savePlan(plan);
    return jsonResponse(plan, { status: 201 });
  });
}
