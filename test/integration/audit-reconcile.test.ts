import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import { POST as postPlan } from "@/app/api/plans/route";
import { AuditLog, type AuditIntent } from "@/lib/audit/audit-log";
import { reconcileUnfinishedSteps } from "@/lib/audit/reconcile";
import type { Plan } from "@/lib/cleanup/plan-types";
import { getConfig, parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { CHANGE_HEADERS, configureServerForTests, TEST_ORIGIN } from "@/test/support/host-inventory";
import { dockerCli, ensureSeeded, sandboxDockerHost, seededManifest } from "@/test/support/seeded-host";

/*
 * Against the sandbox daemon: a run writes an intent before each daemon call and the outcome after (same step key),
 * and at start the reconciliation asks the daemon about intents left open, closing each with what it found.
 */

configureServerForTests("app-data-audit-reconcile");

const created: string[] = [];
const folders: string[] = [];

async function createContainer(name: string): Promise<string> {
  const manifest = await seededManifest();
  const image = manifest.scenarios.exitedOnly?.images.image?.tags[0];
  if (!image) throw new Error("the seed has no hello-world image");
  const result = await dockerCli(["create", "--name", name, image]);
  expect(result.code, result.stderr).toBe(0);
  created.push(name);
  return result.stdout.trim();
}

function intentFor(planId: string, node: string, action: string, extra: Partial<AuditIntent> = {}): AuditIntent {
  return { time: "2026-12-01T10:00:00.000Z", phase: "intent", outcome: "pending", planId, step: 1, action, node, subject: "thing", bytes: 0, message: "About to", pid: process.pid, ...extra };
}

beforeAll(async () => {
  await ensureSeeded();
});

afterAll(async () => {
  for (const name of created) await dockerCli(["rm", name]);
  await Promise.all(folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
});

describe("the audit trail of a run", () => {
  it("writes each daemon call's intent before its outcome, under one step key", async () => {
    await createContainer("dockgraph-audit-intent");
    const planned = await postPlan(new Request(`${TEST_ORIGIN}/api/plans`, { method: "POST", headers: CHANGE_HEADERS, body: JSON.stringify({ targets: ["dockgraph-audit-intent"] }) }));
    expect(planned.status).toBe(201);
    const plan = (await planned.json()) as Plan;
    const run = await postExecute(new Request(`${TEST_ORIGIN}/api/plans/${plan.planId}/execute`, { method: "POST", headers: CHANGE_HEADERS }), { params: Promise.resolve({ planId: plan.planId }) });
    expect((await run.text()).trim().split("\n").at(-1)).toContain('"outcome":"completed"');
    const lines = (await new AuditLog(getConfig().dataDir).all()).filter((line) => line.planId === plan.planId);
    expect(lines.map((line) => [line.phase, line.outcome, line.stepKey])).toEqual([
      ["intent", "pending", `${plan.planId}#1`],
      ["outcome", "done", `${plan.planId}#1`],
    ]);
    expect(lines[0]).toMatchObject({ action: "remove-container", subject: "dockgraph-audit-intent", pid: process.pid });
  });
});

describe("reconcileUnfinishedSteps", () => {
  it("asks the daemon about every open intent and closes each with what it found", async () => {
    // Seeded first: a later check would reseed (and so remove) a container made here.
    const manifest = await ensureSeeded();
    const keptId = await createContainer("dockgraph-audit-kept");
    const multiTag = manifest.scenarios.multiTag?.images.image;
    if (!multiTag) throw new Error("the seed has no multi-tag image");
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "dockgraph-reconcile-"));
    folders.push(dataDir);
    const audit = new AuditLog(dataDir);
    const plan = "22222222-3333-4444-8555-666666666666";
    await audit.append(intentFor(plan, `container:${keptId}`, "remove-container", { step: 1 }));
    await audit.append(intentFor(plan, `container:${"0".repeat(64)}`, "remove-container", { step: 2 }));
    await audit.append(intentFor(plan, `image:${multiTag.id}`, "untag", { step: 3, ref: multiTag.tags[0] ?? "" }));
    await audit.append(intentFor(plan, `image:${multiTag.id}`, "untag", { step: 4, ref: "dockgraph/never-tagged:1" }));
    await audit.append(intentFor(plan, `image:sha256:${"0".repeat(64)}`, "remove-image", { step: 5 }));
    // Closed already: not asked about again.
    await audit.append(intentFor(plan, `container:${keptId}`, "remove-container", { step: 6 }));
    await audit.append({ ...intentFor(plan, `container:${keptId}`, "remove-container", { step: 6 }), phase: "outcome", outcome: "failed" });

    const lines: string[] = [];
    const connection = createConnection(parseConfig({ DOCKER_HOST: sandboxDockerHost() }));
    const report = await reconcileUnfinishedSteps({ dataDir, connection, log: (line) => lines.push(line) });
    expect(report.unfinished).toBe(5);
    expect(report.unchecked).toEqual([]);
    expect(report.reconciled.map((entry) => [entry.step, entry.outcome])).toEqual([
      [1, "did-not-happen"],
      [2, "happened"],
      [3, "did-not-happen"],
      [4, "happened"],
      [5, "happened"],
    ]);
    expect(lines[0]).toContain("5 destructive steps started before the server last stopped and never recorded an outcome");
    expect(lines).toHaveLength(6);

    // Written down: a second start finds nothing left open.
    const again = await reconcileUnfinishedSteps({ dataDir, connection, log: () => undefined });
    expect(again).toEqual({ unfinished: 0, reconciled: [], unchecked: [] });
  });

  it("leaves an intent open when the daemon cannot be asked, and one a live server still owns", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "dockgraph-reconcile-"));
    folders.push(dataDir);
    const audit = new AuditLog(dataDir);
    const plan = "33333333-3333-4444-8555-666666666666";
    await audit.append(intentFor(plan, `container:${"1".repeat(64)}`, "remove-container"));
    // The parent of this test process is alive and is not this process: its run is in progress, not interrupted.
    await audit.append(intentFor(plan, `container:${"2".repeat(64)}`, "remove-container", { step: 2, pid: process.ppid }));
    const unreachable = createConnection(parseConfig({ DOCKER_HOST: `unix://${path.join(dataDir, "no-daemon.sock")}` }));
    const report = await reconcileUnfinishedSteps({ dataDir, connection: unreachable, log: () => undefined });
    expect(report.unfinished).toBe(1);
    expect(report.reconciled).toEqual([]);
    expect(report.unchecked).toEqual([expect.objectContaining({ stepKey: `${plan}#1`, reason: expect.stringContaining("Cannot reach the Docker daemon") })]);
    expect((await audit.all()).map((line) => line.phase)).toEqual(["intent", "intent"]);
  });
});
