import { select } from "d3-selection";
import { zoom, zoomIdentity, zoomTransform, type D3ZoomEvent, type ZoomBehavior } from "d3-zoom";
import "d3-transition";
import type { GraphLayout, LayoutFrame, PositionedEdge, PositionedNode } from "@/components/graph/layout";
import { imageCondition, isUnpullableImage, isUnusedImage, nodeDescription } from "@/components/graph/node-style";
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
 * The SVG renderer, for graphs small enough to stay smooth as DOM (see graph-view.tsx for the threshold):
 * every node is an element with its id, kind, state and accessible name, which tests and assistive
 * technology can read. Framework-free: React owns the data and the selection, d3 owns the DOM of the SVG and
 * the zoom transform.
 */

export function createSvgRenderer(svgElement: SVGSVGElement, options: GraphRendererOptions): GraphRenderer {
  const svg = select(svgElement);
  svg.selectAll("*").remove();
  svg.classed("graph-canvas", true).style("background", "var(--graph-bg)");

  const defs = svg.append("defs");
  for (const [id, color] of [
    ["arrow-uses", "var(--graph-edge)"],
    ["arrow-child", "var(--graph-edge-child)"],
    ["arrow-highlight", "var(--node-highlight)"],
  ] as const) {
    defs
      .append("marker")
      .attr("id", id)
      .attr("viewBox", "0 0 10 10")
      .attr("refX", 9)
      .attr("refY", 5)
      .attr("markerWidth", 7)
      .attr("markerHeight", 7)
      .attr("orient", "auto-start-reverse")
      .append("path")
      .attr("d", "M 0 0 L 10 5 L 0 10 z")
      .attr("fill", color);
  }

  const viewport = svg.append("g").attr("class", "viewport");
  const frameLayer = viewport.append("g").attr("class", "frames");
  const edgeLayer = viewport.append("g").attr("class", "edges");
  const nodeLayer = viewport.append("g").attr("class", "nodes");
  let currentLayout: GraphLayout | null = null;
  // Until the user pans or zooms, the view keeps the whole graph in sight (also when the window resizes).
  let userMoved = false;

  const zoomBehavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent(SCALE_EXTENT)
    .on("zoom", (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      if (event.sourceEvent) userMoved = true;
      viewport.attr("transform", event.transform.toString());
    });
  svg.call(zoomBehavior).on("dblclick.zoom", null);
  svg.on("click", (event: MouseEvent) => {
    if (event.target === svgElement) options.onSelect(null);
  });

  function drawFrames(frames: LayoutFrame[]): void {
    const groups = frameLayer
      .selectAll<SVGGElement, LayoutFrame>("g.frame")
      .data(frames, (frame) => `${frame.label}@${frame.x},${frame.y}`)
      .join((enter) => {
        const group = enter.append("g").attr("class", "frame");
        group.append("rect").attr("rx", 10).attr("fill", "none").attr("stroke", "var(--graph-frame)").attr("stroke-dasharray", "6 4");
        group.append("text").attr("font-size", 10).attr("font-weight", 600).attr("fill", "var(--graph-subtext)");
        return group;
      })
      .attr("data-compose-frame", (frame) => frame.label);
    groups
      .select("rect")
      .attr("x", (frame) => frame.x)
      .attr("y", (frame) => frame.y)
      .attr("width", (frame) => frame.width)
      .attr("height", (frame) => frame.height);
    groups
      .select("text")
      .attr("x", (frame) => frame.x + 8)
      .attr("y", (frame) => frame.y + 12)
      .text((frame) => frame.label);
  }

  function drawEdges(edges: PositionedEdge[], state: GraphViewState): void {
    edgeLayer
      .selectAll<SVGPathElement, PositionedEdge>("path")
      .data(edges, (entry) => `${entry.edge.source}>${entry.edge.target}`)
      .join("path")
      .each(function (entry) {
        const look = edgeLook(entry, state);
        const midY = (entry.y1 + entry.y2) / 2;
        select(this)
          .attr("d", `M ${entry.x1} ${entry.y1} C ${entry.x1} ${midY}, ${entry.x2} ${midY}, ${entry.x2} ${entry.y2}`)
          .attr("data-edge-kind", entry.edge.kind)
          .attr("fill", "none")
          .attr("stroke", look.stroke)
          .attr("stroke-width", look.width)
          .attr("stroke-dasharray", look.dash ? look.dash.join(" ") : null)
          .attr("opacity", look.opacity)
          .attr("marker-end", look.highlighted ? "url(#arrow-highlight)" : entry.edge.kind === "child-of" ? "url(#arrow-child)" : "url(#arrow-uses)");
      });
  }

  function drawNodes(nodes: PositionedNode[], state: GraphViewState): void {
    const groups = nodeLayer
      .selectAll<SVGGElement, PositionedNode>("g.node")
      .data(nodes, (entry) => entry.id)
      .join((enter) => {
        const group = enter.append("g").attr("class", "node").attr("role", "img").style("cursor", "pointer");
        group.append("rect").attr("class", "shape");
        group.append("path").attr("class", "unpullable-mark");
        group.append("text").attr("class", "state-glyph");
        group.append("text").attr("class", "label");
        group.append("text").attr("class", "sublabel");
        group.on("click", (event: MouseEvent, entry) => {
          event.stopPropagation();
          options.onSelect(entry.id);
        });
        return group;
      });

    groups.each(function (entry) {
      const look = nodeLook(entry, state);
      const node = entry.node;
      const group = select(this)
        .attr("data-node-id", entry.id)
        .attr("data-kind", node.kind)
        .attr("data-state", node.kind === "container" ? node.state : imageCondition(node))
        .attr("data-unused", isUnusedImage(node) ? "true" : null)
        .attr("data-unpullable", isUnpullableImage(node) ? "true" : null)
        .attr("aria-label", nodeDescription(node))
        .attr("transform", `translate(${entry.x - entry.width / 2},${entry.y - entry.height / 2})`)
        .attr("opacity", look.opacity);
      group
        .select("rect.shape")
        .attr("width", entry.width)
        .attr("height", entry.height)
        .attr("rx", look.radius)
        .attr("fill", look.fill)
        .attr("stroke", look.stroke)
        .attr("stroke-width", look.strokeWidth)
        .attr("stroke-dasharray", look.dash ? look.dash.join(" ") : null);
      group
        .select("path.unpullable-mark")
        .attr("d", look.unpullable ? `M ${entry.width - 14} 0 L ${entry.width - look.radius / 2} 0 L ${entry.width} 14 Z` : null)
        .attr("fill", "var(--node-unpullable)");
      group
        .select("text.state-glyph")
        .attr("x", 7)
        .attr("y", entry.height / 2 + 4)
        .attr("font-size", 10)
        .attr("fill", look.glyphColor)
        .text(look.glyph ?? "");
      group
        .select("text.label")
        .attr("x", node.kind === "container" ? 22 : 10)
        .attr("y", node.kind === "container" || look.sublabel === "" ? entry.height / 2 + 4 : 14)
        .attr("font-size", look.labelSize)
        .attr("font-weight", look.labelWeight)
        .attr("fill", "var(--graph-text)")
        .text(look.label);
      group.select("text.sublabel").attr("x", 10).attr("y", 27).attr("font-size", 9.5).attr("fill", "var(--graph-subtext)").text(look.sublabel);
    });

    nodeLayer.selectAll<SVGGElement, PositionedNode>("g.node").filter((entry) => entry.id === state.selectedId).raise();
  }

  let size = { width: svgElement.clientWidth, height: svgElement.clientHeight };
  const resizeObserver = new ResizeObserver(() => {
    const next = { width: svgElement.clientWidth, height: svgElement.clientHeight };
    if (!userMoved) fit(false);
    // A side panel opening or closing keeps what was in the middle in the middle.
    else if (size.width > 0 && size.height > 0) svg.call(zoomBehavior.translateBy, (next.width - size.width) / 2 / zoomTransform(svgElement).k, (next.height - size.height) / 2 / zoomTransform(svgElement).k);
    size = next;
  });
  resizeObserver.observe(svgElement);

  function fit(animate = true): void {
    if (!currentLayout || currentLayout.nodes.length === 0) return;
    const width = svgElement.clientWidth;
    const height = svgElement.clientHeight;
    if (width === 0 || height === 0) return;
    const target = fitTransform(currentLayout, width, height);
    const next = zoomIdentity.translate(target.x, target.y).scale(target.k);
    if (animate) svg.transition().duration(300).call(zoomBehavior.transform, next);
    else svg.call(zoomBehavior.transform, next);
  }

  return {
    update(layout, state) {
      currentLayout = layout;
      drawFrames(layout.frames);
      drawEdges(layout.edges, state);
      drawNodes(layout.nodes, state);
      if (!userMoved) fit(false);
    },
    fit() {
      userMoved = false;
      fit();
    },
    focus(id) {
      const entry = currentLayout?.nodes.find((candidate) => candidate.id === id);
      if (!entry) return;
      const width = svgElement.clientWidth;
      const height = svgElement.clientHeight;
      userMoved = true;
      // No animation: the side panel that a selection opens resizes the graph at once, which would cut it short.
      svg.call(zoomBehavior.transform, zoomIdentity.translate(width / 2 - entry.x, height / 2 - entry.y));
    },
    destroy() {
      resizeObserver.disconnect();
      svg.interrupt().on(".zoom", null).on("click", null);
      svg.selectAll("*").remove();
    },
  };
}
