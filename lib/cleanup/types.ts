import type { ContainerRecord, ContainerState, ImageRecord } from "@/lib/docker/types";
import type { ContainerNodeId, ImageNodeId, NodeId } from "@/lib/graph/types";

/*
 * The vocabulary of lib/cleanup: what a target resolves to, what blocks its removal, what the daemon
 * would answer, and what removing it frees. Plain data, so that answers can be sent as JSON as they are.
 */

/** An image named by its ID (node id, full ID, `sha256:` form or unique prefix): `docker rmi <id>` deletes it or fails. */
export interface ImageTarget {
  kind: "image";
  /** The target as given. */
  input: string;
  node: ImageNodeId;
  image: ImageRecord;
  /**
   * How the input matched. "reference" is the daemon's quirk of a tag that is also a prefix of the
   * image's own ID (e.g. a repository called "sha256" or "abc"): the daemon then treats the input as an ID.
   */
  matchedBy: "node-id" | "id" | "id-prefix" | "reference";
  /** What dockgraph would send to the daemon (validated). */
  daemonName: string;
}

/** An image named by one of its references: `docker rmi <ref>` removes that reference first (see DESIGN.md). */
export interface ImageReferenceTarget {
  kind: "image-reference";
  input: string;
  node: ImageNodeId;
  image: ImageRecord;
  /** The stored reference the input names, as the daemon lists it ("ubuntu:latest", "repo@sha256:…"). */
  reference: string;
  daemonName: string;
}

/** An image that containers still name but the daemon no longer has (force-removed): a ghost node. */
export interface MissingImageTarget {
  kind: "missing-image";
  input: string;
  node: ImageNodeId;
  /** "sha256:<64 hex>" */
  imageId: string;
  containers: ContainerRecord[];
  daemonName: string;
}

export interface ContainerTarget {
  kind: "container";
  input: string;
  node: ContainerNodeId;
  container: ContainerRecord;
  matchedBy: "node-id" | "id" | "name" | "id-prefix";
  daemonName: string;
}

export type ResolvedTarget = ImageTarget | ImageReferenceTarget | MissingImageTarget | ContainerTarget;

export type BlockerKind =
  /** A running, paused or restarting container (see `state`). */
  | "running-container"
  /** A created, exited, dead (or removing) container. */
  | "stopped-container"
  /** A container the daemon is already removing: only waiting helps. */
  | "removal-in-progress"
  /** An image built on the target, directly or through other child images (see `depth`). */
  | "child-image"
  /** Another reference naming the image: removal by ID is refused while the image has several. */
  | "reference"
  /** The image itself is gone (force-removed); only its containers remain. */
  | "missing-image";

/** One thing that clears a blocker, in the order a plan would do it. */
export type ClearingAction = "unpause" | "stop" | "remove-container" | "untag" | "remove-image" | "wait";

export interface Blocker {
  kind: BlockerKind;
  /** The node that stands in the way (for `reference`: the image carrying the reference). */
  node: NodeId;
  /** Forcing the target's removal would not get past this blocker: it has to be cleared first. */
  hard: boolean;
  /** Forcing the target's removal would get past it (the negation of `hard`, kept explicit for clients). */
  forceOverrides: boolean;
  /** One plain sentence. */
  message: string;
  /** What clears it, in order. */
  clearedBy: ClearingAction[];
  /** The container's state, for container blockers. */
  state?: ContainerState;
  /** The reference to untag, for `reference` blockers. */
  reference?: string;
  /** The image through which a container or child blocks: the image it uses or is built on. */
  via?: ImageNodeId;
  /** 0 for the target's own containers and references, 1 for children and their containers, 2 for grandchildren, … */
  depth: number;
}

export type RemovalEffect = "delete" | "untag" | "remove";

/** Everything a plan must remove to remove a target entirely, in a valid order. */
export interface RemovalSet {
  /** Container IDs (64 hex): the target's, or those on the image and its descendants. */
  containerIds: string[];
  /** Image IDs deleted, children before parents: descendants, the image, then the untagged parents the daemon prunes. */
  imageIds: string[];
  /** Of imageIds, the parents the daemon deletes by itself after the image (untagged, unused, no other child). */
  prunedParentIds: string[];
}

export interface Reclaimable {
  /** layerBytes + containerBytes. */
  bytes: number;
  /** Bytes of image layers (by chain) that no remaining image uses: what `/system/df` LayersSize drops by. */
  layerBytes: number;
  /** Writable layers of removed containers whose size is known. */
  containerBytes: number;
  /** Layers (chains) freed. */
  freedLayerCount: number;
  /** False when a removed image's layers or a removed container's size was unknown (then the bytes are a lower bound). */
  complete: boolean;
}

export interface BlockersAnswer {
  /** The target as given. */
  target: string;
  targetKind: ResolvedTarget["kind"];
  /** The node the target resolved to. */
  node: NodeId;
  /** For a reference target, the reference it names. */
  reference?: string;
  /** What the non-forced removal of the target as typed does when it goes through. */
  effect: RemovalEffect;
  /** The non-forced removal as typed would succeed now. */
  deletable: boolean;
  /** Everything that stands in the way of removing the target entirely, in the order a plan clears them. */
  blockers: Blocker[];
  /** The daemon's words for the non-forced removal as typed, or null when it would succeed. */
  daemonMessage: string | null;
  /** What removing the target entirely (with `removes`) frees, in bytes. */
  reclaimableBytes: number;
  reclaimable: Reclaimable;
  /** What a plan must remove with the target. */
  removes: RemovalSet;
  /** True while sizes this answer needs (layers, writable layers) were still loading: `reclaimable` is then a lower bound. */
  sizesPending?: boolean;
}

/** What the daemon answered to one removal, as dockgraph saw it. */
export interface DaemonAnswer {
  /** HTTP status: 200 when the removal went through. */
  status: number;
  /** The daemon's words when it refused or failed, else null. */
  message: string | null;
  /** References removed ("Untagged: …"). */
  untagged: string[];
  /** "Deleted: …" entries: image IDs, and for images also the chain IDs of the layers freed. */
  deleted: string[];
}
