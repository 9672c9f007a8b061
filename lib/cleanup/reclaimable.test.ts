import { describe, expect, it } from "vitest";
import type { HostSnapshot, ImageLayers, ImageRecord } from "@/lib/docker/types";
import { imageSpace, reclaimableFor } from "@/lib/cleanup/reclaimable";
import { layersMap, loadFixture } from "@/lib/cleanup/__fixtures__/fixture";
import type { CleanupFixture } from "@/lib/cleanup/__fixtures__/fixture";

const fixtures = [loadFixture("scenarios-walk.json.gz"), loadFixture("random-walk-7.json.gz")];

/** Each recorded removal that went through, with the states before and after it. */
function transitions(fixture: CleanupFixture) {
  return fixture.states.slice(0, -1).flatMap((before, position) => {
    const after = fixture.states[position + 1]!;
    const done = before.answers.filter((recorded) => recorded.answer.status < 300);
    return done.map((recorded) => ({ before, after, recorded }));
  });
}

describe("reclaimableFor against the daemon's /system/df", () => {
  it("predicts exactly how far LayersSize dropped after every recorded image removal", () => {
    let checked = 0;
    for (const fixture of fixtures) {
      const layers = layersMap(fixture);
      for (const { before, after, recorded } of transitions(fixture)) {
        if (recorded.removal !== "image") continue;
        const imageIds = new Set(before.snapshot.images.map((image) => image.id));
        const deleted = recorded.answer.deleted.filter((id) => imageIds.has(id));
        const predicted = reclaimableFor(before.snapshot, layers, { imageIds: deleted, containerIds: [] });
        expect(predicted.complete).toBe(true);
        expect(predicted.layerBytes, `${after.label}`).toBe(before.layersSize - after.layersSize);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it("counts a removed container's writable layer and no image layer", () => {
    for (const fixture of fixtures) {
      const layers = layersMap(fixture);
      for (const { before, after, recorded } of transitions(fixture)) {
        if (recorded.removal !== "container") continue;
        const container = before.snapshot.containers.find((candidate) => candidate.name === recorded.name)!;
        const sizes = new Map(Object.entries(before.containerSizes));
        const predicted = reclaimableFor(before.snapshot, layers, { imageIds: [], containerIds: [container.id] }, sizes);
        expect(predicted).toMatchObject({ layerBytes: 0, containerBytes: before.containerSizes[container.id], complete: true });
        expect(after.layersSize).toBe(before.layersSize);
      }
    }
  });
});

describe("imageSpace", () => {
  it("gives every top-level image the SharedSize `docker system df -v` reports", () => {
    let checked = 0;
    for (const fixture of fixtures) {
      const layers = layersMap(fixture);
      for (const state of fixture.states) {
        const space = imageSpace(state.snapshot, layers);
        for (const [imageId, sharedSize] of Object.entries(state.sharedSizes)) {
          expect(space.get(imageId)?.sharedSize, `${state.label}: ${imageId}`).toBe(sharedSize);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it("adds shared and unique up to the image's size", () => {
    const [fixture] = fixtures;
    const state = fixture!.states[0]!;
    const space = imageSpace(state.snapshot, layersMap(fixture!));
    for (const image of state.snapshot.images) {
      const entry = space.get(image.id)!;
      expect(entry.size, image.id).toBe(image.size);
      expect(entry.sharedSize + entry.uniqueSize).toBe(entry.size);
    }
  });
});

describe("layer identity", () => {
  const image = (id: string, parentId: string | null = null): ImageRecord => ({
    id,
    repoTags: [`${id.slice(-1)}:1`],
    repoDigests: [],
    parentId,
    created: 0,
    size: 0,
    sharedSize: null,
    labels: {},
  });
  const host = (images: ImageRecord[]): HostSnapshot => ({
    takenAt: "",
    engine: { host: "", version: "", apiVersion: "", os: "", arch: "", storageDriver: "", containerdImageStore: false },
    images,
    containers: [],
  });
  const layers = (entries: [string, string[], number[]][]) =>
    new Map<string, ImageLayers>(entries.map(([imageId, diffIds, layerSizes]) => [imageId, { imageId, diffIds, layerSizes }]));

  it("is the chain, not the bare diff: the same diff on another base is another layer", () => {
    const snapshot = host([image("sha256:a"), image("sha256:b")]);
    const layerMap = layers([
      ["sha256:a", ["base-1", "same"], [100, 7]],
      ["sha256:b", ["base-2", "same"], [200, 7]],
    ]);
    expect(reclaimableFor(snapshot, layerMap, { imageIds: ["sha256:a"], containerIds: [] })).toMatchObject({ layerBytes: 107, freedLayerCount: 2 });
    expect(imageSpace(snapshot, layerMap).get("sha256:a")).toEqual({ size: 107, sharedSize: 0, uniqueSize: 107 });
  });

  it("keeps layers another image still uses", () => {
    const snapshot = host([image("sha256:a"), image("sha256:b")]);
    const layerMap = layers([
      ["sha256:a", ["base", "a-only"], [100, 7]],
      ["sha256:b", ["base", "b-only"], [100, 9]],
    ]);
    expect(reclaimableFor(snapshot, layerMap, { imageIds: ["sha256:a"], containerIds: [] })).toMatchObject({ layerBytes: 7, freedLayerCount: 1 });
    expect(reclaimableFor(snapshot, layerMap, { imageIds: ["sha256:a", "sha256:b"], containerIds: [] })).toMatchObject({ layerBytes: 116 });
    expect(imageSpace(snapshot, layerMap).get("sha256:b")).toEqual({ size: 109, sharedSize: 100, uniqueSize: 9 });
  });

  it("does not count an untagged parent with children as a user of its layers", () => {
    const parent = { ...image("sha256:p"), repoTags: [] };
    const snapshot = host([parent, image("sha256:c", "sha256:p")]);
    const layerMap = layers([
      ["sha256:p", ["base"], [100]],
      ["sha256:c", ["base", "top"], [100, 5]],
    ]);
    expect(imageSpace(snapshot, layerMap).get("sha256:c")).toEqual({ size: 105, sharedSize: 0, uniqueSize: 105 });
  });

  it("says when it could not know: unknown layers or container sizes", () => {
    const snapshot = host([image("sha256:a"), image("sha256:b")]);
    const layerMap = layers([["sha256:a", ["base"], [100]]]);
    expect(reclaimableFor(snapshot, layerMap, { imageIds: ["sha256:a"], containerIds: [] }).complete).toBe(false);
    const known = layers([
      ["sha256:a", ["base"], [100]],
      ["sha256:b", ["other"], [5]],
    ]);
    expect(reclaimableFor(snapshot, known, { imageIds: ["sha256:a"], containerIds: ["c1"] }, new Map())).toMatchObject({ complete: false, bytes: 100 });
    expect(reclaimableFor(snapshot, known, { imageIds: [], containerIds: ["c1"] }, new Map([["c1", 42]]))).toMatchObject({ complete: true, bytes: 42 });
  });
});
