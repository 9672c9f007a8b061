import type { ContainerRecord, HostSnapshot, ImageRecord } from "@/lib/docker/types";
import type {
  ContainerNode,
  ContainerNodeId,
  GraphEdge,
  GraphPayload,
  ImageNode,
  ImageNodeId,
  MissingImageNode,
  PresentImageNode,
} from "@/lib/graph/types";

export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";
export const COMPOSE_SERVICE_LABEL = "com.docker.compose.service";

export function imageNodeId(imageId: string): ImageNodeId {
  return `image:${imageId}` as ImageNodeId;
}

export function containerNodeId(containerId: string): ContainerNodeId {
  return `container:${containerId}`;
}

/** "sha256:abc…" → "abc…" (12 hex), as `docker images` shows it. */
export function shortImageId(imageId: string): string {
  return imageId.replace(/^sha256:/, "").slice(0, 12);
}

export function byCreatedThenId<T extends { created: number; id: string }>(a: T, b: T): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function imageNode(image: ImageRecord, containerCount: number, childCount: number): PresentImageNode {
  const node: PresentImageNode = {
    id: imageNodeId(image.id),
    kind: "image",
    missing: false,
    imageId: image.id,
    shortId: shortImageId(image.id),
    references: [...image.repoTags, ...image.repoDigests],
    tags: [...image.repoTags],
    digests: [...image.repoDigests],
    dangling: image.repoTags.length === 0,
    intermediate: image.repoTags.length === 0 && childCount > 0,
    parentId: image.parentId,
    size: image.size,
    created: image.created,
    containerCount,
    childCount,
    localOnly: image.repoTags.length > 0 && image.repoDigests.length === 0,
  };
  if (image.sharedSize !== null) {
    node.sharedSize = image.sharedSize;
    node.uniqueSize = Math.max(0, image.size - image.sharedSize);
  }
  return node;
}

export function containerNode(container: ContainerRecord): ContainerNode {
  const node: ContainerNode = {
    id: containerNodeId(container.id),
    kind: "container",
    containerId: container.id,
    shortId: container.id.slice(0, 12),
    name: container.name,
    image: container.image,
    imageId: container.imageId,
    state: container.state,
    status: container.status,
    created: container.created,
    labels: container.labels,
  };
  if (container.exitCode !== null) node.exitCode = container.exitCode;
  const project = container.labels[COMPOSE_PROJECT_LABEL];
  if (project) node.composeProject = project;
  const service = container.labels[COMPOSE_SERVICE_LABEL];
  if (service) node.composeService = service;
  if (container.sizeRw !== null) node.sizeRw = container.sizeRw;
  return node;
}

/** An image ID that containers still name but the daemon no longer has (after `docker rmi -f`): a ghost node. */
export function missingImageNode(imageId: string, containerCount: number): MissingImageNode {
  return { id: imageNodeId(imageId), kind: "image", missing: true, imageId, shortId: shortImageId(imageId), references: [], containerCount };
}

/** A parent outside the listing cannot be drawn: the edge exists only while the parent is present. */
export function childOfEdge(imageId: string, parentId: string): GraphEdge {
  return { source: imageNodeId(imageId), target: imageNodeId(parentId), kind: "child-of" };
}

export function usesEdge(container: ContainerRecord): GraphEdge {
  return { source: containerNodeId(container.id), target: imageNodeId(container.imageId), kind: "uses" };
}

/**
 * Snapshot → graph: one node per image ID (with every reference), one per container, a *missing* image
 * node for each image ID that containers still name but the daemon no longer has (after `docker rmi -f`),
 * `uses` edges container → image and `child-of` edges image → parent. Deterministic order (oldest first).
 */
export function buildGraph(snapshot: HostSnapshot): GraphPayload {
  const images = [...snapshot.images].sort(byCreatedThenId);
  const containers = [...snapshot.containers].sort(byCreatedThenId);
  const imageIds = new Set(images.map((image) => image.id));

  const containerCounts = new Map<string, number>();
  for (const container of containers) {
    containerCounts.set(container.imageId, (containerCounts.get(container.imageId) ?? 0) + 1);
  }
  const childCounts = new Map<string, number>();
  for (const image of images) {
    if (image.parentId !== null) childCounts.set(image.parentId, (childCounts.get(image.parentId) ?? 0) + 1);
  }

  const imageNodes: ImageNode[] = images.map((image) =>
    imageNode(image, containerCounts.get(image.id) ?? 0, childCounts.get(image.id) ?? 0),
  );

  const missingNodes = new Map<string, MissingImageNode>();
  for (const container of containers) {
    if (imageIds.has(container.imageId) || missingNodes.has(container.imageId)) continue;
    missingNodes.set(container.imageId, missingImageNode(container.imageId, containerCounts.get(container.imageId) ?? 0));
  }

  const edges: GraphEdge[] = [];
  for (const image of images) {
    // A parent outside the listing cannot be drawn; the node still carries parentId.
    if (image.parentId !== null && imageIds.has(image.parentId)) {
      edges.push(childOfEdge(image.id, image.parentId));
    }
  }
  for (const container of containers) {
    edges.push(usesEdge(container));
  }

  return {
    generatedAt: snapshot.takenAt,
    daemon: snapshot.engine,
    nodes: [...imageNodes, ...missingNodes.values(), ...containers.map(containerNode)],
    edges,
  };
}
