import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import { buildGraph } from "@/lib/graph/build";
import type { NodeId } from "@/lib/graph/types";
import { NO_FILTERS, passesFilters, visibleGraph } from "@/components/graph/visible-graph";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

const graph = buildGraph(seeded.snapshot as HostSnapshot);
const chain = seeded.manifest.scenarios.chain.images;

describe("visibleGraph", () => {
  it("folds build-step images away and links children to the nearest shown ancestor", () => {
    const view = visibleGraph(graph, { showBuildSteps: false, collapsedProjects: new Set() });
    const ids = new Set(view.nodes.map((node) => node.id));
    expect(view.nodes.some((node) => node.kind === "image" && !node.missing && node.intermediate)).toBe(false);
    for (const edge of view.edges) {
      expect(ids.has(edge.source)).toBe(true);
      expect(ids.has(edge.target)).toBe(true);
    }
    // The tagged chain keeps its links.
    expect(view.edges).toContainEqual({ source: `image:${chain.grandchild.id}`, target: `image:${chain.child.id}`, kind: "child-of" });
    expect(view.nodes.length).toBeLessThan(graph.nodes.length);
  });

  it("returns the graph as it is when nothing is hidden", () => {
    expect(visibleGraph(graph, { showBuildSteps: true, collapsedProjects: new Set() })).toBe(graph);
  });

  it("hides the containers of a collapsed Compose project", () => {
    const view = visibleGraph(graph, { showBuildSteps: true, collapsedProjects: new Set(["shop"]) });
    expect(view.nodes.some((node) => node.kind === "container" && node.composeProject === "shop")).toBe(false);
    expect(view.nodes.some((node) => node.kind === "container" && node.name === "hungry_hopper")).toBe(true);
  });
});

describe("passesFilters", () => {
  it("keeps only containers in the chosen states", () => {
    const filters = { ...NO_FILTERS, states: new Set(["running" as const]) };
    const shown = graph.nodes.filter((node) => passesFilters(node, filters));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((node) => node.kind === "container" && node.state === "running")).toBe(true);
  });

  it("finds dangling images without build steps, and unused images", () => {
    const dangling = graph.nodes.filter((node) => passesFilters(node, { ...NO_FILTERS, danglingOnly: true }));
    expect(dangling.map((node) => node.id)).toEqual(
      expect.arrayContaining([`image:${seeded.manifest.scenarios.dangling.images.dangling1.id}` as NodeId]),
    );
    const unused = graph.nodes.filter((node) => passesFilters(node, { ...NO_FILTERS, unusedOnly: true }));
    for (const node of unused) expect(node.kind === "image" && !node.missing && node.containerCount === 0).toBe(true);
  });
});
