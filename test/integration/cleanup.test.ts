import { beforeAll, describe, expect, it } from "vitest";
import { POST as postPlan } from "@/app/api/plans/route";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import { GET as getScript } from "@/app/api/plans/[planId]/script/route";
import { GET as getAudit } from "@/app/api/audit/route";
import type { Plan, RunSummary, StepResult } from "@/lib/cleanup/plan-types";
import { findPlan } from "@/lib/cleanup/plan-store";
import type { SeedManifest } from "@/scripts/sandbox/seed";
import { CHANGE_HEADERS, configureServerForTests, inventory, minus, TEST_ORIGIN } from "@/test/support/host-inventory";
import { dockerCli, reseed } from "@/test/support/seeded-host";

/*
 * Cleanup plans run against the sandbox daemon: each leaves exactly the expected host (the full inventory
 * before and after is compared, not just the target), never stops without consent, and stops when the host
 * changed between planning and running.
 */

configureServerForTests("app-data-cleanup");
const ORIGIN = TEST_ORIGIN;
const authHeaders = CHANGE_HEADERS;




async function plan(targets: string[], stopRunning = false): Promise<Plan> {
  const response = await postPlan(new Request(`${ORIGIN}/api/plans`, { method: "POST", headers: authHeaders, body: JSON.stringify({ targets, stopRunning }) }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Plan;
}

async function execute(planId: string): Promise<{ steps: StepResult[]; results: StepResult[]; summary: RunSummary }> {
  const response = await postExecute(new Request(`${ORIGIN}/api/plans/${planId}/execute`, { method: "POST", headers: authHeaders }), {
    params: Promise.resolve({ planId }),
  });
  expect(response.status).toBe(200);
  const lines = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  const final = lines.at(-1) as { type: string; results: StepResult[]; summary: RunSummary };
  expect(final.type).toBe("summary");
  return { steps: lines.filter((line) => line.type === "step") as unknown as StepResult[], results: final.results, summary: final.summary };
}

/** Runs a plan and checks that exactly its objects went: nothing more, nothing less. */
async function runAndCompare(planned: Plan): Promise<void> {
  const before = await inventory();
  const run = await execute(planned.planId);
  expect(run.summary.outcome, JSON.stringify(run.results, null, 1)).toBe("completed");
  // Steps of one group may finish in any order; every step reports exactly once.
  expect(run.steps.map((step) => step.step).sort((a, b) => a - b)).toEqual(planned.steps.map((step) => step.id));
  const after = await inventory();
  expect(minus(before.containers, after.containers)).toEqual([...planned.removes.containerIds].sort());
  expect(minus(before.images, after.images)).toEqual([...planned.removes.imageIds, ...planned.removes.prunedImageIds].sort());
  expect(minus(after.containers, before.containers)).toEqual([]);
  expect(minus(after.images, before.images)).toEqual([]);
}

let manifest: SeedManifest;

describe("cleanup plans on the seeded host", () => {
  beforeAll(async () => {
    manifest = await reseed();
  });

  it("removes the exited container, then its image (hello-world / hungry_hopper)", async () => {
    const planned = await plan(["hello-world:latest"]);
    expect(planned.blocked).toEqual([]);
    expect(planned.steps.map((step) => `${step.action} ${step.subject}`)).toEqual(["remove-container hungry_hopper", "remove-image hello-world:latest"]);
    expect(planned.warnings.some((warning) => warning.kind === "not-pullable")).toBe(true);
    expect(planned.reclaimableBytes).toBeGreaterThan(0);
    await runAndCompare(planned);
  });

  it("removes both exited containers of training/webapp and leaves ubuntu's container alone", async () => {
    const sharp = manifest.containers.find((container) => container.name === "sharp_wescoff");
    const planned = await plan(["training/webapp"]);
    expect(planned.steps.filter((step) => step.action === "remove-container").map((step) => step.subject).sort()).toEqual(["backstabbing_ritchie", "drunk_feynman"]);
    await runAndCompare(planned);
    expect((await inventory()).containers.has(sharp?.id ?? "")).toBe(true);
  });

  it("untags each extra reference before removing an image with several tags by ID", async () => {
    const image = manifest.scenarios.multiTag?.images.image;
    if (!image) throw new Error("no multi-tag image in the seed");
    const planned = await plan([image.id]);
    const untags = planned.steps.filter((step) => step.action === "untag");
    expect(untags.length).toBe(image.tags.length - 1);
    const lastUntag = Math.max(...untags.map((step) => step.id));
    const removeImage = planned.steps.find((step) => step.action === "remove-image");
    expect(removeImage && removeImage.id > lastUntag).toBe(true);
    await runAndCompare(planned);
  });

  it("removes the orphaned container of a force-removed image", async () => {
    const removed = manifest.scenarios.forceRemoved?.images.removed;
    if (!removed) throw new Error("no force-removed image in the seed");
    const planned = await plan([`image:${removed.id}`]);
    expect(planned.steps.map((step) => step.action)).toEqual(["remove-container"]);
    await runAndCompare(planned);
  });

  it("removes a parent → child → grandchild chain with a container on the leaf in one plan", async () => {
    const chain = manifest.scenarios.chain?.images;
    if (!chain?.parent || !chain.child || !chain.grandchild) throw new Error("no chain in the seed");
    const planned = await plan(["app/base:1.0"]);
    const imageSteps = planned.steps.filter((step) => step.action === "remove-image").map((step) => step.node);
    expect(imageSteps).toEqual([`image:${chain.grandchild.id}`, `image:${chain.child.id}`, `image:${chain.parent.id}`]);
    expect(planned.steps[0]?.action).toBe("remove-container");
    await runAndCompare(planned);
  });

  it("never stops a running container without consent, and stops (after unpausing) with it", async () => {
    const before = await inventory();
    const refused = await plan(["shop/web:1.4.2", "shop/cache:7.2"]);
    expect(refused.steps).toEqual([]);
    expect(refused.blocked.map((blocked) => blocked.needs)).toEqual(["stop-running", "stop-running"]);
    await execute(refused.planId);
    const unchanged = await inventory();
    expect(minus(before.containers, unchanged.containers)).toEqual([]);
    expect(minus(before.images, unchanged.images)).toEqual([]);

    const consented = await plan(["shop/cache:7.2"], true);
    expect(consented.steps.map((step) => step.action)).toEqual(["unpause-container", "stop-container", "remove-container", "remove-image"]);
    expect(consented.warnings.some((warning) => warning.kind === "will-stop")).toBe(true);
    await runAndCompare(consented);
  });

  it("offers the plan as a shell script of docker commands, without -f", async () => {
    const planned = await plan(["billing/postgres:15"]);
    const response = await getScript(new Request(`${ORIGIN}/api/plans/${planned.planId}/script`, { headers: { host: "127.0.0.1:3000" } }), {
      params: Promise.resolve({ planId: planned.planId }),
    });
    expect(response.status).toBe(200);
    const script = await response.text();
    expect(script).toContain("docker rm billing-postgres-1");
    expect(script).toMatch(/docker rmi sha256:[0-9a-f]{64}/);
    expect(script).not.toMatch(/\s-f\b|--force/);
    expect(planned.warnings.some((warning) => warning.kind === "anonymous-volumes")).toBe(true);
  });

  it("stops at the image when a container was created on it after planning, leaving both intact", async () => {
    const planned = await plan(["tools/cruncher:0.9"]);
    const created = await dockerCli(["create", "--name", "late_arrival", "tools/cruncher:0.9", "true"]);
    expect(created.code).toBe(0);
    const before = await inventory();
    const run = await execute(planned.planId);
    expect(run.summary.outcome).toBe("stopped");
    const failed = run.results.find((result) => result.status === "failed");
    expect(failed?.action).toBe("remove-image");
    expect(failed?.message).toContain("late_arrival");
    const after = await inventory();
    // The planned container went (it came first); the image and the newcomer stayed.
    expect(minus(before.containers, after.containers)).toEqual([...planned.removes.containerIds].sort());
    expect(minus(before.images, after.images)).toEqual([]);
    expect(after.containers.has(created.stdout.trim())).toBe(true);
  });

  it("writes every executed step to the audit log", async () => {
    const response = await getAudit(new Request(`${ORIGIN}/api/audit?limit=500`, { headers: { host: "127.0.0.1:3000" } }));
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { action: string; outcome: string; subject: string }[] };
    expect(entries.some((entry) => entry.action === "remove-container" && entry.subject === "hungry_hopper" && entry.outcome === "done")).toBe(true);
    expect(entries.some((entry) => entry.action === "remove-image" && entry.outcome === "failed")).toBe(true);
  });
});

describe("bad requests never touch the host", () => {
  it("answers 404, 409, 410, 400, 401 and 403 as the contract says", async () => {
    await reseed();
    const before = await inventory();
    const call = (planId: string, headers: Record<string, string> = authHeaders) =>
      postExecute(new Request(`${ORIGIN}/api/plans/${planId}/execute`, { method: "POST", headers }), { params: Promise.resolve({ planId }) });

    expect((await call("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("../../etc")).status).toBe(400);

    const post = (body: string, headers: Record<string, string> = authHeaders) =>
      postPlan(new Request(`${ORIGIN}/api/plans`, { method: "POST", headers, body }));
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ targets: [] }))).status).toBe(400);
    expect((await post(JSON.stringify({ targets: ["../x"] }))).status).toBe(400);
    expect((await post(JSON.stringify({ targets: ["hello-world:latest"], force: true }))).status).toBe(400);
    expect((await post(JSON.stringify({ targets: ["x".repeat(5000)] }))).status).toBe(400);
    expect((await post(JSON.stringify({ targets: ["no-such-image:1"] }))).status).toBe(404);
    const { "x-dockgraph-token": _token, ...withoutToken } = authHeaders;
    expect((await post(JSON.stringify({ targets: ["hello-world:latest"] }), withoutToken)).status).toBe(401);
    expect((await post(JSON.stringify({ targets: ["hello-world:latest"] }), { ...authHeaders, "x-dockgraph-token": "wrong-token-wrong-token" })).status).toBe(403);
    expect((await post(JSON.stringify({ targets: ["hello-world:latest"] }), { ...authHeaders, origin: "http://evil.example" })).status).toBe(403);

    const expiring = await plan(["hello-world:latest"]);
    findPlan(expiring.planId).expiresAt = new Date(Date.now() - 1000).toISOString();
    expect((await call(expiring.planId)).status).toBe(410);

    const once = await plan(["acme/worker:2.1"]);
    const running = call(once.planId);
    const second = await call(once.planId);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe("conflict");
    await (await running).text();
    expect((await call(once.planId)).status).toBe(409);

    const after = await inventory();
    // Only the one plan that ran legitimately changed anything.
    expect(minus(before.images, after.images)).toEqual([...once.removes.imageIds, ...once.removes.prunedImageIds].sort());
    expect(minus(before.containers, after.containers)).toEqual([...once.removes.containerIds].sort());
  });
});
