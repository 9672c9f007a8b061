import type { ContainerNode, GraphEdge, GraphNode, GraphPayload, ImageNode, NodeId } from "@/lib/graph/types";

/*
 * A deterministic layered layout: each image family (a root image and the images built on it) is a tree,
 * parents above children, each image's containers in a small grid right under it. Families are packed
 * left to right on shelves. No simulation, no randomness: the same host always looks the same, and a new
 * object moves only what comes after it in its family and shelf.
 */

export const IMAGE_WIDTH = 168;
export const IMAGE_HEIGHT = 34;
export const INTERMEDIATE_WIDTH = 120;
export const INTERMEDIATE_HEIGHT = 22;
export const CONTAINER_WIDTH = 150;
export const CONTAINER_HEIGHT = 26;
const CONTAINER_GAP_X = 10;
const CONTAINER_GAP_Y = 8;
const CONTAINER_COLUMNS = 3;
const SIBLING_GAP = 28;
const LEVEL_GAP = 56;
const FAMILY_GAP = 64;
const SHELF_GAP = 80;
const SHELF_WIDTH = 2600;

export interface PositionedNode {
  id: NodeId;
  node: GraphNode;
  /** Centre of the node. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PositionedEdge {
  edge: GraphEdge;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GraphLayout {
  nodes: PositionedNode[];
  edges: PositionedEdge[];
  width: number;
  height: number;
}

interface Family {
  image: ImageNode;
  children: Family[];
  containers: ContainerNode[];
  width: number;
  height: number;
}

function compareNodes(a: GraphNode, b: GraphNode): number {
  const createdA = "created" in a ? a.created : 0;
  const createdB = "created" in b ? b.created : 0;
  return createdA - createdB || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function containerGrid(count: number): { width: number; height: number; columns: number } {
  if (count === 0) return { width: 0, height: 0, columns: 0 };
  // The full grid width is reserved from the first container on, so a new container never pushes other families aside.
  const columns = CONTAINER_COLUMNS;
  const rows = Math.ceil(count / columns);
  return {
    width: columns * CONTAINER_WIDTH + (columns - 1) * CONTAINER_GAP_X,
    height: CONTAINER_GAP_Y + rows * CONTAINER_HEIGHT + (rows - 1) * CONTAINER_GAP_Y,
    columns,
  };
}

/** Build-step images (untagged, with children) are drawn small: they matter for the chain, rarely on their own. */
function imageSize(image: ImageNode): { width: number; height: number } {
  return !image.missing && image.intermediate ? { width: INTERMEDIATE_WIDTH, height: INTERMEDIATE_HEIGHT } : { width: IMAGE_WIDTH, height: IMAGE_HEIGHT };
}

function measure(family: Family): void {
  for (const child of family.children) measure(child);
  const grid = containerGrid(family.containers.length);
  const childrenWidth = family.children.reduce((sum, child) => sum + child.width, 0) + Math.max(0, family.children.length - 1) * SIBLING_GAP;
  const own = imageSize(family.image);
  family.width = Math.max(own.width, grid.width, childrenWidth);
  const childrenHeight = family.children.length > 0 ? LEVEL_GAP + Math.max(...family.children.map((child) => child.height)) : 0;
  family.height = own.height + grid.height + childrenHeight;
}

function place(family: Family, left: number, top: number, out: PositionedNode[]): void {
  const centre = left + family.width / 2;
  const own = imageSize(family.image);
  out.push({ id: family.image.id, node: family.image, x: centre, y: top + own.height / 2, width: own.width, height: own.height });
  const grid = containerGrid(family.containers.length);
  family.containers.forEach((container, index) => {
    const column = index % grid.columns;
    const row = Math.floor(index / grid.columns);
    out.push({
      id: container.id,
      node: container,
      x: centre - grid.width / 2 + column * (CONTAINER_WIDTH + CONTAINER_GAP_X) + CONTAINER_WIDTH / 2,
      y: top + own.height + CONTAINER_GAP_Y + row * (CONTAINER_HEIGHT + CONTAINER_GAP_Y) + CONTAINER_HEIGHT / 2,
      width: CONTAINER_WIDTH,
      height: CONTAINER_HEIGHT,
    });
  });
  const childrenWidth = family.children.reduce((sum, child) => sum + child.width, 0) + Math.max(0, family.children.length - 1) * SIBLING_GAP;
  let childLeft = centre - childrenWidth / 2;
  const childTop = top + own.height + grid.height + LEVEL_GAP;
  for (const child of family.children) {
    place(child, childLeft, childTop, out);
    childLeft += child.width + SIBLING_GAP;
  }
}

export function layoutGraph(graph: Pick<GraphPayload, "nodes" | "edges">): GraphLayout {
  const images = graph.nodes.filter((node): node is ImageNode => node.kind === "image").sort(compareNodes);
  const containers = graph.nodes.filter((node): node is ContainerNode => node.kind === "container").sort(compareNodes);
  const families = new Map<string, Family>(
    images.map((image) => [image.imageId, { image, children: [], containers: [], width: 0, height: 0 }]),
  );

  const roots: Family[] = [];
  for (const image of images) {
    const family = families.get(image.imageId);
    if (!family) continue;
    const parent = !image.missing && image.parentId !== null ? families.get(image.parentId) : undefined;
    if (parent && parent !== family) parent.children.push(family);
    else roots.push(family);
  }
  for (const container of containers) families.get(container.imageId)?.containers.push(container);

  const positioned: PositionedNode[] = [];
  let shelfTop = 0;
  let shelfLeft = 0;
  let shelfHeight = 0;
  let width = 0;
  for (const root of roots) {
    measure(root);
    if (shelfLeft > 0 && shelfLeft + root.width > SHELF_WIDTH) {
      shelfTop += shelfHeight + SHELF_GAP;
      shelfLeft = 0;
      shelfHeight = 0;
    }
    place(root, shelfLeft, shelfTop, positioned);
    shelfLeft += root.width + FAMILY_GAP;
    shelfHeight = Math.max(shelfHeight, root.height);
    width = Math.max(width, shelfLeft - FAMILY_GAP);
  }

  const byId = new Map(positioned.map((entry) => [entry.id, entry]));
  const edges: PositionedEdge[] = [];
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    // Both kinds point up: a container to the image above it, a child image to its parent.
    edges.push({ edge, x1: source.x, y1: source.y - source.height / 2, x2: target.x, y2: target.y + target.height / 2 });
  }

  return { nodes: positioned, edges, width, height: shelfTop + shelfHeight };
}
