import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import { imageNodeId } from "@/lib/graph/build";
import { answerFor, blockersFor, descendantsOf, explainBlockers, extraReferencesOf, removalSetFor } from "@/lib/cleanup/blockers";
import { predictContainerRemovalByName, predictImageRemovalByName, predictRemoval } from "@/lib/cleanup/daemon-messages";
import { indexHost, normalizeReference, resolveTarget } from "@/lib/cleanup/targets";
import type { NormalizedReference } from "@/lib/cleanup/targets";
import type { Blocker } from "@/lib/cleanup/types";
import { containerByName, imageByTag, layersMap, loadFixture } from "@/lib/cleanup/__fixtures__/fixture";
import { afterImageRemoval, withContainerStopped, withoutContainer } from "@/lib/cleanup/__fixtures__/simulate";

const scenarios = loadFixture("scenarios-walk.json.gz");
const random = loadFixture("random-walk-7.json.gz");
const seeded = scenarios.states[0]!.snapshot;
const index = indexHost(seeded);
const layers = layersMap(scenarios);
const sizes = new Map(Object.entries(scenarios.states[0]!.containerSizes));

const summary = (blockers: Blocker[]) =>
  blockers.map((blocker) => ({ kind: blocker.kind, node: blocker.node, hard: blocker.hard, depth: blocker.depth, reference: blocker.reference }));

describe("blockers of removing an image entirely", () => {
  it("lists a parent's grandchildren and their containers, in clearing order", () => {
    const base = imageByTag(seeded, "app/base:1.0");
    const runtime = imageByTag(seeded, "app/runtime:1.0");
    const service = imageByTag(seeded, "app/service:1.0");
    const answer = explainBlockers(seeded, "app/base:1.0", { layers, containerSizes: sizes });
    expect(summary(answer.blockers)).toEqual([
      { kind: "stopped-container", node: `container:${containerByName(seeded, "app-service-1").id}`, hard: true, depth: 2, reference: undefined },
      { kind: "running-container", node: `container:${containerByName(seeded, "base-runner").id}`, hard: true, depth: 0, reference: undefined },
      { kind: "reference", node: imageNodeId(service.id), hard: true, depth: 2, reference: "app/service:stable" },
      { kind: "child-image", node: imageNodeId(service.id), hard: true, depth: 2, reference: undefined },
      { kind: "child-image", node: imageNodeId(runtime.id), hard: true, depth: 1, reference: undefined },
    ]);
    expect(answer.blockers.every((blocker) => blocker.forceOverrides === !blocker.hard)).toBe(true);
    expect(answer.blockers[1]!.clearedBy).toEqual(["stop", "remove-container"]);
    expect(answer.blockers[3]!.via).toBe(imageNodeId(runtime.id));
    expect(answer.blockers[3]!.message).toMatch(/built on app\/runtime:1.0 \(.{12}\), which is built on this image/);
    expect(answer).toMatchObject({ targetKind: "image-reference", effect: "untag", deletable: false, reference: "app/base:1.0" });
    expect(answer.removes.imageIds.slice(0, 3)).toEqual([service.id, runtime.id, base.id]);
    expect(answer.removes.prunedParentIds).toEqual([]);
  });

  it("says stopped containers and extra tags can be forced past, running ones and children cannot", () => {
    const ubuntu = imageByTag(seeded, "ubuntu:14.04");
    const answer = explainBlockers(seeded, ubuntu.id);
    expect(summary(answer.blockers)).toEqual([
      { kind: "stopped-container", node: `container:${containerByName(seeded, "sharp_wescoff").id}`, hard: false, depth: 0, reference: undefined },
      { kind: "reference", node: imageNodeId(ubuntu.id), hard: false, depth: 0, reference: "ubuntu:latest" },
      { kind: "reference", node: imageNodeId(ubuntu.id), hard: false, depth: 0, reference: "ubuntu:trusty" },
      { kind: "reference", node: imageNodeId(ubuntu.id), hard: false, depth: 0, reference: "registry.example.com:5000/team/ubuntu:14.04" },
    ]);
    expect(answer.blockers[0]!.message).toBe(
      "Container sharp_wescoff (exited) uses this image: the daemon refuses to delete it unless forced, and forcing would leave the container pointing at a deleted image; remove the container first.",
    );
    expect(answer.blockers[1]!.message).toContain("docker rmi ubuntu:latest");
    expect(answer).toMatchObject({ targetKind: "image", effect: "delete", deletable: false });
    expect(answer.daemonMessage).toMatch(/referenced in multiple repositories$/);
  });

  it("answers a reference that only untags: deletable, yet still lists what blocks the image", () => {
    const answer = explainBlockers(seeded, "ubuntu:trusty");
    expect(answer).toMatchObject({ effect: "untag", deletable: true, daemonMessage: null, reference: "ubuntu:trusty" });
    expect(answer.blockers.length).toBe(4);
  });

  it("lists running, paused and restarting containers as hard, with what clears each", () => {
    const cache = explainBlockers(seeded, "shop/cache:7.2");
    expect(cache.blockers).toMatchObject([{ kind: "running-container", state: "paused", hard: true, clearedBy: ["unpause", "stop", "remove-container"] }]);
    const cruncher = explainBlockers(seeded, imageByTag(seeded, "tools/cruncher:0.9").id);
    expect(cruncher.blockers.map((blocker) => [blocker.state, blocker.kind, blocker.hard])).toEqual([
      ["restarting", "running-container", true],
      ["dead", "stopped-container", false],
      ["exited", "stopped-container", false],
    ]);
  });

  it("has nothing to say about an unused image with one tag, and counts the parents the daemon prunes", () => {
    const api = imageByTag(seeded, "acme/api:dev");
    const answer = explainBlockers(seeded, "acme/api:dev", { layers });
    expect(answer).toMatchObject({ effect: "delete", deletable: true, blockers: [], daemonMessage: null });
    const parent = index.imagesById.get(api.parentId!)!;
    expect(answer.removes).toEqual({ containerIds: [], imageIds: [api.id, parent.id, parent.parentId], prunedParentIds: [parent.id, parent.parentId] });
    expect(answer.reclaimableBytes).toBeGreaterThan(440_000);
  });

  it("lists the containers still holding a force-removed image", () => {
    const orphan = containerByName(seeded, "jolly_lamarr");
    const answer = explainBlockers(seeded, `image:${orphan.imageId}`, { layers, containerSizes: sizes });
    expect(answer).toMatchObject({ targetKind: "missing-image", deletable: false, daemonMessage: `No such image: ${orphan.imageId}` });
    expect(summary(answer.blockers).map((blocker) => blocker.kind)).toEqual(["missing-image", "stopped-container"]);
    expect(answer.removes.containerIds).toEqual([orphan.id]);
    // Its writable layer, plus the force-removed image's layers, which the daemon no longer describes.
    expect(answer.reclaimableBytes).toBe(sizes.get(orphan.id));
    expect(answer.reclaimable.complete).toBe(false);
    expect(explainBlockers(seeded, "jolly_lamarr", { layers, containerSizes: sizes }).reclaimable.complete).toBe(false);
  });
});

describe("blockers of removing a container", () => {
  it("names the container itself when it runs, as something force would override", () => {
    const web = explainBlockers(seeded, "shop-web-1", { containerSizes: sizes });
    expect(web).toMatchObject({ targetKind: "container", effect: "remove", deletable: false });
    expect(web.blockers).toMatchObject([{ kind: "running-container", state: "running", hard: false, forceOverrides: true, clearedBy: ["stop"] }]);
    expect(explainBlockers(seeded, "shop-cache-1").blockers).toMatchObject([{ clearedBy: ["unpause", "stop"] }]);
    expect(explainBlockers(seeded, "restless_hawking").blockers).toMatchObject([{ state: "restarting", clearedBy: ["stop"] }]);
  });

  it("has no blockers for a stopped container, and frees its writable layer", () => {
    const noether = containerByName(seeded, "quirky_noether");
    const answer = explainBlockers(seeded, "quirky_noether", { layers, containerSizes: sizes });
    expect(answer).toMatchObject({ deletable: true, blockers: [], daemonMessage: null, removes: { containerIds: [noether.id], imageIds: [] } });
    expect(answer.reclaimableBytes).toBeGreaterThanOrEqual(524_288);
    expect(answer.reclaimable.complete).toBe(true);
  });

  it("says only waiting helps while the daemon removes it", () => {
    const removing: HostSnapshot = {
      ...seeded,
      containers: seeded.containers.map((container) => (container.name === "quirky_noether" ? { ...container, state: "removing" as const } : container)),
    };
    expect(explainBlockers(removing, "quirky_noether").blockers).toMatchObject([{ kind: "removal-in-progress", hard: true, clearedBy: ["wait"] }]);
  });
});

describe("extraReferencesOf", () => {
  const refs = (...values: string[]) => values.map((value) => normalizeReference(value)).filter((value): value is NormalizedReference => value !== null);
  const digest = (character: string) => `sha256:${character.repeat(64)}`;
  const familiar = (values: NormalizedReference[]) => values.map((value) => value.familiar);

  it("keeps the first tag (with its repository's digests) and lists the rest", () => {
    expect(familiar(extraReferencesOf(refs("a:1", "a:2", "b:1")))).toEqual(["a:2", "b:1"]);
    expect(familiar(extraReferencesOf(refs("a:1", `a@${digest("1")}`, `b@${digest("2")}`)))).toEqual([`b@${digest("2")}`]);
  });

  it("leaves out digests that go with their repository's last tag", () => {
    expect(familiar(extraReferencesOf(refs("a:1", "b:1", `b@${digest("2")}`)))).toEqual(["b:1"]);
  });

  it("lists nothing for a single reference", () => {
    expect(extraReferencesOf(refs("a:1", `a@${digest("1")}`))).toEqual([]);
    expect(extraReferencesOf(refs())).toEqual([]);
  });
});

describe("blockers against the model, on every recorded state", () => {
  const states = [...scenarios.states, ...random.states];

  it("an image goes by ID without force exactly when nothing blocks it, and with force exactly when nothing hard does", () => {
    let checked = 0;
    for (const state of states) {
      const host = indexHost(state.snapshot);
      for (const image of state.snapshot.images) {
        const target = resolveTarget(host, image.id);
        const blockers = blockersFor(host, target);
        expect(predictRemoval(host, target).outcome !== "refused", image.id).toBe(blockers.length === 0);
        expect(predictRemoval(host, target, { force: true }).outcome !== "refused", image.id).toBe(blockers.every((blocker) => !blocker.hard));
        checked += 1;
      }
      for (const container of state.snapshot.containers) {
        const target = resolveTarget(host, `container:${container.id}`);
        expect(answerFor(host, target).deletable, container.name).toBe(blockersFor(host, target).length === 0);
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("clearing the blockers in the listed order lets every image go, each step allowed on the way", () => {
    for (const state of [scenarios.states[0]!, random.states[0]!]) {
      for (const image of state.snapshot.images) {
        const removed = clearAndRemove(state.snapshot, image.id);
        expect(removed, image.id).toContain(image.id);
      }
    }
  });

  it("removes with an image exactly the images a plan deletes by clearing it", () => {
    for (const image of seeded.images) {
      const removes = removalSetFor(index, resolveTarget(index, image.id));
      expect([...clearAndRemove(seeded, image.id)].sort(), image.id).toEqual([...removes.imageIds].sort());
    }
  });

  it("orders descendants children first", () => {
    const hello = imageByTag(seeded, "hello-world:latest");
    const descendants = descendantsOf(index, hello.id);
    expect(descendants.length).toBeGreaterThan(2);
    descendants.forEach((descendant, position) => {
      if (descendant.parentId === hello.id) return;
      const parentPosition = descendants.findIndex((candidate) => candidate.image.id === descendant.parentId);
      expect(parentPosition, descendant.image.id).toBeGreaterThan(position);
    });
  });
});

/**
 * Clears the image's blockers in the listed order (stop, remove containers, untag, remove child images),
 * each step predicted on the host as it then is and required to go through, then removes the image by ID
 * unless a prune already took it. Returns every image ID deleted on the way.
 */
function clearAndRemove(start: HostSnapshot, imageId: string): Set<string> {
  let snapshot = start;
  const deleted = new Set<string>();
  const startIndex = indexHost(start);
  const blockers = blockersFor(startIndex, resolveTarget(startIndex, imageId));
  const removeImage = (name: string) => {
    const prediction = predictImageRemovalByName(indexHost(snapshot), name);
    if (prediction.outcome === "refused") throw new Error(`clearing ${imageId}: ${name} refused: ${prediction.message}`);
    if (prediction.outcome === "deleted") prediction.deleted.forEach((id) => deleted.add(id));
    snapshot = afterImageRemoval(snapshot, prediction);
  };
  for (const blocker of blockers) {
    if (blocker.node.startsWith("container:")) {
      const id = blocker.node.slice("container:".length);
      if (blocker.clearedBy.includes("stop")) snapshot = withContainerStopped(snapshot, id);
      const prediction = predictContainerRemovalByName(indexHost(snapshot), id);
      if (prediction.outcome === "refused") throw new Error(`clearing ${imageId}: container ${id} refused: ${prediction.message}`);
      snapshot = withoutContainer(snapshot, id);
    } else if (blocker.kind === "reference" && blocker.reference !== undefined) {
      removeImage(blocker.reference);
    } else if (blocker.kind === "child-image") {
      const childId = blocker.node.slice("image:".length);
      if (!deleted.has(childId)) removeImage(childId);
    }
  }
  if (!deleted.has(imageId)) removeImage(imageId);
  return deleted;
}
