import { select } from "d3-selection";
import { zoom, zoomIdentity, type ZoomBehavior } from "d3-zoom";
import "d3-transition";
import type { NodeId } from "@/lib/graph/types";
import type { GraphLayout, PositionedEdge, PositionedNode } from "@/components/graph/layout";
import { nodeDescription, nodeLabel, nodeSubLabel, STATE_COLORS } from "@/components/graph/node-style";

/*
 * The d3 side of the graph, framework-free: React owns the data and the selection, d3 owns the DOM of the
 * SVG and the zoom transform. Wired into React by one effect (graph-view.tsx) through update()/destroy().
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

function isCompact(entry: PositionedNode): boolean {
  return entry.node.kind === "image" && !entry.node.missing && entry.node.intermediate;
}

function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export function createGraphRenderer(svgElement: SVGSVGElement, options: GraphRendererOptions): GraphRenderer {
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
  const edgeLayer = viewport.append("g").attr("class", "edges");
  const nodeLayer = viewport.append("g").attr("class", "nodes");
  let currentLayout: GraphLayout | null = null;
  // Until the user pans or zooms, the view keeps the whole graph in sight (also when the window resizes).
  let userMoved = false;

  const zoomBehavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 3])
    .on("zoom", (event: { transform: { toString(): string }; sourceEvent: unknown }) => {
      if (event.sourceEvent) userMoved = true;
      viewport.attr("transform", event.transform.toString());
    });
  svg.call(zoomBehavior).on("dblclick.zoom", null);
  svg.on("click", (event: MouseEvent) => {
    if (event.target === svgElement) options.onSelect(null);
  });

  function drawEdges(edges: PositionedEdge[], state: GraphViewState): void {
    edgeLayer
      .selectAll<SVGPathElement, PositionedEdge>("path")
      .data(edges, (entry) => `${entry.edge.source}>${entry.edge.target}`)
      .join("path")
      .attr("d", (entry) => {
        const midY = (entry.y1 + entry.y2) / 2;
        return `M ${entry.x1} ${entry.y1} C ${entry.x1} ${midY}, ${entry.x2} ${midY}, ${entry.x2} ${entry.y2}`;
      })
      .attr("data-edge-kind", (entry) => entry.edge.kind)
      .attr("fill", "none")
      .attr("stroke", (entry) =>
        isHighlightedEdge(entry, state) ? "var(--node-highlight)" : entry.edge.kind === "child-of" ? "var(--graph-edge-child)" : "var(--graph-edge)",
      )
      .attr("stroke-width", (entry) => (isHighlightedEdge(entry, state) ? 2.5 : entry.edge.kind === "child-of" ? 1.8 : 1.2))
      .attr("stroke-dasharray", (entry) => (entry.edge.kind === "uses" ? "4 3" : null))
      .attr("opacity", (entry) => (state.matching && !state.matching.has(entry.edge.source) && !state.matching.has(entry.edge.target) ? 0.15 : 1))
      .attr("marker-end", (entry) =>
        isHighlightedEdge(entry, state) ? "url(#arrow-highlight)" : entry.edge.kind === "child-of" ? "url(#arrow-child)" : "url(#arrow-uses)",
      );
  }

  function isHighlightedEdge(entry: PositionedEdge, state: GraphViewState): boolean {
    const ends = [entry.edge.source, entry.edge.target];
    return ends.every((id) => state.highlighted.has(id) || id === state.selectedId) && ends.some((id) => state.highlighted.has(id));
  }

  function drawNodes(nodes: PositionedNode[], state: GraphViewState): void {
    const groups = nodeLayer
      .selectAll<SVGGElement, PositionedNode>("g.node")
      .data(nodes, (entry) => entry.id)
      .join((enter) => {
        const group = enter.append("g").attr("class", "node").attr("role", "img").style("cursor", "pointer");
        group.append("rect").attr("class", "shape");
        group.append("circle").attr("class", "state-dot");
        group.append("text").attr("class", "label");
        group.append("text").attr("class", "sublabel");
        group.on("click", (event: MouseEvent, entry) => {
          event.stopPropagation();
          options.onSelect(entry.id);
        });
        return group;
      });

    groups
      .attr("data-node-id", (entry) => entry.id)
      .attr("data-kind", (entry) => entry.node.kind)
      .attr("data-state", (entry) =>
        entry.node.kind === "container"
          ? entry.node.state
          : entry.node.missing
            ? "missing"
            : entry.node.intermediate
              ? "intermediate"
              : entry.node.dangling
                ? "dangling"
                : "tagged",
      )
      .attr("aria-label", (entry) => nodeDescription(entry.node))
      .attr("transform", (entry) => `translate(${entry.x - entry.width / 2},${entry.y - entry.height / 2})`)
      .attr("opacity", (entry) => (state.matching && !state.matching.has(entry.id) ? 0.2 : 1));

    groups
      .select<SVGRectElement>("rect.shape")
      .attr("width", (entry) => entry.width)
      .attr("height", (entry) => entry.height)
      .attr("rx", (entry) => (entry.node.kind === "container" ? entry.height / 2 : 6))
      .attr("fill", (entry) => {
        const node = entry.node;
        if (node.kind === "container") return "var(--node-container-fill)";
        if (node.missing) return "var(--node-missing-fill)";
        return node.dangling ? "var(--node-dangling-fill)" : "var(--node-image-fill)";
      })
      .attr("stroke", (entry) => {
        const node = entry.node;
        if (entry.id === state.selectedId) return "var(--node-selected)";
        if (state.highlighted.has(entry.id)) return "var(--node-highlight)";
        if (node.kind === "container") return STATE_COLORS[node.state];
        if (node.missing) return "var(--node-missing-stroke)";
        return node.dangling ? "var(--node-dangling-stroke)" : "var(--node-image-stroke)";
      })
      .attr("stroke-width", (entry) => (entry.id === state.selectedId ? 3 : state.highlighted.has(entry.id) ? 2.5 : 1.5))
      .attr("stroke-dasharray", (entry) => (entry.node.kind === "image" && entry.node.missing ? "5 4" : null));

    groups
      .select<SVGCircleElement>("circle.state-dot")
      .attr("cx", 12)
      .attr("cy", (entry) => entry.height / 2)
      .attr("r", (entry) => (entry.node.kind === "container" ? 5 : 0))
      .attr("fill", (entry) => (entry.node.kind === "container" ? STATE_COLORS[entry.node.state] : "none"));

    groups
      .select<SVGTextElement>("text.label")
      .attr("x", (entry) => (entry.node.kind === "container" ? 24 : 10))
      .attr("y", (entry) => (entry.node.kind === "container" || isCompact(entry) ? entry.height / 2 + 4 : 14))
      .attr("font-size", (entry) => (isCompact(entry) ? 10 : 11.5))
      .attr("font-weight", (entry) => (entry.node.kind === "image" ? 600 : 500))
      .attr("fill", "var(--graph-text)")
      .text((entry) => truncate(nodeLabel(entry.node), entry.node.kind === "container" ? 19 : isCompact(entry) ? 18 : 24));

    groups
      .select<SVGTextElement>("text.sublabel")
      .attr("x", 10)
      .attr("y", 27)
      .attr("font-size", 9.5)
      .attr("fill", "var(--graph-subtext)")
      .text((entry) => (entry.node.kind === "image" && !isCompact(entry) ? truncate(nodeSubLabel(entry.node), 30) : ""));

    nodeLayer.selectAll<SVGGElement, PositionedNode>("g.node").filter((entry) => entry.id === state.selectedId).raise();
  }

  const resizeObserver = new ResizeObserver(() => {
    if (!userMoved) fit(false);
  });
  resizeObserver.observe(svgElement);

  function fit(animate = true): void {
    if (!currentLayout || currentLayout.nodes.length === 0) return;
    const width = svgElement.clientWidth;
    const height = svgElement.clientHeight;
    if (width === 0 || height === 0) return;
    const padding = 40;
    const scale = Math.min(1.2, (width - padding * 2) / Math.max(1, currentLayout.width), (height - padding * 2) / Math.max(1, currentLayout.height));
    const x = (width - currentLayout.width * scale) / 2;
    const y = Math.max(padding, (height - currentLayout.height * scale) / 2);
    const target = zoomIdentity.translate(x, y).scale(scale);
    if (animate) svg.transition().duration(300).call(zoomBehavior.transform, target);
    else svg.call(zoomBehavior.transform, target);
  }

  return {
    update(layout, state) {
      currentLayout = layout;
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
      const scale = 1;
      userMoved = true;
      svg
        .transition()
        .duration(300)
        .call(zoomBehavior.transform, zoomIdentity.translate(width / 2 - entry.x * scale, height / 2 - entry.y * scale).scale(scale));
    },
    destroy() {
      resizeObserver.disconnect();
      svg.on(".zoom", null).on("click", null);
      svg.selectAll("*").remove();
    },
  };
}

