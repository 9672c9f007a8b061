import type { ContainerNode, GraphEdge, GraphNode, GraphPayload, ImageNode, NodeId } from "@/lib/graph/types";

/*
 * A deterministic layered layout. Each image family (a root image and the images built on it) is a tree,
 * parents above children, each image's containers in a small grid right under it, grouped by Compose project
 * (a frame per project). Families are packed on shelves whose width is chosen so that the whole graph has
 * about the proportions of the dashboard's graph area, so that "fit" keeps text readable.
 *
 * Stability: given the previous layout, every family that still fits where it was stays exactly there; only
 * new families, and families that grew into a neighbour, are placed again, below everything else. So adding or
 * removing a container or an image never moves another family. A fresh layout (a reload, or a view change that
 * reshapes many families at once) packs tightly again.
 */

export const IMAGE_WIDTH = 168;
export const IMAGE_HEIGHT = 34;
export const INTERMEDIATE_WIDTH = 120;
export const INTERMEDIATE_HEIGHT = 22;
export const CONTAINER_WIDTH = 150;
export const CONTAINER_HEIGHT = 26;
const CONTAINER_GAP_X = 10;
const CONTAINER_GAP_Y = 8;
/** Up to this many containers stack in one column under their image; more spread to two, then three columns (and more: gridColumns). */
const CONTAINERS_PER_COLUMN = 4;
const MAX_CONTAINER_COLUMNS = 3;
/** The widest a grid of very many containers gets. */
const MAX_WIDE_COLUMNS = 40;
/** Room for a Compose project's label above its containers. */
const PROJECT_LABEL_HEIGHT = 16;
const FRAME_PADDING = 5;
const SIBLING_GAP = 28;
const LEVEL_GAP = 56;
const FAMILY_GAP = 48;
const SHELF_GAP = 56;
/**
 * A family that grew keeps its place as long as it stays this far from its neighbours: it may take most of the
 * packing gaps, so that the usual `docker run` (one more container under an image) moves nothing at all.
 */
const KEPT_PLACE_GAP = 16;
/** More families than this (and than this share of all) unable to keep their place: lay everything out afresh. */
const MAX_DISPLACED_FAMILIES = 3;
const MAX_DISPLACED_SHARE = 0.25;
/** Width / height of the dashboard's graph area at 1280×800 (and about that on larger screens). */
const TARGET_ASPECT = 1.45;

export interface PositionedNode {
  id: NodeId;
  node: GraphNode;
  /** Centre of the node. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The root image of the node's family. */
  family: NodeId;
}

export interface PositionedEdge {
  edge: GraphEdge;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A labelled box around the containers of one Compose project under one image. */
export interface LayoutFrame {
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a family sits: the next layout keeps it there when it still fits. */
export interface FamilyBox {
  root: NodeId;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  nodes: PositionedNode[];
  edges: PositionedEdge[];
  frames: LayoutFrame[];
  families: FamilyBox[];
  /** The bounding box of everything: families removed since a fresh layout may leave room at the left or top. */
  left: number;
  top: number;
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

/** Containers without a project first, then one group per project (by name), each starting a new row. */
function containerGroups(containers: ContainerNode[]): { project: string | null; containers: ContainerNode[] }[] {
  const groups = new Map<string | null, ContainerNode[]>();
  for (const container of containers) {
    const project = container.composeProject ?? null;
    const group = groups.get(project);
    if (group) group.push(container);
    else groups.set(project, [container]);
  }
  return [...groups]
    .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
    .map(([project, members]) => ({ project, containers: members }));
}

/**
 * Columns of an image's container grid: its width changes only at the 5th and the 9th container, then (an image
 * run a hundred times over on a CI host) the grid widens towards a square, twice as many rows as columns, at
 * 32, 50, 72… containers (2n²) only: a 951-container image is 21 columns by 46 rows, not a column 10,800 units tall.
 */
function gridColumns(count: number): number {
  const few = Math.min(MAX_CONTAINER_COLUMNS, Math.ceil(count / CONTAINERS_PER_COLUMN));
  return Math.min(MAX_WIDE_COLUMNS, Math.max(few, Math.floor(Math.sqrt(count / 2))));
}

function gridWidth(columns: number): number {
  return columns === 0 ? 0 : columns * CONTAINER_WIDTH + (columns - 1) * CONTAINER_GAP_X;
}

function groupHeight(group: { project: string | null; containers: ContainerNode[] }, columns: number): number {
  const rows = Math.ceil(group.containers.length / columns);
  return (group.project === null ? 0 : PROJECT_LABEL_HEIGHT) + rows * CONTAINER_HEIGHT + (rows - 1) * CONTAINER_GAP_Y;
}

function gridSize(containers: ContainerNode[]): { width: number; height: number } {
  if (containers.length === 0) return { width: 0, height: 0 };
  const columns = gridColumns(containers.length);
  const height = containerGroups(containers).reduce((sum, group) => sum + CONTAINER_GAP_Y + groupHeight(group, columns), 0);
  return { width: gridWidth(columns), height };
}

/** Build-step images (untagged, with children) are drawn small: they matter for the chain, rarely on their own. */
function imageSize(image: ImageNode): { width: number; height: number } {
  return !image.missing && image.intermediate ? { width: INTERMEDIATE_WIDTH, height: INTERMEDIATE_HEIGHT } : { width: IMAGE_WIDTH, height: IMAGE_HEIGHT };
}

function childrenWidth(family: Family): number {
  return family.children.reduce((sum, child) => sum + child.width, 0) + Math.max(0, family.children.length - 1) * SIBLING_GAP;
}

function measure(family: Family): void {
  for (const child of family.children) measure(child);
  const grid = gridSize(family.containers);
  const own = imageSize(family.image);
  family.width = Math.max(own.width, grid.width, childrenWidth(family));
  let childrenHeight = 0;
  for (const child of family.children) childrenHeight = Math.max(childrenHeight, child.height);
  family.height = own.height + grid.height + (family.children.length > 0 ? LEVEL_GAP + childrenHeight : 0);
}

interface Placed {
  nodes: PositionedNode[];
  frames: LayoutFrame[];
}

/** Positions relative to the family's top-left corner. */
function place(family: Family, root: NodeId, left: number, top: number, out: Placed): void {
  const centre = left + family.width / 2;
  const own = imageSize(family.image);
  out.nodes.push({ id: family.image.id, node: family.image, x: centre, y: top + own.height / 2, width: own.width, height: own.height, family: root });
  let rowTop = top + own.height;
  const columns = gridColumns(family.containers.length);
  const grid = gridWidth(columns);
  const gridLeft = centre - grid / 2;
  for (const group of containerGroups(family.containers)) {
    rowTop += CONTAINER_GAP_Y;
    const height = groupHeight(group, columns);
    if (group.project !== null) {
      out.frames.push({
        label: group.project,
        x: gridLeft - FRAME_PADDING,
        y: rowTop - FRAME_PADDING,
        width: grid + FRAME_PADDING * 2,
        height: height + FRAME_PADDING * 2,
      });
    }
    const firstRow = rowTop + (group.project === null ? 0 : PROJECT_LABEL_HEIGHT);
    group.containers.forEach((container, index) => {
      const column = index % columns;
      const row = Math.floor(index / columns);
      out.nodes.push({
        id: container.id,
        node: container,
        x: gridLeft + column * (CONTAINER_WIDTH + CONTAINER_GAP_X) + CONTAINER_WIDTH / 2,
        y: firstRow + row * (CONTAINER_HEIGHT + CONTAINER_GAP_Y) + CONTAINER_HEIGHT / 2,
        width: CONTAINER_WIDTH,
        height: CONTAINER_HEIGHT,
        family: root,
      });
    });
    rowTop += height;
  }
  let childLeft = centre - childrenWidth(family) / 2;
  const childTop = rowTop + LEVEL_GAP;
  for (const child of family.children) {
    place(child, root, childLeft, childTop, out);
    childLeft += child.width + SIBLING_GAP;
  }
}

/** Shelf packing of boxes in order; returns each box's top-left corner and the total size. */
function packShelves(sizes: { width: number; height: number }[], shelfWidth: number, top: number): { origins: { x: number; y: number }[]; width: number; height: number } {
  const origins: { x: number; y: number }[] = [];
  let shelfTop = top;
  let shelfLeft = 0;
  let shelfHeight = 0;
  let width = 0;
  for (const size of sizes) {
    if (shelfLeft > 0 && shelfLeft + size.width > shelfWidth) {
      shelfTop += shelfHeight + SHELF_GAP;
      shelfLeft = 0;
      shelfHeight = 0;
    }
    origins.push({ x: shelfLeft, y: shelfTop });
    shelfLeft += size.width + FAMILY_GAP;
    shelfHeight = Math.max(shelfHeight, size.height);
    width = Math.max(width, shelfLeft - FAMILY_GAP);
  }
  return { origins, width, height: sizes.length === 0 ? 0 : shelfTop + shelfHeight - top };
}

/** The shelf width whose packing best fills a TARGET_ASPECT viewport (the largest fit scale). */
function bestShelfWidth(sizes: { width: number; height: number }[]): number {
  const widest = Math.max(0, ...sizes.map((size) => size.width));
  const total = sizes.reduce((sum, size) => sum + size.width + FAMILY_GAP, 0);
  let best = Math.max(widest, total);
  let bestScale = 0;
  const steps = 24;
  for (let step = 0; step <= steps; step += 1) {
    // Geometric steps between the widest family and one long shelf.
    const candidate = widest * Math.pow(Math.max(1, total / Math.max(1, widest)), step / steps);
    const packed = packShelves(sizes, candidate, 0);
    const scale = Math.min(TARGET_ASPECT / Math.max(1, packed.width), 1 / Math.max(1, packed.height));
    if (scale > bestScale) {
      bestScale = scale;
      best = candidate;
    }
  }
  return best;
}

/** Do two family boxes come closer than the kept-place gap? Neighbours never touch. */
function crowds(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width + KEPT_PLACE_GAP && b.x < a.x + a.width + KEPT_PLACE_GAP && a.y < b.y + b.height + KEPT_PLACE_GAP && b.y < a.y + a.height + KEPT_PLACE_GAP;
}

/** The edges between placed nodes, from the nodes' places (edges to nodes not placed are left out). */
export function positionEdges(graphEdges: readonly GraphEdge[], nodes: readonly PositionedNode[]): PositionedEdge[] {
  const byId = new Map(nodes.map((entry) => [entry.id, entry]));
  const edges: PositionedEdge[] = [];
  for (const edge of graphEdges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    // Both kinds point up: a container to the image above it, a child image to its parent.
    edges.push({ edge, x1: source.x, y1: source.y - source.height / 2, x2: target.x, y2: target.y + target.height / 2 });
  }
  return edges;
}

/** Of the previous layout only the family boxes count: families that still fit keep their place. */
export function layoutGraph(graph: Pick<GraphPayload, "nodes" | "edges">, previous?: Pick<GraphLayout, "families"> | null): GraphLayout {
  const images = graph.nodes.filter((node): node is ImageNode => node.kind === "image").sort(compareNodes);
  const containers = graph.nodes.filter((node): node is ContainerNode => node.kind === "container").sort(compareNodes);
  const families = new Map<string, Family>(images.map((image) => [image.imageId, { image, children: [], containers: [], width: 0, height: 0 }]));

  const roots: Family[] = [];
  for (const image of images) {
    const family = families.get(image.imageId);
    if (!family) continue;
    const parent = !image.missing && image.parentId !== null ? families.get(image.parentId) : undefined;
    if (parent && parent !== family) parent.children.push(family);
    else roots.push(family);
  }
  for (const container of containers) families.get(container.imageId)?.containers.push(container);
  for (const root of roots) measure(root);

  // Families that still fit where the previous layout had them keep their place; the others are packed below.
  const previousBoxes = new Map((previous?.families ?? []).map((box) => [box.root, box]));
  const kept: FamilyBox[] = [];
  const boxes = new Map<NodeId, FamilyBox>();
  const toPack: Family[] = [];
  // Unchanged families first: a family that grew must not push out a neighbour that did not change.
  const unchanged = (family: Family) => {
    const before = previousBoxes.get(family.image.id);
    return before !== undefined && before.width === family.width && before.height === family.height;
  };
  for (const root of [...roots.filter(unchanged), ...roots.filter((family) => !unchanged(family))]) {
    const before = previousBoxes.get(root.image.id);
    const box: FamilyBox = { root: root.image.id, x: before?.x ?? 0, y: before?.y ?? 0, width: root.width, height: root.height };
    if (before && !kept.some((other) => crowds(other, box))) {
      kept.push(box);
      boxes.set(box.root, box);
    } else {
      toPack.push(root);
    }
  }
  // When many families changed shape at once (build steps shown or folded), moving each to the bottom would
  // scatter the graph: pack everything afresh instead.
  const displaced = toPack.filter((family) => previousBoxes.has(family.image.id)).length;
  if (displaced > Math.max(MAX_DISPLACED_FAMILIES, roots.length * MAX_DISPLACED_SHARE)) {
    kept.length = 0;
    toPack.splice(0, toPack.length, ...roots);
  }
  toPack.sort((a, b) => compareNodes(a.image, b.image));
  const keptBottom = kept.reduce((bottom, box) => Math.max(bottom, box.y + box.height + SHELF_GAP), 0);
  const keptRight = kept.reduce((right, box) => Math.max(right, box.x + box.width), 0);
  const sizes = toPack.map((family) => ({ width: family.width, height: family.height }));
  const shelfWidth = kept.length > 0 ? Math.max(keptRight, ...sizes.map((size) => size.width)) : bestShelfWidth(sizes);
  const packed = packShelves(sizes, shelfWidth, keptBottom);
  toPack.forEach((family, index) => {
    const origin = packed.origins[index] ?? { x: 0, y: keptBottom };
    boxes.set(family.image.id, { root: family.image.id, x: origin.x, y: origin.y, width: family.width, height: family.height });
  });

  const placed: Placed = { nodes: [], frames: [] };
  const familyBoxes: FamilyBox[] = [];
  for (const root of roots) {
    const box = boxes.get(root.image.id);
    if (!box) continue;
    familyBoxes.push(box);
    place(root, root.image.id, box.x, box.y, placed);
  }

  const edges = positionEdges(graph.edges, placed.nodes);

  let left = Infinity;
  let top = Infinity;
  let right = 0;
  let bottom = 0;
  for (const box of familyBoxes) {
    left = Math.min(left, box.x);
    top = Math.min(top, box.y);
    right = Math.max(right, box.x + box.width);
    bottom = Math.max(bottom, box.y + box.height);
  }
  if (familyBoxes.length === 0) left = top = 0;
  return { nodes: placed.nodes, edges, frames: placed.frames, families: familyBoxes, left, top, width: right - left, height: bottom - top };
}
