import { quadtree, type Quadtree } from "d3-quadtree";
import { select } from "d3-selection";
import "d3-transition";
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from "d3-zoom";
import type { NodeId } from "@/lib/graph/types";
import type { GraphLayout, LayoutFrame, PositionedEdge, PositionedNode } from "@/components/graph/layout";
import { clippedCubic, clippedLine, type ClipBox } from "@/components/graph/edge-clip";
import { nodeDescription, STATE_COLORS } from "@/components/graph/node-style";
import {
  foldLayout,
  IMAGES_MIN_SCALE,
  NODES_MIN_SCALE,
  semanticView,
  type ContainerBadge,
  type FoldedLayout,
  type GroupEdge,
  type RepositoryGroup,
} from "@/components/graph/semantic-zoom";
import {
  edgeLook,
  fitTransform,
  nodeLook,
  SCALE_EXTENT,
  type GraphRenderer,
  type GraphRendererOptions,
  type GraphViewState,
  type NodeLook,
} from "@/components/graph/renderer";

/*
 * The canvas renderer for big graphs: one <canvas>, d3-zoom for the transform, a quadtree for hit-testing,
 * and level of detail — only what is in the viewport is drawn, shapes are batched by colour, text only once
 * the zoom makes it readable, and a semantic zoom (semantic-zoom.ts) further out: containers folded into badges,
 * then repositories into one node each. Same looks as the SVG renderer (renderer.ts), colours from the CSS
 * variables, read again when the theme changes.
 */

/** Below this scale labels would be under ~5 px high: draw shapes only. */
const LABEL_MIN_SCALE = 0.45;
/** Below this scale nodes are a few pixels: plain batched rectangles, straight edges. */
const DETAIL_MIN_SCALE = NODES_MIN_SCALE;
/** Edges are cut this far (screen pixels) outside the viewport, so that no stroke's end shows at its border. */
const EDGE_MARGIN_PX = 8;
const FONT = "ui-sans-serif, system-ui, sans-serif";
/** Folded badges and groups get a label once they are this wide on screen. */
const FOLDED_LABEL_MIN_PX = 90;
const FOLDED_FONT_PX = 11;
/** An image with this many containers gets its counts written even when its badge is narrower than the text. */
const PILL_LABEL_MIN_CONTAINERS = 20;

export function createCanvasRenderer(canvas: HTMLCanvasElement, options: GraphRendererOptions): GraphRenderer {
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no 2d canvas context");
  const ctx = context;
  const canvasSelection = select(canvas);
  let layout: GraphLayout | null = null;
  let state: GraphViewState = { selectedId: null, highlighted: new Set(), matching: null };
  let index: Quadtree<PositionedNode> = quadtree<PositionedNode>();
  let maxHalfWidth = 0;
  let maxHalfHeight = 0;
  let transform: ZoomTransform = zoomIdentity;
  let folded: FoldedLayout | null = null;
  // Looks only change with the layout or the view state: not recomputed on every frame of a pan.
  let looks = new Map<PositionedNode, NodeLook>();
  /** The images that hold the selection or a highlighted node: their badge or group is emphasised when folded. */
  let emphasisedImages: { selected: Set<NodeId>; highlighted: Set<NodeId> } | null = null;
  let userMoved = false;
  let frame = 0;
  let cssWidth = 0;
  let cssHeight = 0;
  const colours = new Map<string, string>();

  function colour(value: string): string {
    if (!value.startsWith("var(")) return value;
    let resolved = colours.get(value);
    if (resolved === undefined) {
      resolved = getComputedStyle(canvas).getPropertyValue(value.slice(4, -1)).trim() || "#888";
      colours.set(value, resolved);
    }
    return resolved;
  }

  /** Matches the bitmap to the element's size in device pixels; false when nothing changed. */
  function sizeBitmap(): boolean {
    const ratio = window.devicePixelRatio || 1;
    cssWidth = canvas.clientWidth;
    cssHeight = canvas.clientHeight;
    const width = Math.max(1, Math.round(cssWidth * ratio));
    const height = Math.max(1, Math.round(cssHeight * ratio));
    // Assigning the size clears the bitmap, even to the same value.
    if (canvas.width === width && canvas.height === height) return false;
    canvas.width = width;
    canvas.height = height;
    return true;
  }

  function resize(): void {
    const [oldWidth, oldHeight] = [cssWidth, cssHeight];
    if (!sizeBitmap()) return;
    if (!userMoved) fit(false);
    else {
      // A side panel opening or closing keeps what was in the middle in the middle.
      if (oldWidth > 0 && oldHeight > 0) canvasSelection.call(zoomBehavior.translateBy, (cssWidth - oldWidth) / 2 / transform.k, (cssHeight - oldHeight) / 2 / transform.k);
      scheduleDraw();
    }
  }

  function scheduleDraw(): void {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  }

  function draw(): void {
    const ratio = canvas.width / Math.max(1, cssWidth);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = colour("var(--graph-bg)");
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    canvas.dataset.transform = `${transform.x.toFixed(1)} ${transform.y.toFixed(1)} ${transform.k.toFixed(4)}`;
    if (!layout) return;
    const k = transform.k;
    ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * transform.x, ratio * transform.y);
    // The viewport in layout coordinates, with a margin for strokes.
    const [left, top] = transform.invert([0, 0]);
    const [right, bottom] = transform.invert([cssWidth, cssHeight]);
    const visible = (x1: number, y1: number, x2: number, y2: number) => x2 >= left && x1 <= right && y2 >= top && y1 <= bottom;

    const view = k >= NODES_MIN_SCALE ? null : semanticView(foldedLayout(layout), k);
    canvas.dataset.zoomLevel = view?.level ?? "nodes";
    if (view === null) {
      drawFrames(layout.frames, visible, k);
      drawEdges(layout.edges, visible, { left, top, right, bottom }, k);
    } else if (view.level === "images") {
      drawEdges(view.edges, visible, { left, top, right, bottom }, k);
      drawBadges(view.badges, visible, k);
    } else {
      drawGroups(view.groups, view.groupEdges, visible, k);
    }
    const nodes = view === null ? layout.nodes : view.nodes;
    const shown = nodes.filter((entry) => visible(entry.x - entry.width / 2, entry.y - entry.height / 2, entry.x + entry.width / 2, entry.y + entry.height / 2));
    if (k < DETAIL_MIN_SCALE) drawNodesCoarse(shown);
    else drawNodesDetailed(shown, k >= LABEL_MIN_SCALE);
    canvas.dataset.drawnNodes = String(shown.length);
  }

  function foldedLayout(current: GraphLayout): FoldedLayout {
    if (folded?.layout !== current) folded = foldLayout(current);
    return folded;
  }

  function lookOf(entry: PositionedNode): NodeLook {
    let look = looks.get(entry);
    if (!look) {
      look = nodeLook(entry, state);
      looks.set(entry, look);
    }
    return look;
  }

  function emphasis(): { selected: Set<NodeId>; highlighted: Set<NodeId> } {
    if (emphasisedImages) return emphasisedImages;
    const imageOf = new Map<string, NodeId>();
    const selected = new Set<NodeId>();
    const highlighted = new Set<NodeId>();
    if (layout && (state.selectedId !== null || state.highlighted.size > 0)) {
      for (const entry of layout.nodes) if (entry.node.kind === "image") imageOf.set(entry.node.imageId, entry.id);
      for (const entry of layout.nodes) {
        const isSelected = entry.id === state.selectedId;
        if (!isSelected && !state.highlighted.has(entry.id)) continue;
        const image = entry.node.kind === "image" ? entry.id : imageOf.get(entry.node.imageId);
        if (image) (isSelected ? selected : highlighted).add(image);
      }
    }
    emphasisedImages = { selected, highlighted };
    return emphasisedImages;
  }

  /** Text at a fixed size on screen, inside a box of the layout. */
  function foldedLabel(text: string, x: number, y: number, width: number, k: number): void {
    ctx.fillStyle = colour("var(--graph-text)");
    ctx.font = `600 ${FOLDED_FONT_PX / k}px ${FONT}`;
    ctx.fillText(text, x + 6 / k, y + (FOLDED_FONT_PX + 5) / k, Math.max(1, width - 12 / k));
  }

  /** A label on its own background at the top of a box too narrow for it: the counts of a busy image. */
  function pillLabel(text: string, x: number, y: number, k: number): void {
    ctx.font = `600 ${FOLDED_FONT_PX / k}px ${FONT}`;
    const padding = 4 / k;
    const width = ctx.measureText(text).width + padding * 2;
    ctx.globalAlpha = 0.9;
    ctx.fillStyle = colour("var(--graph-bg)");
    ctx.fillRect(x, y, width, (FOLDED_FONT_PX + 6) / k);
    ctx.globalAlpha = 1;
    ctx.fillStyle = colour("var(--graph-text)");
    ctx.fillText(text, x + padding, y + (FOLDED_FONT_PX + 1) / k);
  }

  /** Adds a rectangle to the path of its look, so that each look is one draw call however many boxes share it. */
  function addTo(batches: Map<string, Path2D>, key: string, x: number, y: number, width: number, height: number): void {
    let path = batches.get(key);
    if (!path) {
      path = new Path2D();
      batches.set(key, path);
    }
    path.rect(x, y, width, height);
  }

  function fillBatches(batches: Map<string, Path2D>, alpha = 1): void {
    ctx.globalAlpha = alpha;
    for (const [fill, path] of batches) {
      ctx.fillStyle = colour(fill);
      ctx.fill(path);
    }
    ctx.globalAlpha = 1;
  }

  function strokeBatches(batches: Map<string, Path2D>, width: number): void {
    ctx.lineWidth = width;
    for (const [stroke, path] of batches) {
      ctx.strokeStyle = colour(stroke);
      ctx.stroke(path);
    }
  }

  function drawBadges(badges: ContainerBadge[], visible: (x1: number, y1: number, x2: number, y2: number) => boolean, k: number): void {
    const { selected, highlighted } = emphasis();
    const fills = new Map<string, Path2D>();
    const strokes = new Map<string, Path2D>();
    const labelled: ContainerBadge[] = [];
    const pills: ContainerBadge[] = [];
    for (const badge of badges) {
      if (!visible(badge.x, badge.y, badge.x + badge.width, badge.y + badge.height)) continue;
      const running = badge.active > 0;
      addTo(fills, running ? STATE_COLORS.running : STATE_COLORS.exited, badge.x, badge.y, badge.width, badge.height);
      const stroke = selected.has(badge.image) ? "var(--node-selected)" : highlighted.has(badge.image) ? "var(--node-highlight)" : running ? STATE_COLORS.running : null;
      if (stroke) addTo(strokes, stroke, badge.x, badge.y, badge.width, badge.height);
      if (badge.width * k >= FOLDED_LABEL_MIN_PX) labelled.push(badge);
      else if (badge.count >= PILL_LABEL_MIN_CONTAINERS) pills.push(badge);
    }
    fillBatches(fills, 0.35);
    strokeBatches(strokes, 2 / k);
    for (const badge of labelled) foldedLabel(badge.label, badge.x, badge.y, badge.width, k);
    for (const badge of pills) pillLabel(badge.label, badge.x, badge.y, k);
  }

  function drawGroups(groups: RepositoryGroup[], edges: GroupEdge[], visible: (x1: number, y1: number, x2: number, y2: number) => boolean, k: number): void {
    const path = new Path2D();
    for (const edge of edges) {
      if (!visible(Math.min(edge.x1, edge.x2), Math.min(edge.y1, edge.y2), Math.max(edge.x1, edge.x2), Math.max(edge.y1, edge.y2))) continue;
      path.moveTo(edge.x1, edge.y1);
      path.lineTo(edge.x2, edge.y2);
    }
    ctx.strokeStyle = colour("var(--graph-edge-child)");
    ctx.lineWidth = 1 / k;
    ctx.stroke(path);
    const { selected, highlighted } = emphasis();
    const maxBytes = Math.max(1, folded?.maxGroupBytes ?? 1);
    const fills = new Map<string, Path2D>();
    const thin = new Map<string, Path2D>();
    const thick = new Map<string, Path2D>();
    const labelled: RepositoryGroup[] = [];
    for (const group of groups) {
      if (!visible(group.x, group.y, group.x + group.width, group.y + group.height)) continue;
      addTo(fills, "var(--node-image-fill)", group.x, group.y, group.width, group.height);
      // Where the space is: a bar along the bottom, as long as the group's bytes against the largest group's.
      const bar = Math.min(group.height / 3, 6 / k);
      addTo(fills, "var(--graph-space)", group.x, group.y + group.height - bar, (group.width * group.bytes) / maxBytes, bar);
      // Where the blockers are: running containers outline the group in the running colour.
      const emphasised = group.images.some((image) => selected.has(image)) ? "var(--node-selected)" : group.images.some((image) => highlighted.has(image)) ? "var(--node-highlight)" : null;
      if (emphasised !== null || group.active > 0) addTo(thick, emphasised ?? STATE_COLORS.running, group.x, group.y, group.width, group.height);
      else addTo(thin, "var(--node-image-stroke)", group.x, group.y, group.width, group.height);
      if (group.width * k >= FOLDED_LABEL_MIN_PX) labelled.push(group);
    }
    fillBatches(fills);
    strokeBatches(thin, 1 / k);
    strokeBatches(thick, 2.5 / k);
    for (const group of labelled) foldedLabel(group.label, group.x, group.y, group.width, k);
  }

  function drawFrames(frames: LayoutFrame[], visible: (x1: number, y1: number, x2: number, y2: number) => boolean, k: number): void {
    ctx.lineWidth = 1 / Math.max(k, 0.5);
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = colour("var(--graph-frame)");
    for (const frameEntry of frames) {
      if (!visible(frameEntry.x, frameEntry.y, frameEntry.x + frameEntry.width, frameEntry.y + frameEntry.height)) continue;
      ctx.beginPath();
      ctx.roundRect(frameEntry.x, frameEntry.y, frameEntry.width, frameEntry.height, 10);
      ctx.stroke();
      if (k >= LABEL_MIN_SCALE) {
        ctx.fillStyle = colour("var(--graph-subtext)");
        ctx.font = `600 10px ${FONT}`;
        ctx.fillText(frameEntry.label, frameEntry.x + 8, frameEntry.y + 12);
      }
    }
    ctx.setLineDash([]);
  }

  function drawEdges(edges: PositionedEdge[], visible: (x1: number, y1: number, x2: number, y2: number) => boolean, area: ClipBox, k: number): void {
    // One path per look: thousands of strokes become a handful of draw calls.
    const batches = new Map<string, { look: ReturnType<typeof edgeLook>; path: Path2D }>();
    for (const entry of edges) {
      if (!visible(Math.min(entry.x1, entry.x2), Math.min(entry.y1, entry.y2), Math.max(entry.x1, entry.x2), Math.max(entry.y1, entry.y2))) continue;
      const look = edgeLook(entry, state);
      const key = `${look.stroke}|${look.width}|${look.opacity}|${look.dash ? 1 : 0}`;
      let batch = batches.get(key);
      if (!batch) {
        batch = { look, path: new Path2D() };
        batches.set(key, batch);
      }
      // Only the part in the viewport (and a little more): a long edge stroked whole costs far more.
      const margin = EDGE_MARGIN_PX / k;
      const box = { left: area.left - margin, top: area.top - margin, right: area.right + margin, bottom: area.bottom + margin };
      if (k < DETAIL_MIN_SCALE) {
        const line = clippedLine(entry, box);
        if (!line) continue;
        batch.path.moveTo(line.x1, line.y1);
        batch.path.lineTo(line.x2, line.y2);
      } else {
        const curve = clippedCubic(entry, box);
        if (!curve) continue;
        const [[sx, sy], [c1x, c1y], [c2x, c2y], [ex, ey]] = curve;
        batch.path.moveTo(sx, sy);
        batch.path.bezierCurveTo(c1x, c1y, c2x, c2y, ex, ey);
      }
    }
    // Highlighted edges last, on top.
    const ordered = [...batches.values()].sort((a, b) => Number(a.look.highlighted) - Number(b.look.highlighted));
    for (const { look, path } of ordered) {
      ctx.globalAlpha = look.opacity;
      ctx.strokeStyle = colour(look.stroke);
      // Keep hairlines visible when zoomed far out.
      ctx.lineWidth = Math.max(look.width, 0.8 / k);
      ctx.setLineDash(look.dash && k >= DETAIL_MIN_SCALE ? look.dash : []);
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }

  function drawNodesCoarse(shown: PositionedNode[]): void {
    const batches = new Map<string, Path2D>();
    const emphasised: PositionedNode[] = [];
    for (const entry of shown) {
      if (entry.id === state.selectedId || state.highlighted.has(entry.id)) {
        emphasised.push(entry);
        continue;
      }
      const look = lookOf(entry);
      // Far out, the outline colour says more than the fill (state, dangling, missing).
      const key = `${look.stroke}|${look.opacity}`;
      let path = batches.get(key);
      if (!path) {
        path = new Path2D();
        batches.set(key, path);
      }
      path.rect(entry.x - entry.width / 2, entry.y - entry.height / 2, entry.width, entry.height);
    }
    for (const [key, path] of batches) {
      const [fill, opacity] = key.split("|");
      ctx.globalAlpha = Number(opacity);
      ctx.fillStyle = colour(fill ?? "#888");
      ctx.fill(path);
    }
    ctx.globalAlpha = 1;
    drawNodesDetailed(emphasised, false);
  }

  function drawNodesDetailed(shown: PositionedNode[], labels: boolean): void {
    // The selection on top of everything else.
    const ordered = state.selectedId ? [...shown.filter((entry) => entry.id !== state.selectedId), ...shown.filter((entry) => entry.id === state.selectedId)] : shown;
    for (const entry of ordered) {
      const look = lookOf(entry);
      const x = entry.x - entry.width / 2;
      const y = entry.y - entry.height / 2;
      ctx.globalAlpha = look.opacity;
      ctx.beginPath();
      ctx.roundRect(x, y, entry.width, entry.height, look.radius);
      ctx.fillStyle = colour(look.fill);
      ctx.fill();
      ctx.lineWidth = look.strokeWidth;
      ctx.setLineDash(look.dash ?? []);
      ctx.strokeStyle = colour(look.stroke);
      ctx.stroke();
      ctx.setLineDash([]);
      if (look.unpullable) {
        ctx.beginPath();
        ctx.moveTo(x + entry.width - 14, y);
        ctx.lineTo(x + entry.width - look.radius / 2, y);
        ctx.lineTo(x + entry.width, y + 14);
        ctx.closePath();
        ctx.fillStyle = colour("var(--node-unpullable)");
        ctx.fill();
      }
      if (!labels) continue;
      ctx.textBaseline = "alphabetic";
      if (look.glyph) {
        ctx.fillStyle = colour(look.glyphColor);
        ctx.font = `10px ${FONT}`;
        ctx.fillText(look.glyph, x + 7, y + entry.height / 2 + 4);
      }
      ctx.fillStyle = colour("var(--graph-text)");
      ctx.font = `${look.labelWeight} ${look.labelSize}px ${FONT}`;
      const labelX = entry.node.kind === "container" ? x + 22 : x + 10;
      const labelY = entry.node.kind === "container" || look.sublabel === "" ? y + entry.height / 2 + 4 : y + 14;
      ctx.fillText(look.label, labelX, labelY);
      if (look.sublabel) {
        ctx.fillStyle = colour("var(--graph-subtext)");
        ctx.font = `9.5px ${FONT}`;
        ctx.fillText(look.sublabel, x + 10, y + 27);
      }
    }
    ctx.globalAlpha = 1;
  }

  /** Where a client point is in layout coordinates. */
  function layoutPoint(clientX: number, clientY: number): [number, number] {
    const bounds = canvas.getBoundingClientRect();
    return transform.invert([clientX - bounds.left, clientY - bounds.top]);
  }

  function nodeAt(x: number, y: number, accept: (entry: PositionedNode) => boolean): PositionedNode | null {
    let found: PositionedNode | null = null;
    index.visit((quad, x0, y0, x1, y1) => {
      if (!quad.length) {
        for (let leaf: typeof quad | undefined = quad; leaf; leaf = leaf.next) {
          const entry = leaf.data;
          if (Math.abs(entry.x - x) <= entry.width / 2 && Math.abs(entry.y - y) <= entry.height / 2 && accept(entry)) found = entry;
        }
      }
      // Skip quadrants whose nodes cannot reach the point.
      return found !== null || x0 > x + maxHalfWidth || x1 < x - maxHalfWidth || y0 > y + maxHalfHeight || y1 < y - maxHalfHeight;
    });
    return found;
  }

  type Hit = { kind: "node"; entry: PositionedNode } | { kind: "folded"; label: string; box: { x: number; y: number; width: number; height: number }; minScale: number };

  /** What is drawn under a client point at the current zoom: a node, or a badge or group that unfolds when clicked. */
  function hitAt(clientX: number, clientY: number): Hit | null {
    const [x, y] = layoutPoint(clientX, clientY);
    if (!layout) return null;
    const view = transform.k >= NODES_MIN_SCALE ? null : semanticView(foldedLayout(layout), transform.k);
    const inside = (box: { x: number; y: number; width: number; height: number }) => x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height;
    if (view === null || view.level === "images") {
      const entry = nodeAt(x, y, (candidate) => view === null || candidate.node.kind === "image");
      if (entry) return { kind: "node", entry };
    }
    if (view?.level === "images") {
      const badge = view.badges.find(inside);
      return badge ? { kind: "folded", label: badge.label, box: badge, minScale: NODES_MIN_SCALE } : null;
    }
    if (view?.level === "repositories") {
      const group = view.groups.find(inside);
      return group ? { kind: "folded", label: group.label, box: group, minScale: IMAGES_MIN_SCALE } : null;
    }
    return null;
  }

  /** Unfolds a badge or a group: zooms in on it, at least to the scale where what it holds is drawn. */
  function unfold(box: { x: number; y: number; width: number; height: number }, minScale: number): void {
    userMoved = true;
    const k = Math.min(1, Math.max(minScale * 1.1, Math.min((cssWidth * 0.8) / Math.max(1, box.width), (cssHeight * 0.8) / Math.max(1, box.height))));
    const next = zoomIdentity.translate(cssWidth / 2 - (box.x + box.width / 2) * k, cssHeight / 2 - (box.y + box.height / 2) * k).scale(k);
    canvasSelection.transition().duration(300).call(zoomBehavior.transform, next);
  }

  const zoomBehavior: ZoomBehavior<HTMLCanvasElement, unknown> = zoom<HTMLCanvasElement, unknown>()
    .scaleExtent(SCALE_EXTENT)
    .on("zoom", (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      if (event.sourceEvent) userMoved = true;
      transform = event.transform;
      scheduleDraw();
    });
  canvasSelection.call(zoomBehavior).on("dblclick.zoom", null);

  // d3-zoom swallows the click that ends a drag, so a click here is a real click.
  const onClick = (event: MouseEvent) => {
    const hit = hitAt(event.clientX, event.clientY);
    if (hit?.kind === "folded") unfold(hit.box, hit.minScale);
    else options.onSelect(hit?.entry.id ?? null);
  };
  let hovered = "";
  const onMove = (event: MouseEvent) => {
    if (event.buttons !== 0) return;
    const hit = hitAt(event.clientX, event.clientY);
    const title = hit === null ? "" : hit.kind === "node" ? nodeDescription(hit.entry.node) : `${hit.label} (click to zoom in)`;
    if (title === hovered) return;
    hovered = title;
    canvas.style.cursor = hit ? (hit.kind === "node" ? "pointer" : "zoom-in") : "";
    canvas.title = title;
  };
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("mousemove", onMove);

  // The theme toggle switches an attribute on <html>: read the colours again.
  const themeObserver = new MutationObserver(() => {
    colours.clear();
    scheduleDraw();
  });
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "class"] });
  const resizeObserver = new ResizeObserver(resize);
  resizeObserver.observe(canvas);
  // Sized now, so that the first frame is drawn at full size rather than cleared by the first resize.
  sizeBitmap();

  function fit(animate = true): void {
    if (!layout || layout.nodes.length === 0 || cssWidth === 0 || cssHeight === 0) return;
    const target = fitTransform(layout, cssWidth, cssHeight);
    const next = zoomIdentity.translate(target.x, target.y).scale(target.k);
    if (animate) canvasSelection.transition().duration(300).call(zoomBehavior.transform, next);
    else canvasSelection.call(zoomBehavior.transform, next);
  }

  return {
    update(nextLayout, nextState) {
      if (nextLayout !== layout) {
        layout = nextLayout;
        looks = new Map();
        emphasisedImages = null;
        index = quadtree<PositionedNode>()
          .x((entry) => entry.x)
          .y((entry) => entry.y)
          .addAll(nextLayout.nodes);
        maxHalfWidth = Math.max(0, ...nextLayout.nodes.map((entry) => entry.width / 2));
        maxHalfHeight = Math.max(0, ...nextLayout.nodes.map((entry) => entry.height / 2));
        canvas.setAttribute("aria-label", `Dependency graph of ${nextLayout.nodes.length} images and containers, drawn on a canvas; the list beside it has every node`);
      }
      if (nextState !== state) {
        looks = new Map();
        emphasisedImages = null;
      }
      state = nextState;
      if (!userMoved) fit(false);
      scheduleDraw();
    },
    fit() {
      userMoved = false;
      fit();
    },
    focus(id) {
      const entry = layout?.nodes.find((candidate) => candidate.id === id);
      if (!entry) return;
      userMoved = true;
      const k = Math.max(transform.k, 1);
      // No animation: the side panel that a selection opens resizes the canvas at once, which would cut it short.
      canvasSelection.call(zoomBehavior.transform, zoomIdentity.translate(cssWidth / 2 - entry.x * k, cssHeight / 2 - entry.y * k).scale(k));
    },
    destroy() {
      if (frame !== 0) cancelAnimationFrame(frame);
      themeObserver.disconnect();
      resizeObserver.disconnect();
      canvas.removeEventListener("click", onClick);
      canvas.removeEventListener("mousemove", onMove);
      canvasSelection.interrupt().on(".zoom", null);
    },
  };
}
