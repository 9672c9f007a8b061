import { describe, expect, it } from "vitest";
import { generatedHost, largeHost } from "@/bench/generated-host";
import { layoutGraph } from "@/components/graph/layout";
import { answerLayoutRequest, layoutFromAnswer, layoutRequest } from "@/components/graph/layout-protocol";
import { visibleGraph } from "@/components/graph/visible-graph";

const FOLDED = { showBuildSteps: false, collapsedProjects: new Set<string>() };

describe("the layout worker's messages", () => {
  it("give the same layout as laying out on the main thread, with the page's own node objects", () => {
    for (const graph of [visibleGraph(generatedHost(1_500, 21), FOLDED), visibleGraph(largeHost(3), FOLDED)]) {
      // What crosses to the worker and back is copied (structured clone), as postMessage does.
      const layout = layoutFromAnswer(graph, answerLayoutRequest(structuredClone(layoutRequest(1, graph, null))));
      expect(layout).toEqual(layoutGraph(graph));
      const byId = new Map(graph.nodes.map((node) => [node.id, node]));
      for (const entry of layout.nodes) expect(entry.node).toBe(byId.get(entry.id));
      const edges = new Set(graph.edges);
      expect(layout.edges.every((entry) => edges.has(entry.edge))).toBe(true);
    }
  });

  it("keep the stable-layout promise: a family that still fits stays where the previous layout had it", () => {
    const graph = visibleGraph(generatedHost(800, 5), FOLDED);
    const previous = layoutGraph(graph);
    const [first, ...rest] = previous.families;
    if (!first) throw new Error("no family");
    // The first family was elsewhere before: the worker must get the previous boxes to keep that place.
    const moved = { ...previous, families: [{ ...first, x: first.x + 100_000 }, ...rest] };
    const answer = answerLayoutRequest(structuredClone(layoutRequest(2, graph, moved)));
    expect(layoutFromAnswer(graph, answer)).toEqual(layoutGraph(graph, moved));
    expect(answer.families.find((box) => box.root === first.root)?.x).toBe(first.x + 100_000);
  });
});
