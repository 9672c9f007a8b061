import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { GET as getAudit } from "@/app/api/audit/route";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import { POST as postPlan } from "@/app/api/plans/route";
import { POST as postPrunePlan } from "@/app/api/prune/plan/route";
import { AUDIT_FILE } from "@/lib/audit/audit-log";
import type { Plan } from "@/lib/cleanup/plan-types";
import { PLAN_TTL_MS } from "@/lib/cleanup/planner";
import { TOMBSTONE_MS } from "@/lib/cleanup/plan-store";
import { getConfig } from "@/lib/config";
import { CHANGE_HEADERS, configureServerForTests, inventory, TEST_ORIGIN } from "@/test/support/host-inventory";
import { reseed } from "@/test/support/seeded-host";

/*
 * Every kind of bad request to the cleanup routes gets its 4xx, and none of them changes the host or writes
 * to the audit log: the whole inventory (containers, images, tags) and the audit file are the same after.
 * Read-only mode has a file of its own (the configuration is read once per process).
 */

configureServerForTests("app-data-bad-input");

type Headers = Record<string, string>;
const { "x-dockgraph-token": _token, ...NO_TOKEN } = CHANGE_HEADERS;

function execute(planId: string, headers: Headers = CHANGE_HEADERS): Promise<Response> {
  return postExecute(new Request(`${TEST_ORIGIN}/api/plans/${planId}/execute`, { method: "POST", headers }), { params: Promise.resolve({ planId }) });
}

function createPlan(body: string, headers: Headers = CHANGE_HEADERS): Promise<Response> {
  return postPlan(new Request(`${TEST_ORIGIN}/api/plans`, { method: "POST", headers, body }));
}

function createPrunePlan(body: string, headers: Headers = CHANGE_HEADERS): Promise<Response> {
  return postPrunePlan(new Request(`${TEST_ORIGIN}/api/prune/plan`, { method: "POST", headers, body }));
}

async function plan(targets: string[]): Promise<Plan> {
  const response = await createPlan(JSON.stringify({ targets }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Plan;
}

async function auditLines(): Promise<string[]> {
  try {
    return (await fs.readFile(path.join(getConfig().dataDir, AUDIT_FILE), "utf8")).split("\n").filter((line) => line !== "");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

async function expectError(response: Response, status: number, code: string, label: string): Promise<void> {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  expect(response.status, `${label}: ${JSON.stringify(body)}`).toBe(status);
  expect(body.error?.code, label).toBe(code);
  expect(body.error?.message.length, label).toBeGreaterThan(0);
}

describe("bad requests never touch the host", () => {
  it("answer 400, 401, 403, 404, 409 and 410 without changing anything or writing to the audit log", async () => {
    await reseed();
    // A plan that ran (and a second run while it ran), one left to expire, one left ready to be misused.
    const ran = await plan(["acme/worker:2.1"]);
    const firstRun = execute(ran.planId);
    await expectError(await execute(ran.planId), 409, "conflict", "a second run while the first runs");
    expect((await firstRun).status).toBe(200);
    expect((await (await firstRun).text()).trim().split("\n").at(-1)).toContain('"outcome":"completed"');
    const expiring = await plan(["hello-world:latest"]);
    const ready = await plan(["tools/cruncher:0.9"]);

    const before = await inventory();
    const auditBefore = await auditLines();
    expect(auditBefore.length).toBeGreaterThan(0);

    const headerCases: [string, Headers, number, string][] = [
      ["no token", NO_TOKEN, 401, "unauthorized"],
      ["a wrong token", { ...CHANGE_HEADERS, "x-dockgraph-token": "wrong-token-wrong-token" }, 403, "forbidden"],
      ["another Origin", { ...CHANGE_HEADERS, origin: "http://evil.example" }, 403, "forbidden"],
      ["Origin null", { ...CHANGE_HEADERS, origin: "null" }, 403, "forbidden"],
      ["a cross-site fetch", { ...CHANGE_HEADERS, "sec-fetch-site": "cross-site" }, 403, "forbidden"],
      ["a foreign Host (DNS rebinding)", { ...CHANGE_HEADERS, host: "evil.example:3000", origin: "http://evil.example:3000" }, 403, "forbidden"],
    ];
    for (const [label, headers, status, code] of headerCases) {
      await expectError(await execute(ready.planId, headers), status, code, `execute with ${label}`);
      await expectError(await createPlan(JSON.stringify({ targets: ["hello-world:latest"] }), headers), status, code, `plan with ${label}`);
      await expectError(await createPrunePlan(JSON.stringify({ scope: "stopped-containers" }), headers), status, code, `prune plan with ${label}`);
    }

    await expectError(await execute("00000000-0000-4000-8000-000000000000"), 404, "not_found", "an unknown plan");
    await expectError(await execute("../../etc"), 400, "invalid_input", "a malformed plan id");
    await expectError(await execute(ran.planId), 409, "conflict", "a plan that ran");

    const planBodies: [string, string][] = [
      ["malformed JSON", "{not json"],
      ["an empty body", ""],
      ["JSON null", "null"],
      ["an array", '["hello-world:latest"]'],
      ["targets as a string", JSON.stringify({ targets: "hello-world:latest" })],
      ["a number as target", JSON.stringify({ targets: [42] })],
      ["stopRunning as a string", JSON.stringify({ targets: ["hello-world:latest"], stopRunning: "yes" })],
      ["no targets", JSON.stringify({ targets: [] })],
      ["a path as target", JSON.stringify({ targets: ["../x"] })],
      ["an overlong target", JSON.stringify({ targets: ["x".repeat(5000)] })],
      ["force", JSON.stringify({ targets: ["hello-world:latest"], force: true })],
    ];
    for (const [label, body] of planBodies) await expectError(await createPlan(body), 400, "invalid_input", `plan with ${label}`);
    await expectError(await createPlan(JSON.stringify({ targets: ["no-such-image:1"] })), 404, "not_found", "plan of an unknown image");

    const pruneBodies: [string, string][] = [
      ["malformed JSON", "{scope:"],
      ["an unknown scope", JSON.stringify({ scope: "everything" })],
      ["scope as a number", JSON.stringify({ scope: 3 })],
      ["a bad until", JSON.stringify({ scope: "unused-images", until: "tomorrow" })],
      ["until as a number", JSON.stringify({ scope: "unused-images", until: 24 })],
      ["a bad label", JSON.stringify({ scope: "dangling-images", label: "=x" })],
      ["label as a number", JSON.stringify({ scope: "dangling-images", label: 5 })],
      ["a filter prune does not take", JSON.stringify({ scope: "stopped-containers", filter: ["dangling=true"] })],
      ["two until filters", JSON.stringify({ scope: "unused-images", filter: ["until=1h", "until=2h"] })],
      ["force", JSON.stringify({ scope: "unused-images", force: true })],
    ];
    for (const [label, body] of pruneBodies) await expectError(await createPrunePlan(body), 400, "invalid_input", `prune plan with ${label}`);

    for (const limit of ["abc", "0", "100000"]) {
      await expectError(await getAudit(new Request(`${TEST_ORIGIN}/api/audit?limit=${limit}`, { headers: { host: "127.0.0.1:3000" } })), 400, "invalid_input", `audit limit ${limit}`);
    }

    // Expired: 410 for an hour, then forgotten (404). Only the clock moves (timers stay real for the daemon calls).
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + PLAN_TTL_MS + 1000);
      await expectError(await execute(expiring.planId), 410, "gone", "an expired plan");
      await expectError(await execute(ran.planId), 409, "conflict", "a plan that ran, after expiry");
      vi.setSystemTime(Date.now() + TOMBSTONE_MS);
      await expectError(await execute(expiring.planId), 404, "not_found", "a plan expired over an hour ago");
    } finally {
      vi.useRealTimers();
    }

    expect(await inventory()).toEqual(before);
    expect(await auditLines()).toEqual(auditBefore);
  });
});
