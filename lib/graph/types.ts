import type { ContainerState, EngineInfo } from "@/lib/docker/types";

/** Graph payload v1 (see DESIGN.md). Fields may be added; none renamed. */

export type ImageNodeId = `image:sha256:${string}`;
export type ContainerNodeId = `container:${string}`;
export type NodeId = ImageNodeId | ContainerNodeId;

export interface PresentImageNode {
  id: ImageNodeId;
  kind: "image";
  missing: false;
  imageId: string;
  shortId: string;
  /** Every reference: tags ("repo:tag") then digests ("repo@sha256:…"). */
  references: string[];
  tags: string[];
  digests: string[];
  /** No tag (`<none>:<none>`), as DESIGN.md and `docker images` say. */
  dangling: boolean;
  /** Untagged with child images: a build step's image (`docker images -a` only), kept for its children. */
  intermediate: boolean;
  parentId: string | null;
  size: number;
  sharedSize?: number;
  uniqueSize?: number;
  /** Unix seconds. */
  created: number;
  /** Containers (any state) created from this image. */
  containerCount: number;
  /** Images whose parent this is. */
  childCount: number;
  /** Tagged but no registry digest: built here, cannot be pulled back. */
  localOnly: boolean;
}

export interface MissingImageNode {
  id: ImageNodeId;
  kind: "image";
  missing: true;
  imageId: string;
  shortId: string;
  references: [];
  containerCount: number;
}

export type ImageNode = PresentImageNode | MissingImageNode;

export interface ContainerNode {
  id: ContainerNodeId;
  kind: "container";
  containerId: string;
  shortId: string;
  name: string;
  image: string;
  imageId: string;
  state: ContainerState;
  status: string;
  exitCode?: number;
  created: number;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  sizeRw?: number;
}

export type GraphNode = ImageNode | ContainerNode;

export type EdgeKind = "uses" | "child-of";

export interface GraphEdge {
  source: NodeId;
  target: NodeId;
  kind: EdgeKind;
}

export interface GraphPayload {
  generatedAt: string;
  /** The live model's version this graph belongs to (set by /api/graph; absent from buildGraph's output). */
  version?: number;
  daemon: EngineInfo;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** `/api/events`' `event: delta`: applied to the graph at `baseVersion`, it gives the graph at `version`. */
export interface GraphDeltaEvent {
  /** The host's id ("default" until named hosts). */
  host: string;
  version: number;
  baseVersion: number;
  /** Whole nodes, new or changed: replace by id. */
  upserts: GraphNode[];
  removals: NodeId[];
  edgeUpserts: GraphEdge[];
  /** Edges are identified by source, target and kind. */
  edgeRemovals: GraphEdge[];
}

/** `/api/events`' `event: connected`: the model was (re)listed; a client at another version refetches /api/graph. */
export interface GraphConnectedEvent {
  host: string;
  version: number;
}
