import { describe, expect, it } from "vitest";
import type { HostSnapshot, ImageLayers } from "@/lib/docker/types";
import { planForTargets, planFromRemoval, referenceChange, type PlanningContext } from "@/lib/cleanup/planner";
import { parseLabelFilter, parseUntil, pruneRemoval } from "@/lib/cleanup/prune";
import { indexHost } from "@/lib/cleanup/targets";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

// The seeded scenarios as recorded from the sandbox daemon (scripts/record-fixtures.ts).
const snapshot = seeded.snapshot as HostSnapshot;
const layers = new Map(Object.entries(seeded.layers as Record<string, ImageLayers>));
const containerSizes = new Map(Object.entries(seeded.containerSizes as Record<string, number>));
const manifest = seeded.manifest;

function context(): PlanningContext {
  return { snapshot, layers, containerSizes, planId: "00000000-0000-4000-8000-000000000001", now: new Date("2026-11-24T10:00:00Z") };
}

function containerId(name: string): string {
  const container = snapshot.containers.find((candidate) => candidate.name === name);
  if (!container) throw new Error(`no container ${name} in the fixture`);
  return container.id;
}

describe("planForTargets", () => {
  it("removes containers before their image and prices every step", () => {
    const plan = planForTargets(context(), ["hello-world:latest"], { stopRunning: false });
    expect(plan.steps.map((step) => [step.id, step.action, step.subject])).toEqual([
      [1, "remove-container", "hungry_hopper"],
      [2, "remove-image", "hello-world:latest"],
    ]);
    expect(plan.reclaimableBytes).toBe(plan.steps.reduce((sum, step) => sum + step.bytes, 0));
    expect(plan.expiresAt).toBe("2026-11-24T10:05:00.000Z");
    expect(plan.blocked).toEqual([]);
  });

  it("puts a running container in blocked without consent, and plans unpause + stop with it", () => {
    const refused = planForTargets(context(), ["shop-cache-1"], { stopRunning: false });
    expect(refused.steps).toEqual([]);
    expect(refused.blocked).toEqual([expect.objectContaining({ target: "shop-cache-1", needs: "stop-running" })]);

    const consented = planForTargets(context(), ["shop-cache-1"], { stopRunning: true });
    expect(consented.steps.map((step) => step.action)).toEqual(["unpause-container", "stop-container", "remove-container"]);
    expect(consented.warnings.map((warning) => warning.kind)).toContain("will-stop");
  });

  it("orders a chain children first, whatever order the targets come in, and plans each step once", () => {
    const chain = manifest.scenarios.chain.images;
    const plan = planForTargets(context(), [chain.parent.id, "app/service:1.0", chain.child.id, "app/base:1.0"], { stopRunning: false });
    const removals = plan.steps.filter((step) => step.action === "remove-image").map((step) => step.node);
    expect(removals).toEqual([`image:${chain.grandchild.id}`, `image:${chain.child.id}`, `image:${chain.parent.id}`]);
    expect(plan.steps.filter((step) => step.action === "remove-container").map((step) => step.subject)).toEqual(["app-service-1"]);
    const ids = plan.steps.map((step) => step.id);
    expect(ids).toEqual([...ids.keys()].map((index) => index + 1));
  });

  it("untags all but one reference of a multi-tagged image before removing it by ID", () => {
    const image = manifest.scenarios.multiTag.images.image;
    const plan = planForTargets(context(), [image.id], { stopRunning: false });
    const untagged = plan.steps.filter((step) => step.action === "untag").map((step) => step.ref);
    expect(untagged).toHaveLength(image.tags.length - 1);
    for (const ref of untagged) expect(image.tags).toContain(ref);
    expect(plan.steps.at(-1)).toMatchObject({ action: "remove-image" });
    expect(plan.steps.at(-1)?.command.startsWith(`docker rmi ${image.id}  # `)).toBe(true);
  });

  it("records the references each step expects to find, so that a tag added since planning stops the run", () => {
    const image = manifest.scenarios.multiTag.images.image;
    const plan = planForTargets(context(), [image.id], { stopRunning: false });
    const untags = plan.steps.filter((step) => step.action === "untag");
    const expected = untags.map((step) => (step.expect.kind === "reference" ? step.expect.references : null));
    // Before each untag: every tag not yet untagged.
    expected.forEach((references, position) => {
      expect([...(references ?? [])].sort()).toEqual(image.tags.filter((tag) => !untags.slice(0, position).some((step) => step.ref === tag)).sort());
    });
    const removal = plan.steps.at(-1);
    const kept = image.tags.filter((tag) => !untags.some((step) => step.ref === tag));
    expect(kept).toHaveLength(1);
    expect(removal?.expect).toMatchObject({ kind: "image", references: kept });

    const dangling = manifest.scenarios.dangling.images.dangling1;
    const danglingPlan = planForTargets(context(), [dangling.id], { stopRunning: false });
    expect(danglingPlan.steps.find((step) => step.action === "remove-image")?.expect).toMatchObject({ kind: "image", references: [] });
  });

  it("warns about data in writable layers and anonymous volumes left behind", () => {
    const plan = planForTargets(context(), ["quirky_noether", "billing-postgres-1"], { stopRunning: false });
    const writable = plan.warnings.find((warning) => warning.kind === "writable-data");
    expect(writable).toMatchObject({ node: `container:${containerId("quirky_noether")}` });
    expect(writable?.bytes).toBeGreaterThan(0);
    // In the CLI's units, not a raw byte count.
    expect(writable?.message).toMatch(/holds \d+(\.\d+)? (B|kB|MB) of its own data/);
    expect(plan.warnings.find((warning) => warning.kind === "anonymous-volumes")?.message).toMatch(/1 anonymous volume \(.*\): they are kept/);
  });

  it("says why each container goes: for its image, because it was chosen, or by the prune", () => {
    const forImage = planForTargets(context(), ["hello-world:latest"], { stopRunning: false });
    expect(forImage.steps[0]?.reason).toMatch(/uses hello-world:latest, which goes too/);

    const chosen = planForTargets(context(), ["quirky_noether"], { stopRunning: false });
    expect(chosen.steps.map((step) => step.action)).toEqual(["remove-container"]);
    expect(chosen.steps[0]?.reason).toMatch(/^You chose it\. Its image .* stays\.$/);

    const pruned = planFromRemoval(context(), pruneRemoval(indexHost(snapshot), "stopped-containers", { labels: [] }), {
      kind: "prune",
      scope: "stopped-containers",
      targets: [],
      stopRunning: false,
    });
    for (const step of pruned.steps) expect(step.reason, step.subject).not.toMatch(/which goes too/);
    expect(pruned.steps.find((step) => step.subject === "eager_turing")?.reason).toMatch(/created but never started: docker container prune removes it/);
  });

  it("refuses bad targets the way the blockers API does", () => {
    expect(() => planForTargets(context(), ["../x"], { stopRunning: false })).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    expect(() => planForTargets(context(), ["nope:1"], { stopRunning: false })).toThrowError(expect.objectContaining({ code: "not_found" }));
  });
});

describe("prune plans", () => {
  const index = indexHost(snapshot);

  it("stopped-containers takes created, exited and dead containers only", () => {
    const removal = pruneRemoval(index, "stopped-containers", { labels: [] });
    const states = new Set(removal.containers.map((container) => container.state));
    expect([...states].every((state) => ["created", "exited", "dead"].includes(state))).toBe(true);
    expect(removal.containers.map((container) => container.name)).not.toContain("shop-web-1");
    expect(removal.containers.map((container) => container.name)).toContain("eager_turing");
  });

  it("dangling-images takes untagged images without children that nothing uses, with the parents the daemon prunes", () => {
    const removal = pruneRemoval(index, "dangling-images", { labels: [] });
    const ids = removal.images.map((entry) => entry.image.id);
    for (const role of ["dangling1", "dangling2"] as const) expect(ids).toContain(manifest.scenarios.dangling.images[role].id);
    for (const entry of removal.images) expect(entry.image.repoTags).toEqual([]);
    expect(removal.untagOnly).toEqual([]);
  });

  it("unused-images never removes an image a container uses, only its extra references", () => {
    const removal = pruneRemoval(index, "unused-images", { labels: [] });
    const used = new Set(snapshot.containers.map((container) => container.imageId));
    for (const entry of removal.images) expect(used.has(entry.image.id)).toBe(false);
    const ubuntu = removal.untagOnly.find((entry) => entry.image.repoTags.includes("ubuntu:latest"));
    expect(ubuntu?.references.length).toBe(ubuntu ? ubuntu.image.repoTags.length - 1 : 0);
    const plan = planFromRemoval(context(), removal, { kind: "prune", scope: "unused-images", targets: [], stopRunning: false });
    expect(plan.steps.some((step) => step.action === "stop-container" || step.action === "remove-container")).toBe(false);
  });

  it("applies label and until filters", () => {
    const shopOnly = pruneRemoval(index, "stopped-containers", { labels: [parseLabelFilter("com.docker.compose.project=shop")] });
    expect(shopOnly.containers.map((container) => container.name)).toEqual(["shop-migrate-1"]);
    const notShop = pruneRemoval(index, "stopped-containers", { labels: [parseLabelFilter("!com.docker.compose.project=shop")] });
    expect(notShop.containers.map((container) => container.name)).not.toContain("shop-migrate-1");
    const beforeAll = pruneRemoval(index, "stopped-containers", { labels: [], until: 0 });
    expect(beforeAll.containers).toEqual([]);
  });

  it("parses until like the CLI", () => {
    const now = new Date("2026-11-24T10:00:00Z");
    expect(parseUntil("24h", now)).toBe(now.getTime() / 1000 - 86_400);
    expect(parseUntil("1700000000", now)).toBe(1_700_000_000);
    expect(parseUntil("2026-11-01T00:00:00Z", now)).toBe(Date.parse("2026-11-01T00:00:00Z") / 1000);
    expect(() => parseUntil("yesterday", now)).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    expect(() => parseLabelFilter("=x")).toThrowError(expect.objectContaining({ code: "invalid_input" }));
  });
});

describe("referenceChange", () => {
  it("is null for the same references in any form the daemon resolves alike", () => {
    expect(referenceChange("x", ["ubuntu:latest", "app/base:1.0"], ["app/base:1.0", "ubuntu:latest"])).toBeNull();
    expect(referenceChange("x", ["ubuntu"], ["docker.io/library/ubuntu:latest"])).toBeNull();
    expect(referenceChange("x", [], [])).toBeNull();
  });

  it("names a tag added and a tag removed since planning", () => {
    expect(referenceChange("<none> 54063cd99166", [], ["acme/api:hotfix"])).toMatch(/tagged acme\/api:hotfix since planning/);
    expect(referenceChange("ubuntu:14.04", ["ubuntu:14.04", "ubuntu:trusty"], ["ubuntu:14.04"])).toMatch(/ubuntu:trusty was removed/);
  });
});
