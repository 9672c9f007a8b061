import { z } from "zod";
import { savePlan } from "@/lib/cleanup/plan-store";
import { getConnection } from "@/lib/docker/client";
import { MAX_NAME_LENGTH } from "@/lib/docker/names";
import { isTargetSyntax } from "@/lib/cleanup/targets";
import { planForTargetsFromModel } from "@/lib/host/answers";
import { getHostModel } from "@/lib/host/host-model";
import { readJsonBody } from "@/lib/http/body";
import { parseQuery } from "@/lib/http/query";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const bodySchema = z
  .object({
    targets: z
      .array(z.string().min(1).max(MAX_NAME_LENGTH).refine(isTargetSyntax, "not a node id, image reference, image ID or container name"))
      .min(1, "give at least one target")
      .max(500),
    stopRunning: z.boolean().optional(),
  })
  .strict();

/** POST /api/plans { targets, stopRunning? }: an ordered plan that removes each target entirely, to preview and run. */
export async function POST(request: Request): Promise<Response> {
  return handle(request, { mutating: true }, async () => {
    parseQuery(request.url, {}, "POST /api/plans");
    const body = await readJsonBody(request, bodySchema);
    const plan = await planForTargetsFromModel(getHostModel(getConnection()), body.targets, { stopRunning: body.stopRunning === true });
    savePlan(plan);
    return jsonResponse(plan, { status: 201 });
  });
}
