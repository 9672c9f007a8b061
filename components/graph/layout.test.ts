import { describe, expect, it } from "vitest";
import { generatedHost } from "@/bench/generated-host";
import type { HostSnapshot } from "@/lib/docker/types";
import { buildGraph } from "@/lib/graph/build";
import type { ContainerNode, GraphPayload, ImageNode, NodeId } from "@/lib/graph/types";
import { layoutGraph, type GraphLayout, type PositionedNode } from "@/components/graph/layout";
import { fitTransform } from "@/components/graph/renderer";
import { visibleGraph } from "@/components/graph/visible-graph";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

const snapshot = seeded.snapshot as HostSnapshot;
const FOLDED = { showBuildSteps: false, collapsedProjects: new Set<string>() };
/** The graph area of the dashboard at 1280×800: the window minus the node list, the header and the filter bar. */
const GRAPH_AREA = { width: 992, height: 690 };

function byId(layout: GraphLayout): Map<NodeId, PositionedNode> {
  return new Map(layout.nodes.map((entry) => [entry.id, entry]));
}

/** Nodes present in both layouts that moved, except those of the given families. */
function movedOutside(before: GraphLayout, after: GraphLayout, families: ReadonlySet<NodeId>): NodeId[] {
  const old = byId(before);
  return after.nodes
    .filter((entry) => {
      const previous = old.get(entry.id);
      return previous !== undefined && !families.has(previous.family) && (previous.x !== entry.x || previous.y !== entry.y);
    })
    .map((entry) => entry.id);
}

function withContainer(graph: Pick<GraphPayload, "nodes" | "edges">, image: ImageNode, id: string): Pick<GraphPayload, "nodes" | "edges"> {
  const container: ContainerNode = {
    id: `container:${id}`,
    kind: "container",
    containerId: id,
    shortId: id.slice(0, 12),
    name: "newcomer",
    image: image.imageId,
    imageId: image.imageId,
    state: "running",
    status: "Up 1 second",
    created: 2_000_000_000,
    labels: {},
  };
  return { nodes: [...graph.nodes, container], edges: [...graph.edges, { source: container.id, target: image.id, kind: "uses" }] };
}

function without(graph: Pick<GraphPayload, "nodes" | "edges">, id: NodeId): Pick<GraphPayload, "nodes" | "edges"> {
  return { nodes: graph.nodes.filter((node) => node.id !== id), edges: graph.edges.filter((edge) => edge.source !== id && edge.target !== id) };
}

const seededGraph = visibleGraph(buildGraph(snapshot), FOLDED);
const generated = visibleGraph(generatedHost(2_000, 7), FOLDED);

describe("layoutGraph", () => {
  it("gives the same positions for the same host", () => {
    expect(layoutGraph(visibleGraph(buildGraph(snapshot), FOLDED))).toEqual(layoutGraph(seededGraph));
  });

  it("draws every parent above its children and every container right under its image", () => {
    for (const graph of [seededGraph, generated]) {
      const layout = layoutGraph(graph);
      const positions = byId(layout);
      expect(layout.nodes).toHaveLength(graph.nodes.length);
      const uses = new Map<NodeId, number>();
      for (const edge of graph.edges) if (edge.kind === "uses") uses.set(edge.target, (uses.get(edge.target) ?? 0) + 1);
      for (const edge of graph.edges) {
        const source = positions.get(edge.source);
        const target = positions.get(edge.target);
        if (!source || !target) throw new Error(`edge ${edge.source} → ${edge.target} not laid out`);
        expect(source.family).toBe(target.family);
        expect(target.y + target.height / 2).toBeLessThan(source.y - source.height / 2);
        if (edge.kind === "uses") {
          // Within the container grid centred under the image: three columns, wider (twice as many rows as
          // columns) from 32 containers on.
          const count = uses.get(target.id) ?? 0;
          const columns = Math.max(3, Math.floor(Math.sqrt(count / 2)));
          expect(Math.abs(source.x - target.x)).toBeLessThanOrEqual(250 + 80 * (columns - 3));
          expect(source.y - target.y).toBeLessThanOrEqual(40 + 34 * count);
        }
      }
    }
  });

  it("never lets two families overlap", () => {
    const layout = layoutGraph(generated);
    const boxes = [...layout.families].sort((a, b) => a.y - b.y || a.x - b.x);
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.root} and ${b.root}`).toBe(true);
      }
    }
  });

  it("frames each Compose project's containers under an image, and only them", () => {
    const layout = layoutGraph(seededGraph);
    const shop = layout.frames.filter((frame) => frame.label === "shop");
    expect(shop.length).toBeGreaterThan(0);
    for (const entry of layout.nodes) {
      if (entry.node.kind !== "container") continue;
      const inside = layout.frames.filter(
        (frame) => entry.x > frame.x && entry.x < frame.x + frame.width && entry.y > frame.y && entry.y < frame.y + frame.height,
      );
      expect(inside.map((frame) => frame.label)).toEqual(entry.node.composeProject ? [entry.node.composeProject] : []);
    }
  });

  it("is readable at 1280×800 after fit, not a long shelf of small text", () => {
    // The seeded host: 14 small families fill the graph area at more than three quarters of full size.
    expect(fitTransform(layoutGraph(seededGraph), GRAPH_AREA.width, GRAPH_AREA.height).k).toBeGreaterThanOrEqual(0.75);
    // Three families, two of them big: still almost half size (the widest family alone is 1,094 px).
    expect(fitTransform(layoutGraph(visibleGraph(generatedHost(60, 3), FOLDED)), GRAPH_AREA.width, GRAPH_AREA.height).k).toBeGreaterThanOrEqual(0.45);
  });

  it("moves no other family when a container is added", () => {
    const first = layoutGraph(seededGraph);
    const hello = seededGraph.nodes.find((node): node is ImageNode => node.kind === "image" && !node.missing && node.tags.includes("hello-world:latest"));
    if (!hello) throw new Error("fixture lacks hello-world");
    const second = layoutGraph(withContainer(seededGraph, hello, "f".repeat(64)), first);
    const family = byId(first).get(hello.id)?.family;
    if (!family) throw new Error("hello-world not laid out");
    expect(movedOutside(first, second, new Set([family]))).toEqual([]);
    // The newcomer takes the next place under its image: nothing already drawn moves, in its family either.
    expect(movedOutside(first, second, new Set())).toEqual([]);
    expect(byId(second).get(`container:${"f".repeat(64)}`)?.family).toBe(family);
  });

  it("moves no other family when a container is added to a family in the middle of a big host", () => {
    const first = layoutGraph(generated);
    const middle = first.families[Math.floor(first.families.length / 2)];
    const image = generated.nodes.find((node): node is ImageNode => node.id === middle?.root);
    if (!middle || !image) throw new Error("no middle family");
    // Enough containers to grow the family by several rows: it may have to move, nothing else may.
    let grown = generated;
    for (let index = 0; index < 12; index += 1) grown = withContainer(grown, image, index.toString(16).padStart(64, "e"));
    const second = layoutGraph(grown, first);
    expect(movedOutside(first, second, new Set([middle.root]))).toEqual([]);
    const boxes = second.families;
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
      }
    }
  });

  it("moves nothing else when an image (a whole family) or a leaf image is removed", () => {
    const first = layoutGraph(generated);
    const rootImage = first.families[3]?.root;
    if (!rootImage) throw new Error("too few families");
    const afterRoot = layoutGraph(
      generated.nodes.filter((node) => byId(first).get(node.id)?.family === rootImage).reduce((graph, node) => without(graph, node.id), generated),
      first,
    );
    expect(movedOutside(first, afterRoot, new Set())).toEqual([]);
    expect(afterRoot.nodes.length).toBeLessThan(first.nodes.length);

    const leaf = generated.nodes.find((node) => node.kind === "image" && !node.missing && node.childCount === 0 && node.containerCount === 0 && node.parentId !== null);
    if (!leaf) throw new Error("no unused leaf image");
    const family = byId(first).get(leaf.id)?.family;
    if (!family) throw new Error("leaf not laid out");
    const afterLeaf = layoutGraph(without(generated, leaf.id), first);
    expect(movedOutside(first, afterLeaf, new Set([family]))).toEqual([]);
  });

  it("packs afresh when many families change shape at once, instead of scattering them", () => {
    const small = visibleGraph(generatedHost(300, 13), FOLDED);
    const first = layoutGraph(small);
    let grown = small;
    for (const [familyIndex, family] of first.families.entries()) {
      const root = small.nodes.find((node): node is ImageNode => node.kind === "image" && node.id === family.root);
      if (!root) continue;
      for (let index = 0; index < 40; index += 1) grown = withContainer(grown, root, `${familyIndex}x${index}`.padStart(64, "a"));
    }
    expect(layoutGraph(grown, first)).toEqual(layoutGraph(grown));
  });

  it("wraps an image with hundreds of containers into a compact grid, that one more container leaves in place", () => {
    const hello = seededGraph.nodes.find((node): node is ImageNode => node.kind === "image" && !node.missing && node.tags.includes("hello-world:latest"));
    if (!hello) throw new Error("fixture lacks hello-world");
    let busy = seededGraph;
    for (let index = 0; index < 951; index += 1) busy = withContainer(busy, hello, `c${index.toString(16).padStart(63, "0")}`);
    const first = layoutGraph(busy);
    const family = first.families.find((box) => box.root === byId(first).get(hello.id)?.family);
    if (!family) throw new Error("hello-world not laid out");
    // Not a column of ~320 rows (10,800 units): about as tall as wide, at most twice.
    expect(family.height).toBeLessThan(2_500);
    expect(family.height).toBeLessThan(family.width);
    const second = layoutGraph(withContainer(busy, hello, "d".repeat(64)), first);
    expect(movedOutside(first, second, new Set())).toEqual([]);
  });

  it("lays out 10,000 nodes", () => {
    const big = visibleGraph(generatedHost(10_000, 11), FOLDED);
    const layout = layoutGraph(big);
    expect(layout.nodes).toHaveLength(big.nodes.length);
    expect(layoutGraph(big, layout).nodes).toEqual(layout.nodes);
  });
});
