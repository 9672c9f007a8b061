import type { NodeId } from "@/lib/graph/types";
import type { GraphLayout, PositionedEdge, PositionedNode } from "@/components/graph/layout";
import {
  imageCondition,
  isUnpullableImage,
  isUnusedImage,
  nodeLabel,
  nodeSubLabel,
  STATE_COLORS,
  STATE_GLYPHS,
} from "@/components/graph/node-style";

/*
 * What every graph renderer (SVG for small graphs, canvas for big ones) shares: the interface React drives,
 * the view state, and how a node or an edge looks in that state. Colours are CSS colour values, mostly
 * `var(--…)` tokens that SVG uses as they are and the canvas renderer resolves from the computed style.
 */

export interface GraphViewState {
  selectedId: NodeId | null;
  /** Nodes on a blocking path of the selection, drawn in the warning colour. */
  highlighted: ReadonlySet<NodeId>;
  /** Nodes that match the search and filters; others are dimmed. Null: everything matches. */
  matching: ReadonlySet<NodeId> | null;
}

export interface GraphRenderer {
  update(layout: GraphLayout, state: GraphViewState): void;
  /** Zoom to show the whole graph. */
  fit(): void;
  /** Pan (and zoom in if needed) to one node. */
  focus(id: NodeId): void;
  destroy(): void;
}

export interface GraphRendererOptions {
  onSelect: (id: NodeId | null) => void;
}

export type RendererKind = "svg" | "canvas";

export const DIMMED_NODE_OPACITY = 0.2;
export const DIMMED_EDGE_OPACITY = 0.15;
export const FIT_PADDING = 40;
export const MAX_FIT_SCALE = 1.2;
export const SCALE_EXTENT: [number, number] = [0.02, 3];

export interface NodeLook {
  fill: string;
  stroke: string;
  strokeWidth: number;
  dash: number[] | null;
  opacity: number;
  /** Corner radius. */
  radius: number;
  label: string;
  labelSize: number;
  labelWeight: number;
  sublabel: string;
  /** Containers: a state glyph in the state colour. */
  glyph: string | null;
  glyphColor: string;
  /** Images without a registry digest get a corner mark. */
  unpullable: boolean;
}

export function isCompact(entry: PositionedNode): boolean {
  return imageCondition(entry.node) === "intermediate";
}

function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export function nodeLook(entry: PositionedNode, state: GraphViewState): NodeLook {
  const node = entry.node;
  const selected = entry.id === state.selectedId;
  const highlighted = state.highlighted.has(entry.id);
  const compact = isCompact(entry);
  const condition = imageCondition(node);
  let fill: string;
  let stroke: string;
  let dash: number[] | null = null;
  if (node.kind === "container") {
    fill = node.state === "dead" || node.state === "removing" ? "var(--node-dead-fill)" : "var(--node-container-fill)";
    stroke = STATE_COLORS[node.state];
    // Never started: a dashed outline, like a plan not carried out.
    if (node.state === "created") dash = [4, 3];
  } else if (condition === "missing") {
    fill = "var(--node-missing-fill)";
    stroke = "var(--node-missing-stroke)";
    dash = [5, 4];
  } else {
    const dangling = condition === "dangling";
    // Hollow: nothing depends on it.
    fill = isUnusedImage(node) ? "var(--graph-bg)" : dangling ? "var(--node-dangling-fill)" : "var(--node-image-fill)";
    stroke = dangling ? "var(--node-dangling-stroke)" : "var(--node-image-stroke)";
  }
  if (highlighted) stroke = "var(--node-highlight)";
  if (selected) stroke = "var(--node-selected)";
  return {
    fill,
    stroke,
    strokeWidth: selected ? 3 : highlighted ? 2.5 : 1.5,
    dash,
    opacity: state.matching && !state.matching.has(entry.id) ? DIMMED_NODE_OPACITY : 1,
    radius: node.kind === "container" ? entry.height / 2 : 6,
    label: truncate(nodeLabel(node), node.kind === "container" ? 19 : compact ? 18 : 24),
    labelSize: compact ? 10 : 11.5,
    labelWeight: node.kind === "image" ? 600 : 500,
    sublabel: node.kind === "image" && !compact ? truncate(nodeSubLabel(node), 30) : "",
    glyph: node.kind === "container" ? STATE_GLYPHS[node.state] : null,
    glyphColor: node.kind === "container" ? STATE_COLORS[node.state] : "none",
    unpullable: isUnpullableImage(node),
  };
}

/** Both ends on the blocking path (or the selection), at least one of them highlighted. */
export function isHighlightedEdge(entry: PositionedEdge, state: GraphViewState): boolean {
  const ends = [entry.edge.source, entry.edge.target];
  return ends.every((id) => state.highlighted.has(id) || id === state.selectedId) && ends.some((id) => state.highlighted.has(id));
}

export interface EdgeLook {
  stroke: string;
  width: number;
  dash: number[] | null;
  opacity: number;
  highlighted: boolean;
}

export function edgeLook(entry: PositionedEdge, state: GraphViewState): EdgeLook {
  const highlighted = isHighlightedEdge(entry, state);
  const childOf = entry.edge.kind === "child-of";
  return {
    stroke: highlighted ? "var(--node-highlight)" : childOf ? "var(--graph-edge-child)" : "var(--graph-edge)",
    width: highlighted ? 2.5 : childOf ? 1.8 : 1.2,
    dash: childOf ? null : [4, 3],
    opacity: state.matching && !state.matching.has(entry.edge.source) && !state.matching.has(entry.edge.target) ? DIMMED_EDGE_OPACITY : 1,
    highlighted,
  };
}

/** The transform that shows the whole layout in a viewport of this size. */
export function fitTransform(layout: GraphLayout, width: number, height: number): { x: number; y: number; k: number } {
  const k = Math.max(
    SCALE_EXTENT[0],
    Math.min(MAX_FIT_SCALE, (width - FIT_PADDING * 2) / Math.max(1, layout.width), (height - FIT_PADDING * 2) / Math.max(1, layout.height)),
  );
  return { x: (width - layout.width * k) / 2 - layout.left * k, y: Math.max(FIT_PADDING, (height - layout.height * k) / 2) - layout.top * k, k };
}
