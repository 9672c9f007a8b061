import { findPlan } from "@/lib/cleanup/plan-store";
import { PLAN_ID_PATTERN } from "@/lib/cleanup/planning-context";
import { planAsShellScript } from "@/lib/cleanup/shell-script";
import { AppError } from "@/lib/errors";
import { parseQuery } from "@/lib/http/query";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/plans/{planId}/script: the plan as a shell script of docker commands, to review or run by hand. */
export async function GET(request: Request, context: { params: Promise<{ planId: string }> }): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const { planId } = await context.params;
    if (!PLAN_ID_PATTERN.test(planId)) throw new AppError("invalid_input", "A plan id is a UUID as returned by POST /api/plans.");
    parseQuery(request.url, {}, "GET /api/plans/{planId}/script");
    const script = planAsShellScript(findPlan(planId));
    return new Response(script, {
      headers: {
        "content-type": "text/x-shellscript; charset=utf-8",
        "content-disposition": `attachment; filename="dockgraph-plan-${planId.slice(0, 8)}.sh"`,
        "cache-control": "no-store",
      },
    });
  });
}
