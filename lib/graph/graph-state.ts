import type { ContainerRecord, EngineInfo, ImageRecord } from "@/lib/docker/types";
import {
  byCreatedThenId,
  childOfEdge,
  containerNode,
  containerNodeId,
  imageNode,
  imageNodeId,
  missingImageNode,
  usesEdge,
} from "@/lib/graph/build";
import type { GraphEdge, GraphNode, GraphPayload, NodeId } from "@/lib/graph/types";

/*
 * The graph of a host kept current change by change: records come in as upserts and removals, and only the
 * nodes and edges they touch are rebuilt (with buildGraph's own per-node builders). What changed comes out as a
 * delta; `payload()` equals buildGraph of the same records, node for node and in the same order.
 */

/** What applying one batch of record changes did to the graph. */
export interface GraphDelta {
  /** Whole nodes that are new or changed (replace by id). */
  upserts: GraphNode[];
  removals: NodeId[];
  edgeUpserts: GraphEdge[];
  edgeRemovals: GraphEdge[];
}

export interface RecordChanges {
  imageUpserts?: readonly ImageRecord[];
  /** Image IDs. */
  imageRemovals?: readonly string[];
  containerUpserts?: readonly ContainerRecord[];
  /** Container IDs. */
  containerRemovals?: readonly string[];
}

export function isEmptyDelta(delta: GraphDelta): boolean {
  return delta.upserts.length === 0 && delta.removals.length === 0 && delta.edgeUpserts.length === 0 && delta.edgeRemovals.length === 0;
}

function edgeKey(edge: Pick<GraphEdge, "source" | "kind">): string {
  return `${edge.source} ${edge.kind}`;
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  const values = index.get(key);
  if (values) values.add(value);
  else index.set(key, new Set([value]));
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const values = index.get(key);
  if (!values) return;
  values.delete(value);
  if (values.size === 0) index.delete(key);
}

export class GraphState {
  private readonly images = new Map<string, ImageRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly containersByImageId = new Map<string, Set<string>>();
  private readonly childrenByParentId = new Map<string, Set<string>>();
  private readonly nodes = new Map<NodeId, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();

  constructor(records: { images: readonly ImageRecord[]; containers: readonly ContainerRecord[] } = { images: [], containers: [] }) {
    this.apply({ imageUpserts: records.images, containerUpserts: records.containers });
  }

  image(id: string): ImageRecord | undefined {
    return this.images.get(id);
  }

  container(id: string): ContainerRecord | undefined {
    return this.containers.get(id);
  }

  imageRecords(): IterableIterator<ImageRecord> {
    return this.images.values();
  }

  containerRecords(): IterableIterator<ContainerRecord> {
    return this.containers.values();
  }

  get imageCount(): number {
    return this.images.size;
  }

  get containerCount(): number {
    return this.containers.size;
  }

  apply(changes: RecordChanges): GraphDelta {
    const delta: GraphDelta = { upserts: [], removals: [], edgeUpserts: [], edgeRemovals: [] };
    const imageNodesToRefresh = new Set<string>();
    const childEdgesToRefresh = new Set<string>();
    const containersToRefresh = new Set<string>();
    const presenceChanged = (imageId: string) => {
      for (const child of this.childrenByParentId.get(imageId) ?? []) childEdgesToRefresh.add(child);
    };

    for (const id of changes.imageRemovals ?? []) {
      const old = this.images.get(id);
      if (!old) continue;
      this.images.delete(id);
      if (old.parentId !== null) {
        removeFrom(this.childrenByParentId, old.parentId, id);
        imageNodesToRefresh.add(old.parentId);
      }
      imageNodesToRefresh.add(id);
      presenceChanged(id);
    }
    for (const image of changes.imageUpserts ?? []) {
      const old = this.images.get(image.id);
      this.images.set(image.id, image);
      if (old?.parentId !== image.parentId) {
        if (old?.parentId) {
          removeFrom(this.childrenByParentId, old.parentId, image.id);
          imageNodesToRefresh.add(old.parentId);
        }
        if (image.parentId !== null) {
          addTo(this.childrenByParentId, image.parentId, image.id);
          imageNodesToRefresh.add(image.parentId);
        }
      }
      if (!old) presenceChanged(image.id);
      imageNodesToRefresh.add(image.id);
    }
    for (const id of changes.containerRemovals ?? []) {
      const old = this.containers.get(id);
      if (!old) continue;
      this.containers.delete(id);
      removeFrom(this.containersByImageId, old.imageId, id);
      imageNodesToRefresh.add(old.imageId);
      containersToRefresh.add(id);
    }
    for (const container of changes.containerUpserts ?? []) {
      const old = this.containers.get(container.id);
      this.containers.set(container.id, container);
      if (old?.imageId !== container.imageId) {
        if (old) {
          removeFrom(this.containersByImageId, old.imageId, container.id);
          imageNodesToRefresh.add(old.imageId);
        }
        addTo(this.containersByImageId, container.imageId, container.id);
        imageNodesToRefresh.add(container.imageId);
      }
      containersToRefresh.add(container.id);
    }

    for (const id of imageNodesToRefresh) {
      this.refreshImageNode(id, delta);
      childEdgesToRefresh.add(id);
    }
    for (const id of childEdgesToRefresh) this.refreshChildEdge(id, delta);
    for (const id of containersToRefresh) this.refreshContainer(id, delta);
    return delta;
  }

  /** The graph payload of the current records: equal to buildGraph's. */
  payload(meta: { generatedAt: string; daemon: EngineInfo }): GraphPayload {
    const images = [...this.images.values()].sort(byCreatedThenId);
    const containers = [...this.containers.values()].sort(byCreatedThenId);
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const pushNode = (id: NodeId) => {
      const node = this.nodes.get(id);
      if (node) nodes.push(node);
    };
    const pushEdge = (key: string) => {
      const edge = this.edges.get(key);
      if (edge) edges.push(edge);
    };
    for (const image of images) {
      pushNode(imageNodeId(image.id));
      pushEdge(edgeKey({ source: imageNodeId(image.id), kind: "child-of" }));
    }
    const missing = new Set<string>();
    for (const container of containers) {
      if (this.images.has(container.imageId) || missing.has(container.imageId)) continue;
      missing.add(container.imageId);
      pushNode(imageNodeId(container.imageId));
    }
    for (const container of containers) {
      pushNode(containerNodeId(container.id));
      pushEdge(edgeKey({ source: containerNodeId(container.id), kind: "uses" }));
    }
    return { generatedAt: meta.generatedAt, daemon: meta.daemon, nodes, edges };
  }

  private refreshImageNode(imageId: string, delta: GraphDelta): void {
    const image = this.images.get(imageId);
    const containerCount = this.containersByImageId.get(imageId)?.size ?? 0;
    const desired = image
      ? imageNode(image, containerCount, this.childrenByParentId.get(imageId)?.size ?? 0)
      : containerCount > 0
        ? missingImageNode(imageId, containerCount)
        : null;
    this.setNode(imageNodeId(imageId), desired, delta);
  }

  private refreshChildEdge(imageId: string, delta: GraphDelta): void {
    const image = this.images.get(imageId);
    const desired = image?.parentId && this.images.has(image.parentId) ? childOfEdge(image.id, image.parentId) : null;
    this.setEdge(edgeKey({ source: imageNodeId(imageId), kind: "child-of" }), desired, delta);
  }

  private refreshContainer(containerId: string, delta: GraphDelta): void {
    const container = this.containers.get(containerId);
    this.setNode(containerNodeId(containerId), container ? containerNode(container) : null, delta);
    this.setEdge(edgeKey({ source: containerNodeId(containerId), kind: "uses" }), container ? usesEdge(container) : null, delta);
  }

  private setNode(id: NodeId, desired: GraphNode | null, delta: GraphDelta): void {
    const existing = this.nodes.get(id);
    if (desired === null) {
      if (!existing) return;
      this.nodes.delete(id);
      delta.removals.push(id);
      return;
    }
    if (existing && JSON.stringify(existing) === JSON.stringify(desired)) return;
    this.nodes.set(id, desired);
    delta.upserts.push(desired);
  }

  private setEdge(key: string, desired: GraphEdge | null, delta: GraphDelta): void {
    const existing = this.edges.get(key);
    if (existing && desired && existing.target === desired.target) return;
    if (existing) {
      this.edges.delete(key);
      delta.edgeRemovals.push(existing);
    }
    if (desired) {
      this.edges.set(key, desired);
      delta.edgeUpserts.push(desired);
    }
  }
}

/** Applies a delta to a graph's nodes and edges (what a client does with `event: delta`). */
export function applyDelta(graph: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }, delta: GraphDelta): { nodes: Map<NodeId, GraphNode>; edges: Map<string, GraphEdge> } {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edges = new Map(graph.edges.map((edge) => [`${edge.source} ${edge.kind} ${edge.target}`, edge]));
  for (const id of delta.removals) nodes.delete(id);
  for (const node of delta.upserts) nodes.set(node.id, node);
  for (const edge of delta.edgeRemovals) edges.delete(`${edge.source} ${edge.kind} ${edge.target}`);
  for (const edge of delta.edgeUpserts) edges.set(`${edge.source} ${edge.kind} ${edge.target}`, edge);
  return { nodes, edges };
}
