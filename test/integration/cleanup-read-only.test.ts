import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as getAudit } from "@/app/api/audit/route";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import { GET as getScript } from "@/app/api/plans/[planId]/script/route";
import { POST as postPlan } from "@/app/api/plans/route";
import { POST as postPrunePlan } from "@/app/api/prune/plan/route";
import { AUDIT_FILE } from "@/lib/audit/audit-log";
import { planForTargets } from "@/lib/cleanup/planner";
import { readPlanningContext } from "@/lib/cleanup/planning-context";
import { savePlan } from "@/lib/cleanup/plan-store";
import { getConfig, parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { CHANGE_HEADERS, configureServerForTests, inventory, TEST_ORIGIN } from "@/test/support/host-inventory";
import { ensureSeeded, sandboxDockerHost } from "@/test/support/seeded-host";

/*
 * DOCKGRAPH_READ_ONLY=1: every change is refused with 403 read_only even with the token, a stored plan cannot be
 * run, reads still work, and the host and the audit log stay exactly as they were.
 */

process.env.DOCKGRAPH_READ_ONLY = "1";
configureServerForTests("app-data-read-only");

async function auditText(): Promise<string | null> {
  return fs.readFile(path.join(getConfig().dataDir, AUDIT_FILE), "utf8").catch(() => null);
}

describe("read-only mode", () => {
  it("refuses plans, prune plans and runs with 403 read_only and changes nothing", async () => {
    await ensureSeeded();
    expect(getConfig().readOnly).toBe(true);
    // A plan made behind the routes' back (planning only reads): read-only must still refuse to run it.
    const stored = planForTargets(await readPlanningContext(createConnection(parseConfig({ DOCKER_HOST: sandboxDockerHost() }))), ["hello-world:latest"], {
      stopRunning: false,
    });
    savePlan(stored);
    const before = await inventory();
    const auditBefore = await auditText();

    const refusals = [
      await postPlan(new Request(`${TEST_ORIGIN}/api/plans`, { method: "POST", headers: CHANGE_HEADERS, body: JSON.stringify({ targets: ["hello-world:latest"] }) })),
      await postPrunePlan(new Request(`${TEST_ORIGIN}/api/prune/plan`, { method: "POST", headers: CHANGE_HEADERS, body: JSON.stringify({ scope: "unused-images" }) })),
      await postExecute(new Request(`${TEST_ORIGIN}/api/plans/${stored.planId}/execute`, { method: "POST", headers: CHANGE_HEADERS }), {
        params: Promise.resolve({ planId: stored.planId }),
      }),
    ];
    for (const response of refusals) {
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status).toBe(403);
      expect(body.error.code).toBe("read_only");
      expect(body.error.message).toContain("DOCKGRAPH_READ_ONLY");
    }

    const reads = { host: "127.0.0.1:3000" };
    expect((await getAudit(new Request(`${TEST_ORIGIN}/api/audit`, { headers: reads }))).status).toBe(200);
    const script = await getScript(new Request(`${TEST_ORIGIN}/api/plans/${stored.planId}/script`, { headers: reads }), { params: Promise.resolve({ planId: stored.planId }) });
    expect(script.status).toBe(200);

    expect(await inventory()).toEqual(before);
    expect(await auditText()).toBe(auditBefore);
  });
});
