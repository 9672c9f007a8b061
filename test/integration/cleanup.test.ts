import { beforeAll, describe, expect, it } from "vitest";
import { POST as postPlan } from "@/app/api/plans/route";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import { GET as getScript } from "@/app/api/plans/[planId]/script/route";
import { GET as getAudit } from "@/app/api/audit/route";
import type { Plan, RunSummary, StepResult } from "@/lib/cleanup/plan-types";
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
    const postgres = manifest.containers.find((container) => container.name === "billing-postgres-1");
    expect(script).toContain(`\ndocker rm ${postgres?.id ?? "?"}  # billing-postgres-1\n`);
    expect(script).toMatch(/\ndocker rmi sha256:[0-9a-f]{64} {2}# billing\/postgres:15\n/);
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
    expect(run.summary).toMatchObject({ steps: planned.steps.length, failed: 1, stoppedAt: { step: failed?.step, action: "remove-image", message: failed?.message } });
    const after = await inventory();
    // The planned container went (it came first); the image and the newcomer stayed.
    expect(minus(before.containers, after.containers)).toEqual([...planned.removes.containerIds].sort());
    expect(minus(before.images, after.images)).toEqual([]);
    expect(after.containers.has(created.stdout.trim())).toBe(true);
  });

  it("stops before removing an image that was tagged since planning, leaving the image and the new tag", async () => {
    const dangling = manifest.scenarios.dangling?.images.dangling1;
    if (!dangling) throw new Error("no dangling image in the seed");
    const planned = await plan([dangling.id]);
    expect(planned.steps.map((step) => step.action)).toEqual(["remove-image"]);
    // By ID the daemon would delete the image and the new tag with it, without a word.
    expect((await dockerCli(["tag", dangling.id, "acme/api:rescued"])).code).toBe(0);
    const before = await inventory();
    const run = await execute(planned.planId);
    expect(run.summary).toMatchObject({ outcome: "stopped", done: 0, failed: 1, freedBytes: 0, stoppedAt: { step: 1, action: "remove-image" } });
    expect(run.summary.stoppedAt?.message).toContain("acme/api:rescued");
    expect(await inventory()).toEqual(before);
  });

  it("stops at the first untag when an image to remove by ID got another tag, before any tag is lost", async () => {
    // The multi-tag image went in an earlier test: start again from the seeded host.
    manifest = await reseed();
    const image = manifest.scenarios.multiTag?.images.image;
    if (!image) throw new Error("no multi-tag image in the seed");
    const planned = await plan([image.id]);
    expect((await dockerCli(["tag", image.id, "ubuntu:keep-me"])).code).toBe(0);
    const before = await inventory();
    const run = await execute(planned.planId);
    const firstUntag = planned.steps.find((step) => step.action === "untag");
    expect(run.summary.stoppedAt).toMatchObject({ step: firstUntag?.id, action: "untag" });
    expect(run.summary.stoppedAt?.message).toContain("ubuntu:keep-me");
    expect(run.results.filter((result) => result.step > (firstUntag?.id ?? 0)).every((result) => result.status === "skipped")).toBe(true);
    // Only its container went (it came first); every image and every tag, the new one too, stayed.
    const after = await inventory();
    expect(minus(before.containers, after.containers)).toEqual([...planned.removes.containerIds].sort());
    expect(after.images).toEqual(before.images);
    expect(after.tags).toEqual(before.tags);
  });

  it("writes every executed step to the audit log", async () => {
    const response = await getAudit(new Request(`${ORIGIN}/api/audit?limit=500`, { headers: { host: "127.0.0.1:3000" } }));
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { action: string; outcome: string; subject: string }[] };
    expect(entries.some((entry) => entry.action === "remove-container" && entry.subject === "hungry_hopper" && entry.outcome === "done")).toBe(true);
    expect(entries.some((entry) => entry.action === "remove-image" && entry.outcome === "failed")).toBe(true);
  });
});

describe("restarting and dead containers", () => {
  beforeAll(async () => {
    manifest = await reseed({ restarting: true, dead: true });
  });

  it("needs consent to stop a restarting container, then stops and removes it", async () => {
    const refused = await plan(["restless_hawking"]);
    expect(refused.steps).toEqual([]);
    expect(refused.blocked).toEqual([expect.objectContaining({ target: "restless_hawking", needs: "stop-running" })]);
    const consented = await plan(["restless_hawking"], true);
    expect(consented.steps.map((step) => step.action)).toEqual(["stop-container", "remove-container"]);
    await runAndCompare(consented);
  });

  it("reports the daemon's refusal to remove a dead container word for word, and touches nothing else", async () => {
    const dead = manifest.containers.find((container) => container.name === "sad_morse");
    if (!dead) throw new Error("the sandbox could not make a dead container (needs chattr and immutable files)");
    const planned = await plan(["sad_morse"]);
    expect(planned.steps.map((step) => step.action)).toEqual(["remove-container"]);
    const before = await inventory();
    const run = await execute(planned.planId);
    expect(run.summary).toMatchObject({ outcome: "stopped", failed: 1, stoppedAt: { step: 1, action: "remove-container" } });
    expect(await inventory()).toEqual(before);
    // The CLI prints the same refusal after "Error response from daemon: ".
    const cli = await dockerCli(["rm", dead.id]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr.trim()).toBe(`Error response from daemon: ${run.summary.stoppedAt?.message ?? ""}`);
  });

  it("runs two overlapping plans side by side: each step is done once, the other finds it done", async () => {
    const first = await plan(["hello-world:latest"]);
    const second = await plan(["hungry_hopper", "hello-world:latest"]);
    expect(second.removes).toEqual(first.removes);
    const before = await inventory();
    const [a, b] = await Promise.all([execute(first.planId), execute(second.planId)]);
    for (const run of [a, b]) expect(run.summary.outcome, JSON.stringify(run.results)).toBe("completed");
    // Every step was done by exactly one of the two runs.
    for (const step of first.steps) {
      const statuses = [a, b].map((run) => run.results.find((result) => result.subject === step.subject)?.status).sort();
      expect(statuses, step.subject).toEqual(["done", "skipped"]);
    }
    const after = await inventory();
    expect(minus(before.containers, after.containers)).toEqual([...first.removes.containerIds].sort());
    expect(minus(before.images, after.images)).toEqual([...first.removes.imageIds, ...first.removes.prunedImageIds].sort());
  });
});
