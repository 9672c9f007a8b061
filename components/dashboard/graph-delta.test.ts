import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generatedHost } from "@/bench/generated-host";
import type { GraphDelta, LiveGraph } from "@/lib/api-client";
import type { ContainerNode, GraphEdge, GraphNode, ImageNodeId } from "@/lib/graph/types";
import { applyGraphDelta, replayDeltas, shareGraph } from "@/components/dashboard/graph-delta";

const base: LiveGraph = { ...generatedHost(120, 3), version: 10 };
const edgeKey = (edge: GraphEdge) => `${edge.source}|${edge.target}|${edge.kind}`;

/** The delta a server would send between two graphs: changed and new nodes, removed ids, edges both ways. */
function diff(before: LiveGraph, after: LiveGraph): GraphDelta {
  const old = new Map(before.nodes.map((node) => [node.id, JSON.stringify(node)]));
  const now = new Set(after.nodes.map((node) => node.id));
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  return {
    host: "test",
    baseVersion: before.version ?? 0,
    version: after.version ?? 0,
    upserts: after.nodes.filter((node) => old.get(node.id) !== JSON.stringify(node)),
    removals: before.nodes.filter((node) => !now.has(node.id)).map((node) => node.id),
    edgeUpserts: after.edges.filter((edge) => !oldEdges.has(edgeKey(edge))),
    edgeRemovals: before.edges.filter((edge) => !newEdges.has(edgeKey(edge))),
  };
}

/** The same graph whatever the order of its nodes and edges. */
function normalised(graph: LiveGraph) {
  return {
    version: graph.version,
    nodes: [...graph.nodes].sort((a, b) => a.id.localeCompare(b.id)),
    edges: graph.edges.map(edgeKey).sort(),
  };
}

type Change = { kind: "create"; image: number; state: ContainerNode["state"] } | { kind: "remove"; container: number } | { kind: "restate"; container: number; state: ContainerNode["state"] };

const states = fc.constantFrom<ContainerNode["state"]>("created", "running", "paused", "exited", "dead");
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), image: fc.nat(), state: states }),
  fc.record({ kind: fc.constant("remove" as const), container: fc.nat() }),
  fc.record({ kind: fc.constant("restate" as const), container: fc.nat(), state: states }),
);

/** One change made the way the daemon makes it: the container, its edge, and its image's count. */
function changed(graph: LiveGraph, step: Change, serial: number): LiveGraph {
  const images = graph.nodes.filter((node) => node.kind === "image" && !node.missing);
  const containers = graph.nodes.filter((node): node is ContainerNode => node.kind === "container");
  const withCount = (imageId: string, by: number) => (node: GraphNode): GraphNode =>
    node.kind === "image" && node.imageId === imageId ? { ...node, containerCount: node.containerCount + by } : node;
  const version = (graph.version ?? 0) + 1;
  if (step.kind === "create") {
    const image = images[step.image % images.length];
    if (!image || image.kind !== "image") return graph;
    const id = serial.toString(16).padStart(64, "0");
    const container: ContainerNode = { id: `container:${id}`, kind: "container", containerId: id, shortId: id.slice(0, 12), name: `c${serial}`, image: image.imageId, imageId: image.imageId, state: step.state, status: step.state, created: 2e9 + serial, labels: {} };
    return { ...graph, version, nodes: [...graph.nodes.map(withCount(image.imageId, 1)), container], edges: [...graph.edges, { source: container.id, target: image.id, kind: "uses" }] };
  }
  const target = containers[step.container % Math.max(1, containers.length)];
  if (!target) return graph;
  if (step.kind === "remove") {
    return { ...graph, version, nodes: graph.nodes.filter((node) => node.id !== target.id).map(withCount(target.imageId, -1)), edges: graph.edges.filter((edge) => edge.source !== target.id) };
  }
  return { ...graph, version, nodes: graph.nodes.map((node) => (node.id === target.id ? { ...target, state: step.state, status: step.state } : node)) };
}

describe("applyGraphDelta", () => {
  it("applying each delta in order gives exactly the graph the server has", () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 40 }), (changes) => {
        let server = base;
        let page = base;
        changes.forEach((step, serial) => {
          const next = changed(server, step, serial + 1);
          if (next === server) return;
          page = applyGraphDelta(page, diff(server, next));
          server = next;
        });
        expect(normalised(page)).toEqual(normalised(server));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the object of every node the delta does not touch, and the edge list when no edge changed", () => {
    const container = base.nodes.find((node): node is ContainerNode => node.kind === "container");
    if (!container) throw new Error("no container");
    const next = applyGraphDelta(base, { host: "test", baseVersion: 10, version: 11, upserts: [{ ...container, state: "exited" }], removals: [], edgeUpserts: [], edgeRemovals: [] });
    expect(next.version).toBe(11);
    expect(next.edges).toBe(base.edges);
    next.nodes.forEach((node, index) => {
      if (node.id === container.id) expect(node).not.toBe(base.nodes[index]);
      else expect(node).toBe(base.nodes[index]);
    });
  });

  it("drops the edges of a removed node even when the delta does not list them", () => {
    const container = base.nodes.find((node): node is ContainerNode => node.kind === "container");
    if (!container) throw new Error("no container");
    const next = applyGraphDelta(base, { host: "test", baseVersion: 10, version: 11, upserts: [], removals: [container.id], edgeUpserts: [], edgeRemovals: [] });
    expect(next.nodes.some((node) => node.id === container.id)).toBe(false);
    expect(next.edges.some((edge) => edge.source === container.id)).toBe(false);
    expect(next.edges).toHaveLength(base.edges.length - 1);
  });
});

describe("replayDeltas", () => {
  const image = base.nodes.find((node) => node.kind === "image" && !node.missing);
  if (!image) throw new Error("no image");
  const step = (baseVersion: number, version: number, name: string): GraphDelta => {
    const id = version.toString(16).padStart(64, "a");
    const container: ContainerNode = { id: `container:${id}`, kind: "container", containerId: id, shortId: id.slice(0, 12), name, image: image.imageId, imageId: image.imageId, state: "created", status: "Created", created: 2e9, labels: {} };
    return { host: "test", baseVersion, version, upserts: [container], removals: [], edgeUpserts: [{ source: container.id, target: image.id as ImageNodeId, kind: "uses" }], edgeRemovals: [] };
  };

  it("applies the deltas newer than the graph in version order, whatever order they came in", () => {
    const { graph, gap } = replayDeltas(base, [step(11, 12, "second"), step(10, 11, "first")]);
    expect(gap).toBe(false);
    expect(graph.version).toBe(12);
    expect(graph.nodes.slice(-2).map((node) => (node.kind === "container" ? node.name : ""))).toEqual(["first", "second"]);
  });

  it("ignores a delta the graph already has (version at or below its own)", () => {
    const { graph, gap } = replayDeltas(base, [step(9, 10, "old"), step(8, 9, "older")]);
    expect(gap).toBe(false);
    expect(graph).toBe(base);
  });

  it("does not apply a delta that starts from another version: a gap", () => {
    const { graph, gap } = replayDeltas(base, [step(10, 11, "first"), step(12, 13, "after a missed one")]);
    expect(gap).toBe(true);
    expect(graph.version).toBe(11);
    expect(graph.nodes.some((node) => node.kind === "container" && node.name === "after a missed one")).toBe(false);
  });

  it("takes no delta onto a graph without a version (an older server)", () => {
    const unversioned: LiveGraph = { ...base, version: undefined };
    expect(replayDeltas(unversioned, [step(10, 11, "first")])).toEqual({ graph: unversioned, gap: true });
    expect(replayDeltas(unversioned, [])).toEqual({ graph: unversioned, gap: false });
  });
});

describe("shareGraph", () => {
  it("a refetched graph reuses the previous object of every unchanged node, by id, even when the order moved", () => {
    const [first, ...rest] = base.nodes;
    if (!first || first.kind !== "image" || first.missing) throw new Error("no image first");
    const refetched: LiveGraph = structuredClone({ ...base, version: 11, nodes: [...rest, { ...first, size: first.size + 1 }] });
    const shared = shareGraph(base, refetched) as LiveGraph;
    const before = new Map(base.nodes.map((node) => [node.id, node]));
    for (const node of shared.nodes) {
      if (node.id === first.id) expect(node).not.toBe(first);
      else expect(node).toBe(before.get(node.id));
    }
    expect(shared.edges).toBe(base.edges);
    expect(shared.version).toBe(11);
  });

  it("gives back the previous graph itself when nothing changed", () => {
    expect(shareGraph(base, structuredClone(base))).toBe(base);
  });
});
