import { getConfig } from "@/lib/config";
import { AuditLog } from "@/lib/audit/audit-log";
import { executePlan } from "@/lib/cleanup/executor";
import { claimPlan, finishPlan } from "@/lib/cleanup/plan-store";
import { PLAN_ID_PATTERN } from "@/lib/cleanup/planning-context";
import { getConnection } from "@/lib/docker/client";
import { AppError } from "@/lib/errors";
import { parseQuery } from "@/lib/http/query";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/plans/{planId}/execute: runs the plan once, streaming NDJSON — one `{ "type": "step", … }` line
 * per finished step, then `{ "type": "summary", "results": […], "summary": {…} }`.
 */
export async function POST(request: Request, context: { params: Promise<{ planId: string }> }): Promise<Response> {
  return handle(request, { mutating: true }, async () => {
    const { planId } = await context.params;
    if (!PLAN_ID_PATTERN.test(planId)) throw new AppError("invalid_input", "A plan id is a UUID as returned by POST /api/plans.");
    parseQuery(request.url, {}, "POST /api/plans/{planId}/execute");
    // Claimed before the stream starts: an unknown, expired or already-run plan is a plain JSON error.
    const plan = claimPlan(planId);
    const encoder = new TextEncoder();
    const audit = new AuditLog(getConfig().dataDir);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (value: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        try {
          // The run goes on even if the client disconnects: stopping halfway would leave a half-done plan.
          const { results, summary } = await executePlan(getConnection(), plan, audit, {
            onStep: (result) => {
              try {
                send({ type: "step", ...result });
              } catch {
                // The client went away; the run and its audit continue.
              }
            },
          });
          send({ type: "summary", results, summary });
        } catch (error) {
          send({ type: "error", error: { code: "internal", message: error instanceof Error ? error.message : String(error) } });
        } finally {
          finishPlan(plan.planId);
          try {
            controller.close();
          } catch {
            // already closed by a disconnect
          }
        }
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
  });
}
