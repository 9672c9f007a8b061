import type { ContainerState } from "@/lib/docker/types";
import type { NodeId } from "@/lib/graph/types";
import { formatBytes, plural } from "@/lib/format";
import type { GraphLayout, PositionedEdge, PositionedNode } from "@/components/graph/layout";

/*
 * Semantic zoom for the canvas: what a big host looks like at each scale. Zoomed in, every node. Further out,
 * each image's containers fold into one badge with counts by state ("951 containers · 12 running"). Furthest out,
 * the images of one repository in one family fold into one node with counts, the running containers (what blocks a
 * cleanup) and the bytes (where the space is). The layout is the same at every level: folding only decides what is
 * drawn, so nothing moves when the user zooms. Pure.
 */

/** At and above this scale every node is drawn (the scale from which nodes are more than a few pixels). */
export const NODES_MIN_SCALE = 0.2;
/** At and above this scale (and below NODES_MIN_SCALE) images are drawn with their containers as badges. */
export const IMAGES_MIN_SCALE = 0.06;

export type ZoomLevel = "nodes" | "images" | "repositories";

export type StateCounts = Partial<Record<ContainerState, number>>;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The containers of one image, as one box where their grid is. */
export interface ContainerBadge extends Box {
  image: NodeId;
  count: number;
  states: StateCounts;
  /** Running, paused or restarting: they must be stopped before anything under them can go. */
  active: number;
  label: string;
}

/** The images of one repository within one family (untagged build steps go with their parent's repository). */
export interface RepositoryGroup extends Box {
  repository: string;
  family: NodeId;
  images: NodeId[];
  /** Where a click zooms in to: the first image. */
  anchor: { x: number; y: number };
  containers: number;
  active: number;
  bytes: number;
  label: string;
}

/** A child-of edge between two repository groups. */
export interface GroupEdge {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface FoldedLayout {
  layout: GraphLayout;
  images: PositionedNode[];
  imageEdges: PositionedEdge[];
  badges: ContainerBadge[];
  groups: RepositoryGroup[];
  groupEdges: GroupEdge[];
  /** The largest group's bytes: the overview shows each group's space against it. */
  maxGroupBytes: number;
}

export interface SemanticView {
  level: ZoomLevel;
  nodes: PositionedNode[];
  edges: PositionedEdge[];
  badges: ContainerBadge[];
  groups: RepositoryGroup[];
  groupEdges: GroupEdge[];
}

export function zoomLevel(scale: number): ZoomLevel {
  return scale >= NODES_MIN_SCALE ? "nodes" : scale >= IMAGES_MIN_SCALE ? "images" : "repositories";
}

const ACTIVE_STATES: readonly ContainerState[] = ["running", "paused", "restarting"];

/** "951 containers · 12 running", then the other states that are there, most first. */
export function badgeLabel(count: number, states: StateCounts): string {
  const running = (states.running ?? 0) + (states.restarting ?? 0);
  const parts = [plural(count, "container"), `${running} running`];
  if (states.paused) parts.push(`${states.paused} paused`);
  return parts.join(" · ");
}

/** "acme/api" for "acme/api:1.2" and "registry:5000/team/api:latest"; the whole reference when it has no tag. */
export function repositoryOf(tag: string): string {
  const slash = tag.lastIndexOf("/");
  const colon = tag.lastIndexOf(":");
  return colon > slash ? tag.slice(0, colon) : tag;
}

function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function boxOf(entry: PositionedNode): Box {
  return { x: entry.x - entry.width / 2, y: entry.y - entry.height / 2, width: entry.width, height: entry.height };
}

/** Everything the zoom levels need, computed once per layout. */
export function foldLayout(layout: GraphLayout): FoldedLayout {
  const images: PositionedNode[] = [];
  const byImageId = new Map<string, PositionedNode>();
  const badgeOf = new Map<NodeId, ContainerBadge>();
  for (const entry of layout.nodes) {
    if (entry.node.kind === "image") {
      images.push(entry);
      byImageId.set(entry.node.imageId, entry);
    }
  }
  for (const entry of layout.nodes) {
    const node = entry.node;
    if (node.kind !== "container") continue;
    const image = byImageId.get(node.imageId);
    if (!image) continue;
    const box = boxOf(entry);
    const badge = badgeOf.get(image.id);
    if (!badge) {
      badgeOf.set(image.id, { image: image.id, ...box, count: 1, states: { [node.state]: 1 }, active: ACTIVE_STATES.includes(node.state) ? 1 : 0, label: "" });
      continue;
    }
    Object.assign(badge, union(badge, box));
    badge.count += 1;
    badge.states[node.state] = (badge.states[node.state] ?? 0) + 1;
    if (ACTIVE_STATES.includes(node.state)) badge.active += 1;
  }
  const badges = [...badgeOf.values()];
  for (const badge of badges) badge.label = badgeLabel(badge.count, badge.states);

  // Layout order puts a parent before its children, so an untagged image finds its parent's group.
  const groupOf = new Map<NodeId, RepositoryGroup>();
  const groups = new Map<string, RepositoryGroup>();
  for (const image of images) {
    const node = image.node;
    if (node.kind !== "image") continue;
    const tag = node.missing ? undefined : node.tags[0];
    const parent = !node.missing && node.parentId !== null ? byImageId.get(node.parentId) : undefined;
    const inherited = tag === undefined && parent && parent.family === image.family ? groupOf.get(parent.id) : undefined;
    const repository = tag !== undefined ? repositoryOf(tag) : (inherited?.repository ?? (node.missing ? "missing image" : "<none>"));
    const key = `${image.family}|${repository}`;
    const badge = badgeOf.get(image.id);
    const box = badge ? union(boxOf(image), badge) : boxOf(image);
    let group = groups.get(key);
    if (!group) {
      group = { repository, family: image.family, images: [], anchor: { x: image.x, y: image.y }, ...box, containers: 0, active: 0, bytes: 0, label: "" };
      groups.set(key, group);
    } else {
      Object.assign(group, union(group, box));
    }
    group.images.push(image.id);
    group.containers += badge?.count ?? 0;
    group.active += badge?.active ?? 0;
    group.bytes += node.missing ? 0 : node.size;
    groupOf.set(image.id, group);
  }
  let maxGroupBytes = 0;
  for (const group of groups.values()) {
    const running = group.active > 0 ? ` · ${group.active} running` : "";
    group.label = `${group.repository} · ${plural(group.images.length, "image")} · ${plural(group.containers, "container")}${running} · ${formatBytes(group.bytes)}`;
    maxGroupBytes = Math.max(maxGroupBytes, group.bytes);
  }

  const imageEdges = layout.edges.filter((entry) => entry.edge.kind === "child-of");
  const seen = new Set<string>();
  const groupEdges: GroupEdge[] = [];
  for (const entry of imageEdges) {
    const from = groupOf.get(entry.edge.source);
    const to = groupOf.get(entry.edge.target);
    if (!from || !to || from === to) continue;
    const key = `${from.family}|${from.repository}>${to.repository}`;
    if (seen.has(key)) continue;
    seen.add(key);
    groupEdges.push({ x1: from.x + from.width / 2, y1: from.y, x2: to.anchor.x, y2: to.y + to.height });
  }
  return { layout, images, imageEdges, badges, groups: [...groups.values()], groupEdges, maxGroupBytes };
}

/** What is drawn at this scale. */
export function semanticView(folded: FoldedLayout, scale: number): SemanticView {
  const level = zoomLevel(scale);
  if (level === "nodes") return { level, nodes: folded.layout.nodes, edges: folded.layout.edges, badges: [], groups: [], groupEdges: [] };
  if (level === "images") return { level, nodes: folded.images, edges: folded.imageEdges, badges: folded.badges, groups: [], groupEdges: [] };
  return { level, nodes: [], edges: [], badges: [], groups: folded.groups, groupEdges: folded.groupEdges };
}
