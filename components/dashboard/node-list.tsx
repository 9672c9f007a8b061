"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { GraphNode, NodeId } from "@/lib/graph/types";
import { nodeDescription, nodeLabel, nodeSubLabel, STATE_COLORS } from "@/components/graph/node-style";

interface NodeListProps {
  nodes: GraphNode[];
  selectedId: NodeId | null;
  onSelect: (id: NodeId) => void;
}

/** Every row (group title or entry) is this tall, so that a row's place is its index times this. */
const ROW_HEIGHT = 28;
// Up to this many rows everything is in the DOM; beyond, only the rows in view (a host of thousands of objects
// would otherwise spend half a second building list entries nobody sees).
const WINDOWED_FROM = 300;
const OVERSCAN_ROWS = 12;

type Row = { kind: "title"; title: string; count: number } | { kind: "entry"; node: GraphNode; position: number };

const GROUPS: { title: string; holds: (node: GraphNode) => boolean }[] = [
  { title: "Images", holds: (node) => node.kind === "image" && (node.missing || !node.intermediate) },
  { title: "Containers", holds: (node) => node.kind === "container" },
  { title: "Build-step images", holds: (node) => node.kind === "image" && !node.missing && node.intermediate },
];

/** The nodes in the order the list shows them (images, containers, build steps): the order j/k walk. */
export function listOrder(nodes: readonly GraphNode[]): GraphNode[] {
  return GROUPS.flatMap((group) => nodes.filter(group.holds));
}

function listRows(nodes: readonly GraphNode[]): Row[] {
  const rows: Row[] = [];
  let position = 0;
  for (const group of GROUPS) {
    const members = nodes.filter(group.holds);
    rows.push({ kind: "title", title: group.title, count: members.length });
    for (const node of members) rows.push({ kind: "entry", node, position: ++position });
  }
  return rows;
}

/** The short right-hand detail of an entry: state for containers, short ID for images, "gone" for missing ones. */
function listDetail(node: GraphNode): string {
  if (node.kind === "image" && node.missing) return "gone";
  return nodeSubLabel(node).split(" · ")[0] ?? "";
}

function entryColor(node: GraphNode): string {
  if (node.kind === "container") return STATE_COLORS[node.state];
  return node.missing ? "#9ca3af" : node.dangling ? "#d97706" : "#6366f1";
}

/** The accessible twin of the graph: every node as a focusable list entry, in groups. */
export function NodeList({ nodes, selectedId, onSelect }: NodeListProps) {
  const rows = useMemo(() => listRows(nodes), [nodes]);
  const entryCount = rows.length - GROUPS.length;
  const windowed = rows.length > WINDOWED_FROM;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 0 });

  useEffect(() => {
    const element = scrollRef.current;
    if (!element || !windowed) return;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight });
    element.addEventListener("scroll", measure, { passive: true });
    // Also fires once at once, with the first size.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      element.removeEventListener("scroll", measure);
      observer.disconnect();
    };
  }, [windowed]);

  // Keep the selection in view, however it was made (graph click, search, keyboard).
  useEffect(() => {
    const element = scrollRef.current;
    if (!element || selectedId === null) return;
    const index = rows.findIndex((row) => row.kind === "entry" && row.node.id === selectedId);
    if (index === -1) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [selectedId, rows]);

  const first = windowed ? Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN_ROWS) : 0;
  const last = windowed ? Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN_ROWS) : rows.length;

  return (
    <nav aria-label="Images and containers" className="h-full text-slate-800 dark:text-slate-200">
      <div ref={scrollRef} className="h-full overflow-y-auto" data-testid="node-list" data-windowed={windowed}>
        <div role="listbox" aria-label="Images and containers" className="relative px-1" style={{ height: rows.length * ROW_HEIGHT }}>
          {rows.slice(first, last).map((row, offset) => {
            const style = { top: (first + offset) * ROW_HEIGHT, height: ROW_HEIGHT };
            if (row.kind === "title") {
              return (
                <div
                  key={`title-${row.title}`}
                  role="presentation"
                  style={style}
                  className="absolute inset-x-1 flex items-end px-2 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500"
                >
                  {row.title} ({row.count})
                </div>
              );
            }
            const { node } = row;
            const selected = node.id === selectedId;
            return (
              <div key={node.id} role="option" aria-selected={selected} aria-posinset={row.position} aria-setsize={entryCount} style={style} className="absolute inset-x-1">
                <button
                  type="button"
                  data-list-node-id={node.id}
                  aria-label={nodeDescription(node)}
                  onClick={() => onSelect(node.id)}
                  className={`flex h-full w-full items-center gap-2 rounded px-2 text-left text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-800 ${
                    selected ? "bg-indigo-50 dark:bg-indigo-950" : ""
                  }`}
                >
                  <span className={`h-2.5 w-2.5 shrink-0 ${node.kind === "container" ? "rounded-full" : "rounded-sm"}`} style={{ background: entryColor(node) }} />
                  <span className="min-w-0 flex-1 truncate">{nodeLabel(node)}</span>
                  <span className="shrink-0 text-xs text-slate-500">{listDetail(node)}</span>
                </button>
              </div>
            );
          })}
        </div>
      </div>
    </nav>
  );
}
