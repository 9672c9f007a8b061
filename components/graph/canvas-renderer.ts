import { quadtree, type Quadtree } from "d3-quadtree";
import { select } from "d3-selection";
import "d3-transition";
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from "d3-zoom";
import type { GraphLayout, LayoutFrame, PositionedNode } from "@/components/graph/layout";
import { nodeDescription } from "@/components/graph/node-style";
import {
  edgeLook,
  fitTransform,
  nodeLook,
  SCALE_EXTENT,
  type GraphRenderer,
  type GraphRendererOptions,
  type GraphViewState,
} from "@/components/graph/renderer";

/*
 * The canvas renderer for big graphs: one <canvas>, d3-zoom for the transform, a quadtree for hit-testing,
 * and level of detail — only what is in the viewport is drawn, shapes are batched by colour, text only once
 * the zoom makes it readable. Same looks as the SVG renderer (renderer.ts), colours from the CSS variables,
 * read again when the theme changes.
 */

/** Below this scale labels would be under ~5 px high: draw shapes only. */
const LABEL_MIN_SCALE = 0.45;
/** Below this scale nodes are a few pixels: plain batched rectangles, straight edges. */
const DETAIL_MIN_SCALE = 0.2;
const FONT = "ui-sans-serif, system-ui, sans-serif";

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

    drawFrames(layout.frames, visible, k);
    drawEdges(visible, k);
    const shown = layout.nodes.filter((entry) => visible(entry.x - entry.width / 2, entry.y - entry.height / 2, entry.x + entry.width / 2, entry.y + entry.height / 2));
    if (k < DETAIL_MIN_SCALE) drawNodesCoarse(shown);
    else drawNodesDetailed(shown, k >= LABEL_MIN_SCALE);
    canvas.dataset.drawnNodes = String(shown.length);
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

  function drawEdges(visible: (x1: number, y1: number, x2: number, y2: number) => boolean, k: number): void {
    if (!layout) return;
    // One path per look: thousands of strokes become a handful of draw calls.
    const batches = new Map<string, { look: ReturnType<typeof edgeLook>; path: Path2D }>();
    for (const entry of layout.edges) {
      if (!visible(Math.min(entry.x1, entry.x2), Math.min(entry.y1, entry.y2), Math.max(entry.x1, entry.x2), Math.max(entry.y1, entry.y2))) continue;
      const look = edgeLook(entry, state);
      const key = `${look.stroke}|${look.width}|${look.opacity}|${look.dash ? 1 : 0}`;
      let batch = batches.get(key);
      if (!batch) {
        batch = { look, path: new Path2D() };
        batches.set(key, batch);
      }
      batch.path.moveTo(entry.x1, entry.y1);
      if (k < DETAIL_MIN_SCALE) {
        batch.path.lineTo(entry.x2, entry.y2);
      } else {
        const midY = (entry.y1 + entry.y2) / 2;
        batch.path.bezierCurveTo(entry.x1, midY, entry.x2, midY, entry.x2, entry.y2);
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
      const look = nodeLook(entry, state);
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
      const look = nodeLook(entry, state);
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

  function nodeAt(clientX: number, clientY: number): PositionedNode | null {
    const bounds = canvas.getBoundingClientRect();
    const [x, y] = transform.invert([clientX - bounds.left, clientY - bounds.top]);
    let found: PositionedNode | null = null;
    index.visit((quad, x0, y0, x1, y1) => {
      if (!quad.length) {
        for (let leaf: typeof quad | undefined = quad; leaf; leaf = leaf.next) {
          const entry = leaf.data;
          if (Math.abs(entry.x - x) <= entry.width / 2 && Math.abs(entry.y - y) <= entry.height / 2) found = entry;
        }
      }
      // Skip quadrants whose nodes cannot reach the point.
      return found !== null || x0 > x + maxHalfWidth || x1 < x - maxHalfWidth || y0 > y + maxHalfHeight || y1 < y - maxHalfHeight;
    });
    return found;
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
  const onClick = (event: MouseEvent) => options.onSelect(nodeAt(event.clientX, event.clientY)?.id ?? null);
  let hovered: PositionedNode | null = null;
  const onMove = (event: MouseEvent) => {
    if (event.buttons !== 0) return;
    const entry = nodeAt(event.clientX, event.clientY);
    if (entry === hovered) return;
    hovered = entry;
    canvas.style.cursor = entry ? "pointer" : "";
    canvas.title = entry ? nodeDescription(entry.node) : "";
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
        index = quadtree<PositionedNode>()
          .x((entry) => entry.x)
          .y((entry) => entry.y)
          .addAll(nextLayout.nodes);
        maxHalfWidth = Math.max(0, ...nextLayout.nodes.map((entry) => entry.width / 2));
        maxHalfHeight = Math.max(0, ...nextLayout.nodes.map((entry) => entry.height / 2));
        canvas.setAttribute("aria-label", `Dependency graph of ${nextLayout.nodes.length} images and containers, drawn on a canvas; the list beside it has every node`);
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
