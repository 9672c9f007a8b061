import { describe, expect, it } from "vitest";
import type { ContainerRecord, HostSnapshot, ImageRecord } from "@/lib/docker/types";
import { buildGraph } from "@/lib/graph/build";
import { applyDelta, GraphState, isEmptyDelta, type RecordChanges } from "@/lib/graph/graph-state";
import type { GraphPayload } from "@/lib/graph/types";
import { createRandom } from "@/scripts/sandbox/random";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";
import randomHost from "@/lib/graph/__fixtures__/random-host-7.json";

const fixtures: [string, HostSnapshot][] = [
  ["seeded host", seeded.snapshot as HostSnapshot],
  ["random host 7", randomHost.snapshot as HostSnapshot],
];

const STATES = ["created", "running", "paused", "exited", "dead"] as const;

function pick<T>(random: () => number, values: readonly T[]): T | undefined {
  return values[Math.floor(random() * values.length)];
}

/** One random change to a snapshot, as records the model would hand the graph: the changes and the snapshot after. */
function randomChange(random: () => number, snapshot: HostSnapshot, step: number): { changes: RecordChanges; after: HostSnapshot } {
  const images = [...snapshot.images];
  const containers = [...snapshot.containers];
  const changes: RecordChanges = {};
  const roll = random();
  const image = pick(random, images);
  const container = pick(random, containers);
  if (roll < 0.2 && image) {
    // A container created on an image (or on a force-removed one's ID).
    const imageId = random() < 0.1 ? `sha256:f${step.toString(16).padStart(63, "0")}` : image.id;
    const created: ContainerRecord = {
      id: `c${step.toString(16).padStart(63, "0")}`,
      name: `c${step}`,
      image: imageId,
      imageId,
      state: pick(random, STATES) ?? "created",
      status: "Created",
      exitCode: null,
      created: 2_000_000_000 + step,
      labels: random() < 0.3 ? { "com.docker.compose.project": "p" } : {},
      mounts: [],
      sizeRw: null,
    };
    containers.push(created);
    changes.containerUpserts = [created];
  } else if (roll < 0.4 && container) {
    const changed: ContainerRecord = { ...container, state: pick(random, STATES) ?? "exited", status: `Exited (${step}) now`, exitCode: step };
    containers.splice(containers.indexOf(container), 1, changed);
    changes.containerUpserts = [changed];
  } else if (roll < 0.55 && container) {
    containers.splice(containers.indexOf(container), 1);
    changes.containerRemovals = [container.id];
  } else if (roll < 0.7 && image) {
    // rmi (even with children or containers left: the graph must show what the records say).
    images.splice(images.indexOf(image), 1);
    changes.imageRemovals = [image.id];
  } else if (roll < 0.85 && image) {
    const retagged: ImageRecord = { ...image, repoTags: image.repoTags.length > 0 ? [] : [`tagged/${step}:latest`] };
    images.splice(images.indexOf(image), 1, retagged);
    changes.imageUpserts = [retagged];
  } else if (image) {
    // A new image built on an existing one (a commit or a build step).
    const built: ImageRecord = {
      id: `sha256:e${step.toString(16).padStart(63, "0")}`,
      repoTags: random() < 0.5 ? [`built/${step}:1`] : [],
      repoDigests: [],
      parentId: image.id,
      created: 2_000_000_000 + step,
      size: 1000 + step,
      sharedSize: null,
      labels: {},
    };
    images.push(built);
    changes.imageUpserts = [built];
  }
  return { changes, after: { ...snapshot, images, containers } };
}

function sortedGraph(graph: { nodes: Iterable<GraphPayload["nodes"][number]>; edges: Iterable<GraphPayload["edges"][number]> }) {
  return {
    nodes: [...graph.nodes].sort((a, b) => (a.id < b.id ? -1 : 1)),
    edges: [...graph.edges].map((edge) => `${edge.source} ${edge.kind} ${edge.target}`).sort(),
  };
}

describe("GraphState", () => {
  for (const [name, snapshot] of fixtures) {
    it(`gives buildGraph's payload, node for node and in order, on the ${name}`, () => {
      const state = new GraphState(snapshot);
      expect(state.payload({ generatedAt: snapshot.takenAt, daemon: snapshot.engine })).toEqual(buildGraph(snapshot));
    });

    it(`turns 300 random changes into deltas that take buildGraph(before) to buildGraph(after) on the ${name}`, () => {
      const random = createRandom(11);
      let current = snapshot;
      const state = new GraphState(snapshot);
      let client = buildGraph(snapshot);
      for (let step = 1; step <= 300; step++) {
        const { changes, after } = randomChange(random, current, step);
        const delta = state.apply(changes);
        const applied = applyDelta(client, delta);
        client = { ...client, nodes: [...applied.nodes.values()], edges: [...applied.edges.values()] };
        const expected = buildGraph(after);
        expect(sortedGraph(client), `step ${step}`).toEqual(sortedGraph(expected));
        expect(state.payload({ generatedAt: after.takenAt, daemon: after.engine }), `step ${step}`).toEqual(expected);
        current = after;
      }
    });
  }

  it("sends the image's new counts with a container that appears, and the ghost node of a force-removed image", () => {
    const snapshot = seeded.snapshot as HostSnapshot;
    const state = new GraphState(snapshot);
    const image = snapshot.images[0];
    if (!image) throw new Error("fixture without images");
    const container: ContainerRecord = {
      id: "a".repeat(64),
      name: "new",
      image: image.id,
      imageId: image.id,
      state: "created",
      status: "Created",
      exitCode: null,
      created: 2_000_000_000,
      labels: {},
      mounts: [],
      sizeRw: null,
    };
    const created = state.apply({ containerUpserts: [container] });
    expect(created.upserts.map((node) => node.id).sort()).toEqual([`container:${container.id}`, `image:${image.id}`].sort());
    expect(created.edgeUpserts).toEqual([{ source: `container:${container.id}`, target: `image:${image.id}`, kind: "uses" }]);
    const removed = state.apply({ imageRemovals: [image.id] });
    expect(removed.upserts).toContainEqual(expect.objectContaining({ id: `image:${image.id}`, missing: true, containerCount: 1 + snapshot.containers.filter((c) => c.imageId === image.id).length }));
    expect(isEmptyDelta(state.apply({ containerUpserts: [container] }))).toBe(true);
  });
});
