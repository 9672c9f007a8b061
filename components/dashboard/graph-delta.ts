import type { GraphDelta, LiveGraph } from "@/lib/api-client";
import type { GraphEdge, GraphNode, NodeId } from "@/lib/graph/types";

/*
 * The page's copy of the host graph, kept current by the deltas of /api/events. Pure. Unchanged nodes keep their
 * object identity through every delta and every refetch, so that work memoised on them is not redone.
 */

function edgeKey(edge: GraphEdge): string {
  return `${edge.source}|${edge.target}|${edge.kind}`;
}

/**
 * The graph at `delta.version`, from the graph at `delta.baseVersion`. The caller checks the versions
 * (replayDeltas): this only applies. An edge touching a removed node goes with it.
 */
export function applyGraphDelta(graph: LiveGraph, delta: GraphDelta): LiveGraph {
  const upserts = new Map<NodeId, GraphNode>(delta.upserts.map((node) => [node.id, node]));
  const removed = new Set<NodeId>(delta.removals.filter((id) => !upserts.has(id)));
  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (removed.has(node.id)) continue;
    const replacement = upserts.get(node.id);
    if (replacement) {
      nodes.push(replacement);
      upserts.delete(node.id);
    } else {
      nodes.push(node);
    }
  }
  for (const node of upserts.values()) nodes.push(node);

  let edges = graph.edges;
  if (removed.size > 0 || delta.edgeUpserts.length > 0 || delta.edgeRemovals.length > 0) {
    const dropped = new Set(delta.edgeRemovals.map(edgeKey));
    const added = new Map(delta.edgeUpserts.map((edge) => [edgeKey(edge), edge]));
    edges = [];
    for (const edge of graph.edges) {
      const key = edgeKey(edge);
      if (dropped.has(key) || removed.has(edge.source) || removed.has(edge.target)) continue;
      const replacement = added.get(key);
      edges.push(replacement ?? edge);
      added.delete(key);
    }
    for (const edge of added.values()) edges.push(edge);
  }
  return { ...graph, version: delta.version, nodes, edges };
}

export interface Replayed {
  graph: LiveGraph;
  /** A delta leads from a version the graph is not at: something was missed, only a refetch can tell what. */
  gap: boolean;
}

/**
 * Applies, in version order, every delta newer than the graph. Deltas at or below the graph's version are old news
 * and ignored; the first that does not start where the graph is stops the replay with a gap. A graph without a
 * version (an older server) takes no delta: any newer delta is a gap.
 */
export function replayDeltas(graph: LiveGraph, deltas: readonly GraphDelta[]): Replayed {
  let current = graph;
  const ordered = [...deltas].sort((a, b) => a.version - b.version);
  for (const delta of ordered) {
    if (current.version === undefined) return { graph: current, gap: true };
    if (delta.version <= current.version) continue;
    if (delta.baseVersion !== current.version) return { graph: current, gap: true };
    current = applyGraphDelta(current, delta);
  }
  return { graph: current, gap: false };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * TanStack's structural sharing for the graph, by node id rather than by array position: a refetched graph reuses
 * the previous object of every node that did not change, and the previous edge list when no edge changed.
 */
export function shareGraph(previous: unknown, next: unknown): unknown {
  const before = previous as LiveGraph | undefined;
  const after = next as LiveGraph | undefined;
  if (!before || !after || !Array.isArray(before.nodes) || !Array.isArray(after.nodes)) return next;
  const byId = new Map(before.nodes.map((node) => [node.id, node]));
  let changed = before.nodes.length !== after.nodes.length;
  const nodes = after.nodes.map((node, index) => {
    const old = byId.get(node.id);
    const kept = old !== undefined && (old === node || sameValue(old, node)) ? old : node;
    if (kept !== before.nodes[index]) changed = true;
    return kept;
  });
  const edges =
    before.edges.length === after.edges.length && after.edges.every((edge, index) => {
      const old = before.edges[index];
      return old !== undefined && (old === edge || edgeKey(old) === edgeKey(edge));
    })
      ? before.edges
      : after.edges;
  if (!changed && edges === before.edges && before.version === after.version && before.generatedAt === after.generatedAt) return before;
  return { ...after, nodes: changed ? nodes : before.nodes, edges };
}
