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
  daemon: EngineInfo;
  nodes: GraphNode[];
  edges: GraphEdge[];
}
