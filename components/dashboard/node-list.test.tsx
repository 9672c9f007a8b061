import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import { buildGraph } from "@/lib/graph/build";
import type { ContainerNode, GraphNode } from "@/lib/graph/types";
import { listOrder, NodeList } from "@/components/dashboard/node-list";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

const graph = buildGraph(seeded.snapshot as HostSnapshot);

function renderedEntries(nodes: GraphNode[]): string[] {
  const html = renderToStaticMarkup(<NodeList nodes={nodes} selectedId={null} onSelect={() => {}} />);
  return [...html.matchAll(/data-list-node-id="([^"]+)"/g)].map((match) => match[1] ?? "");
}

/** A host with many more containers than a list can show: copies of one seeded container. */
function crowdedHost(copies: number): GraphNode[] {
  const container = graph.nodes.find((node): node is ContainerNode => node.kind === "container");
  if (!container) throw new Error("the fixture has no container");
  const extra = Array.from({ length: copies }, (_, index): ContainerNode => {
    const containerId = index.toString(16).padStart(64, "0");
    return { ...container, id: `container:${containerId}`, containerId, name: `copy_${index}` };
  });
  return [...graph.nodes, ...extra];
}

describe("listOrder", () => {
  it("puts images first, then containers, then build-step images, keeping each group's order", () => {
    const order = listOrder(graph.nodes);
    const kinds = order.map((node) => (node.kind === "container" ? "container" : !node.missing && node.intermediate ? "build step" : "image"));
    expect(kinds.indexOf("container")).toBeGreaterThan(kinds.lastIndexOf("image"));
    expect(kinds.indexOf("build step")).toBeGreaterThan(kinds.lastIndexOf("container"));
    expect(order).toHaveLength(graph.nodes.length);
    const containers = graph.nodes.filter((node) => node.kind === "container");
    expect(order.filter((node) => node.kind === "container")).toEqual(containers);
  });
});

describe("NodeList", () => {
  it("has every node of a small host in the DOM, in list order", () => {
    expect(renderedEntries(graph.nodes)).toEqual(listOrder(graph.nodes).map((node) => node.id));
  });

  it("builds only the rows in view for a host of thousands of objects", () => {
    const nodes = crowdedHost(5_000);
    const entries = renderedEntries(nodes);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(50);
    expect(entries).toEqual(listOrder(nodes).slice(0, entries.length).map((node) => node.id));
  });
});
