import type { ContainerState } from "@/lib/docker/types";
import type { GraphEdge, GraphNode, GraphPayload, NodeId } from "@/lib/graph/types";
import { isUnusedImage } from "@/components/graph/node-style";

/*
 * What the graph shows after the user's view options: build-step images folded away (their children then
 * point at the nearest shown ancestor, as `docker images` without -a hides them), and collapsed Compose
 * projects' containers hidden. Pure; the full payload stays untouched for the side panel and the list.
 */

export interface ViewOptions {
  showBuildSteps: boolean;
  /** Compose projects whose containers are folded away. */
  collapsedProjects: ReadonlySet<string>;
}

export function isBuildStep(node: GraphNode): boolean {
  return node.kind === "image" && !node.missing && node.intermediate;
}

export function visibleGraph(graph: Pick<GraphPayload, "nodes" | "edges">, options: ViewOptions): Pick<GraphPayload, "nodes" | "edges"> {
  const hidden = new Set<NodeId>();
  for (const node of graph.nodes) {
    // A build step that a container runs on is shown all the same: its containers need it.
    if (!options.showBuildSteps && isBuildStep(node) && node.kind === "image" && node.containerCount === 0) hidden.add(node.id);
    if (node.kind === "container" && node.composeProject !== undefined && options.collapsedProjects.has(node.composeProject)) hidden.add(node.id);
  }
  if (hidden.size === 0) return graph;

  const parentOf = new Map<NodeId, NodeId>();
  for (const edge of graph.edges) if (edge.kind === "child-of") parentOf.set(edge.source, edge.target);
  const shownAncestor = (id: NodeId): NodeId | null => {
    let current = parentOf.get(id) ?? null;
    for (let guard = 0; current !== null && hidden.has(current) && guard < 10_000; guard += 1) current = parentOf.get(current) ?? null;
    return current;
  };

  const edges: GraphEdge[] = [];
  for (const edge of graph.edges) {
    if (hidden.has(edge.source)) continue;
    if (edge.kind === "child-of") {
      const target = hidden.has(edge.target) ? shownAncestor(edge.source) : edge.target;
      if (target !== null) edges.push({ ...edge, target });
    } else if (!hidden.has(edge.target)) {
      edges.push(edge);
    }
  }
  // Layout reads parentId for image nodes: point it at the shown ancestor too.
  const nodes = graph.nodes
    .filter((node) => !hidden.has(node.id))
    .map((node) => {
      if (node.kind !== "image" || node.missing || node.parentId === null || !hidden.has(`image:${node.parentId}` as NodeId)) return node;
      const ancestor = shownAncestor(node.id);
      return { ...node, parentId: ancestor === null ? null : ancestor.slice("image:".length) };
    });
  return { nodes, edges };
}

export interface NodeFilters {
  /** Container states to show; all when empty. "exited" stands for stopped. */
  states: ReadonlySet<ContainerState>;
  danglingOnly: boolean;
  unusedOnly: boolean;
  /** Images smaller than this are not shown as matches (bytes; 0 for all). */
  minImageBytes: number;
}

export const NO_FILTERS: NodeFilters = { states: new Set(), danglingOnly: false, unusedOnly: false, minImageBytes: 0 };

export function hasFilters(filters: NodeFilters): boolean {
  return filters.states.size > 0 || filters.danglingOnly || filters.unusedOnly || filters.minImageBytes > 0;
}

/** Does a node pass the filters? Container filters apply to containers, image filters to images. */
export function passesFilters(node: GraphNode, filters: NodeFilters): boolean {
  if (node.kind === "container") {
    if (filters.danglingOnly || filters.unusedOnly || filters.minImageBytes > 0) return filters.states.size > 0 && filters.states.has(node.state);
    return filters.states.size === 0 || filters.states.has(node.state);
  }
  if (filters.states.size > 0 && !filters.danglingOnly && !filters.unusedOnly && filters.minImageBytes === 0) return false;
  if (node.missing) return !filters.danglingOnly && !filters.unusedOnly && filters.minImageBytes === 0;
  if (filters.danglingOnly && !(node.dangling && !node.intermediate)) return false;
  if (filters.unusedOnly && !isUnusedImage(node)) return false;
  return node.size >= filters.minImageBytes;
}
