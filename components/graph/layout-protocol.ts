import type { GraphNode, GraphPayload } from "@/lib/graph/types";
import { layoutGraph, positionEdges, type FamilyBox, type GraphLayout, type LayoutFrame, type PositionedNode } from "@/components/graph/layout";

/*
 * The messages between the page and the layout worker (layout.worker.ts). The page sends only the facts the layout
 * reads of each node and the previous layout's family boxes (all that stability needs), no edges (placement does
 * not read them); the worker answers with positions in a typed array, by index, transferred rather than copied. The
 * page puts its own node objects back and draws the edges between them, so nothing downstream sees a copy. Pure,
 * so tested without a worker.
 */

/** What layoutGraph reads of a node (layout.test.ts checks that these are enough). */
export type LayoutFacts =
  | { id: GraphNode["id"]; kind: "image"; imageId: string; missing: boolean; intermediate: boolean; parentId: string | null; created: number }
  | { id: GraphNode["id"]; kind: "container"; imageId: string; created: number; composeProject?: string };

export interface LayoutRequest {
  id: number;
  nodes: LayoutFacts[];
  previousFamilies: FamilyBox[];
}

/** Per placed node: index into the request's nodes, x, y, width, height, index of its family's root. */
const NODE_FIELDS = 6;

export interface LayoutAnswer {
  id: number;
  nodes: Float64Array;
  frames: LayoutFrame[];
  families: FamilyBox[];
  left: number;
  top: number;
  width: number;
  height: number;
}

export function layoutFacts(node: GraphNode): LayoutFacts {
  if (node.kind === "container") {
    return node.composeProject === undefined
      ? { id: node.id, kind: "container", imageId: node.imageId, created: node.created }
      : { id: node.id, kind: "container", imageId: node.imageId, created: node.created, composeProject: node.composeProject };
  }
  return node.missing
    ? { id: node.id, kind: "image", imageId: node.imageId, missing: true, intermediate: false, parentId: null, created: 0 }
    : { id: node.id, kind: "image", imageId: node.imageId, missing: false, intermediate: node.intermediate, parentId: node.parentId, created: node.created };
}

export function layoutRequest(id: number, graph: Pick<GraphPayload, "nodes" | "edges">, previous: GraphLayout | null): LayoutRequest {
  return { id, nodes: graph.nodes.map(layoutFacts), previousFamilies: previous?.families ?? [] };
}

/** What the worker does with a request. */
export function answerLayoutRequest(request: LayoutRequest): LayoutAnswer {
  // The facts are the part of each node that the layout reads; it never looks at the rest.
  const layout = layoutGraph({ nodes: request.nodes as unknown as GraphNode[], edges: [] }, { families: request.previousFamilies });
  const nodeIndex = new Map(request.nodes.map((node, index) => [node.id, index]));
  const nodes = new Float64Array(layout.nodes.length * NODE_FIELDS);
  layout.nodes.forEach((entry, at) => {
    nodes.set([nodeIndex.get(entry.id) ?? -1, entry.x, entry.y, entry.width, entry.height, nodeIndex.get(entry.family) ?? -1], at * NODE_FIELDS);
  });
  return { id: request.id, nodes, frames: layout.frames, families: layout.families, left: layout.left, top: layout.top, width: layout.width, height: layout.height };
}

/** The layout of `graph` (the graph the request was made from) from the worker's answer. */
export function layoutFromAnswer(graph: Pick<GraphPayload, "nodes" | "edges">, answer: LayoutAnswer): GraphLayout {
  const nodes: PositionedNode[] = [];
  for (let at = 0; at < answer.nodes.length; at += NODE_FIELDS) {
    const node = graph.nodes[answer.nodes[at] ?? -1];
    const family = graph.nodes[answer.nodes[at + 5] ?? -1];
    if (!node || !family) continue;
    nodes.push({ id: node.id, node, x: answer.nodes[at + 1] ?? 0, y: answer.nodes[at + 2] ?? 0, width: answer.nodes[at + 3] ?? 0, height: answer.nodes[at + 4] ?? 0, family: family.id });
  }
  return { nodes, edges: positionEdges(graph.edges, nodes), frames: answer.frames, families: answer.families, left: answer.left, top: answer.top, width: answer.width, height: answer.height };
}
