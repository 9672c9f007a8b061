"use client";

import type { GraphNode, NodeId } from "@/lib/graph/types";
import { nodeDescription, nodeLabel, nodeSubLabel, STATE_COLORS } from "@/components/graph/node-style";

interface NodeListProps {
  nodes: GraphNode[];
  selectedId: NodeId | null;
  onSelect: (id: NodeId) => void;
}

/** The short right-hand detail of an entry: state for containers, short ID for images, "gone" for missing ones. */
function listDetail(node: GraphNode): string {
  if (node.kind === "image" && node.missing) return "gone";
  return nodeSubLabel(node).split(" · ")[0] ?? "";
}

function Group({ title, nodes, selectedId, onSelect }: NodeListProps & { title: string }) {
  return (
    <div>
      <h3 className="sticky top-0 bg-white/95 px-3 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:bg-slate-900/95">
        {title} ({nodes.length})
      </h3>
      <ul className="px-1" role="listbox" aria-label={title}>
        {nodes.map((node) => (
          <li key={node.id} role="option" aria-selected={node.id === selectedId}>
            <button
              type="button"
              data-list-node-id={node.id}
              aria-label={nodeDescription(node)}
              onClick={() => onSelect(node.id)}
              className={`flex w-full items-center gap-2 rounded px-2 py-1 text-left text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-800 ${
                node.id === selectedId ? "bg-indigo-50 dark:bg-indigo-950" : ""
              }`}
            >
              <span
                className={`h-2.5 w-2.5 shrink-0 ${node.kind === "container" ? "rounded-full" : "rounded-sm"}`}
                style={{
                  background:
                    node.kind === "container" ? STATE_COLORS[node.state] : node.missing ? "#9ca3af" : node.dangling ? "#d97706" : "#6366f1",
                }}
              />
              <span className="min-w-0 flex-1 truncate">{nodeLabel(node)}</span>
              <span className="shrink-0 text-xs text-slate-500">{listDetail(node)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The accessible twin of the graph: every node as a focusable list entry. */
export function NodeList({ nodes, selectedId, onSelect }: NodeListProps) {
  const images = nodes.filter((node) => node.kind === "image" && (node.missing || !node.intermediate));
  const intermediate = nodes.filter((node) => node.kind === "image" && !node.missing && node.intermediate);
  const containers = nodes.filter((node) => node.kind === "container");
  return (
    <nav aria-label="Images and containers" className="text-slate-800 dark:text-slate-200">
      <Group title="Images" nodes={images} selectedId={selectedId} onSelect={onSelect} />
      <Group title="Containers" nodes={containers} selectedId={selectedId} onSelect={onSelect} />
      <Group title="Build-step images" nodes={intermediate} selectedId={selectedId} onSelect={onSelect} />
    </nav>
  );
}
