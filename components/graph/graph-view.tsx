"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { NodeId } from "@/lib/graph/types";
import type { GraphLayout } from "@/components/graph/layout";
import { createCanvasRenderer } from "@/components/graph/canvas-renderer";
import type { GraphRenderer, GraphViewState, RendererKind } from "@/components/graph/renderer";
import { createSvgRenderer } from "@/components/graph/svg-renderer";
import "@/components/graph/graph-theme.css";

/**
 * Above this many drawn nodes the canvas renderer takes over. Measured with `npm run bench` (bench/graph-render.ts,
 * 1280×800, rAF frame times while panning and zooming): on an idle machine SVG keeps a p95 of 16.7 ms up to ~550
 * nodes, drops frames from ~740 (zoom p95 33 ms), 1,400 (50 ms), 1,900 (133 ms) and is unusable at 9,300 (480+ ms);
 * with other builds running it dropped frames from ~280–460. The canvas stays at 16.7 ms up to 9,300 nodes and
 * draws first sooner at every size. 400 keeps SVG (DOM-testable, an element per node) for hosts of a few hundred.
 */
export const CANVAS_THRESHOLD = 400;

interface GraphViewProps {
  layout: GraphLayout;
  selectedId: NodeId | null;
  highlighted: ReadonlySet<NodeId>;
  matching: ReadonlySet<NodeId> | null;
  onSelect: (id: NodeId | null) => void;
  /** Bumped by the parent to ask for a fit-to-view or a focus on the selection. */
  fitRequest: number;
  focusRequest: number;
}

/** `?renderer=svg` or `?renderer=canvas` forces one (benchmarks, tests, a user curious about the other). */
function forcedRenderer(): RendererKind | null {
  if (typeof window === "undefined") return null;
  const asked = new URLSearchParams(window.location.search).get("renderer");
  return asked === "svg" || asked === "canvas" ? asked : null;
}

/** The thin React shell around the d3 renderers: one effect creates the renderer, another feeds it. */
export function GraphView({ layout, selectedId, highlighted, matching, onSelect, fitRequest, focusRequest }: GraphViewProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<GraphRenderer | null>(null);
  const onSelectRef = useRef(onSelect);
  const [forced] = useState(forcedRenderer);
  const kind: RendererKind = forced ?? (layout.nodes.length > CANVAS_THRESHOLD ? "canvas" : "svg");

  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  const state: GraphViewState = useMemo(() => ({ selectedId, highlighted, matching }), [selectedId, highlighted, matching]);

  // Declared before the effect that feeds it: React runs effects in order, so a new renderer gets the current
  // layout in the same commit (a switch of renderer always comes with a new layout).
  useEffect(() => {
    const options = { onSelect: (id: NodeId | null) => onSelectRef.current(id) };
    const renderer =
      kind === "canvas" ? (canvasRef.current ? createCanvasRenderer(canvasRef.current, options) : null) : svgRef.current ? createSvgRenderer(svgRef.current, options) : null;
    if (!renderer) return;
    rendererRef.current = renderer;
    return () => {
      renderer.destroy();
      rendererRef.current = null;
    };
  }, [kind]);

  const [drawn, setDrawn] = useState(false);
  const firstDraw = useRef<"waiting" | "pending" | "done">("waiting");

  useEffect(() => {
    rendererRef.current?.update(layout, state);
    if (firstDraw.current !== "waiting" || layout.nodes.length === 0) return;
    firstDraw.current = "pending";
    // The second animation frame after the first non-empty update: the frame with the graph has been produced.
    // Benchmarks and tests wait for this mark (data-drawn, performance mark "graph-drawn").
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        firstDraw.current = "done";
        performance.mark("graph-drawn", { detail: { nodes: layout.nodes.length } });
        setDrawn(true);
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      if (firstDraw.current === "pending") firstDraw.current = "waiting";
    };
  }, [layout, state]);

  useEffect(() => {
    if (fitRequest > 0) rendererRef.current?.fit();
  }, [fitRequest]);

  useEffect(() => {
    if (focusRequest > 0 && selectedId) rendererRef.current?.focus(selectedId);
    // Only an explicit request moves the view, not every selection change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest]);

  return (
    <div className="h-full w-full" data-testid="graph" data-renderer={kind} data-drawn={drawn ? "true" : undefined}>
      {kind === "svg" ? (
        <svg ref={svgRef} className="h-full w-full touch-none select-none" aria-label="Dependency graph of images and containers" role="group" />
      ) : (
        <canvas ref={canvasRef} className="graph-bitmap block h-full w-full touch-none select-none" role="img" aria-label="Dependency graph of images and containers" />
      )}
    </div>
  );
}
