import type { ContainerState } from "@/lib/docker/types";
import type { GraphNode } from "@/lib/graph/types";
import { formatBytes, plural } from "@/lib/format";

/** How each kind and state looks, shared by the graph, the legend and the list. */

export const STATE_COLORS: Record<ContainerState, string> = {
  running: "#16a34a",
  restarting: "#16a34a",
  paused: "#d97706",
  created: "#0ea5e9",
  exited: "#64748b",
  removing: "#dc2626",
  dead: "#dc2626",
};

export const STATE_LABELS: Record<ContainerState, string> = {
  running: "running",
  restarting: "restarting",
  paused: "paused",
  created: "created",
  exited: "stopped",
  removing: "removing",
  dead: "dead",
};

/** A glyph beside each container's name, so that states differ by shape as well as by colour. */
export const STATE_GLYPHS: Record<ContainerState, string> = {
  running: "▶",
  restarting: "↻",
  paused: "⏸",
  created: "○",
  exited: "■",
  removing: "…",
  dead: "✕",
};

/** What the data-state attribute and the legend call an image: tagged, dangling, build step or missing. */
export function imageCondition(node: GraphNode): "tagged" | "dangling" | "intermediate" | "missing" | null {
  if (node.kind !== "image") return null;
  if (node.missing) return "missing";
  if (node.intermediate) return "intermediate";
  return node.dangling ? "dangling" : "tagged";
}

/** Nothing depends on it: no container (in any state) and no child image, as the "unused" filter says. */
export function isUnusedImage(node: GraphNode): boolean {
  return node.kind === "image" && !node.missing && !node.intermediate && node.containerCount === 0 && node.childCount === 0;
}

/** Tagged without a registry digest: built or committed here, so removing it loses it for good. */
export function isUnpullableImage(node: GraphNode): boolean {
  return node.kind === "image" && !node.missing && node.localOnly;
}

/** The short label a node is drawn with. */
export function nodeLabel(node: GraphNode): string {
  if (node.kind === "container") return node.name;
  if (node.missing) return `missing ${node.shortId}`;
  return node.tags[0] ?? `<none> ${node.shortId}`;
}

/** A second line of detail. */
export function nodeSubLabel(node: GraphNode): string {
  if (node.kind === "container") return `${STATE_LABELS[node.state]}${node.exitCode !== undefined && node.state === "exited" ? ` (${node.exitCode})` : ""}`;
  if (node.missing) return "image gone (force-removed)";
  const extra = node.tags.length > 1 ? ` +${node.tags.length - 1} tags` : "";
  return `${node.shortId} · ${formatBytes(node.size)}${extra}`;
}

/** The accessible name of a node: what a screen reader says. */
export function nodeDescription(node: GraphNode): string {
  if (node.kind === "container") return `Container ${node.name}, ${STATE_LABELS[node.state]}, image ${node.image}`;
  if (node.missing) return `Missing image ${node.shortId}, still used by ${plural(node.containerCount, "container")}`;
  const name = node.tags.length > 0 ? node.tags.join(", ") : node.intermediate ? "build-step image <none>" : "dangling image <none>";
  const notes = [isUnusedImage(node) ? ", unused" : "", isUnpullableImage(node) ? ", no registry digest (cannot be pulled back)" : ""].join("");
  return `Image ${name} (${node.shortId}), ${plural(node.containerCount, "container")}, ${plural(node.childCount, "child image")}${notes}`;
}
