import { useSyncExternalStore, type CSSProperties } from "react";
import type { ContainerState } from "@/lib/docker/types";
import { STATE_COLORS, STATE_GLYPHS, STATE_LABELS } from "@/components/graph/node-style";

/* The key to the graph, drawn with the graph's own colour variables so that both themes match what is drawn. */

const CONTAINER_STATES: { state: ContainerState; note: string }[] = [
  { state: "running", note: "running (or restarting ↻)" },
  { state: "paused", note: "paused" },
  { state: "created", note: "created, never started" },
  { state: "exited", note: "stopped" },
  { state: "dead", note: "dead (removal failed)" },
];

const IMAGE_ENTRIES: { label: string; title: string; style: CSSProperties; unpullable?: boolean }[] = [
  { label: "image", title: "Tagged image, used by a container or a child image", style: { background: "var(--node-image-fill)", borderColor: "var(--node-image-stroke)" } },
  {
    label: "unused",
    title: "No container and no child image uses it (hollow)",
    style: { background: "var(--graph-bg)", borderColor: "var(--node-image-stroke)" },
  },
  { label: "dangling", title: "No tag: <none>:<none>", style: { background: "var(--node-dangling-fill)", borderColor: "var(--node-dangling-stroke)" } },
  {
    label: "no digest",
    title: "Built or committed here, no registry digest: once removed it cannot be pulled back",
    style: { background: "var(--node-image-fill)", borderColor: "var(--node-image-stroke)" },
    unpullable: true,
  },
  {
    label: "missing",
    title: "Image force-removed while containers still use it",
    style: { background: "var(--node-missing-fill)", borderColor: "var(--node-missing-stroke)", borderStyle: "dashed" },
  },
];

export function Legend() {
  return (
    <div
      data-testid="graph-legend"
      className="pointer-events-none flex max-w-[46rem] flex-wrap items-center gap-x-3 gap-y-1 rounded-md bg-white/90 px-3 py-2 text-[11px] text-slate-600 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900/90 dark:text-slate-300 dark:ring-slate-700"
    >
      {IMAGE_ENTRIES.map((entry) => (
        <span key={entry.label} className="flex items-center gap-1" title={entry.title} data-legend={entry.label}>
          <span className="relative inline-block h-3 w-4 overflow-hidden rounded-sm border-[1.5px]" style={entry.style}>
            {entry.unpullable ? (
              <span className="absolute right-0 top-0 h-0 w-0 border-l-[7px] border-t-[7px] border-l-transparent" style={{ borderTopColor: "var(--node-unpullable)" }} />
            ) : null}
          </span>
          {entry.label}
        </span>
      ))}
      {CONTAINER_STATES.map(({ state, note }) => (
        <span key={state} className="flex items-center gap-1" title={`Container ${note}`} data-legend={STATE_LABELS[state]}>
          <span
            className="inline-flex h-3 w-5 items-center rounded-full border-[1.5px] pl-0.5 text-[7px] leading-none"
            style={{
              borderColor: STATE_COLORS[state],
              color: STATE_COLORS[state],
              background: state === "dead" ? "var(--node-dead-fill)" : "var(--node-container-fill)",
              borderStyle: state === "created" ? "dashed" : "solid",
            }}
          >
            {STATE_GLYPHS[state]}
          </span>
          {STATE_LABELS[state]}
        </span>
      ))}
      <span className="flex items-center gap-1" title="Containers of one Compose project under an image">
        <span className="inline-block h-3 w-5 rounded border border-dashed" style={{ borderColor: "var(--graph-frame)" }} /> Compose project
      </span>
      <span className="flex items-center gap-1" title="Image built on a parent image">
        <span className="inline-block w-5 border-t-2" style={{ borderColor: "var(--graph-edge-child)" }} /> child of
      </span>
      <span className="flex items-center gap-1" title="Container created from an image">
        <span className="inline-block w-5 border-t-2 border-dashed" style={{ borderColor: "var(--graph-edge)" }} /> uses
      </span>
    </div>
  );
}

const LEGEND_KEY = "dockgraph-legend";
const legendListeners = new Set<() => void>();

function legendHidden(): boolean {
  try {
    return localStorage.getItem(LEGEND_KEY) === "hidden";
  } catch {
    return false;
  }
}

function subscribeLegend(onChange: () => void): () => void {
  legendListeners.add(onChange);
  return () => legendListeners.delete(onChange);
}

/** The legend with a toggle to fold it away (it covers a corner of the graph), remembered across visits. */
export function CollapsibleLegend() {
  const hidden = useSyncExternalStore(subscribeLegend, legendHidden, () => false);
  const toggle = () => {
    try {
      localStorage.setItem(LEGEND_KEY, hidden ? "shown" : "hidden");
    } catch {
      // Storage may be disabled: the choice then lasts as long as the page.
    }
    legendListeners.forEach((listener) => listener());
  };
  return (
    <div className="flex items-end gap-1.5">
      <button
        type="button"
        onClick={toggle}
        aria-expanded={!hidden}
        data-testid="legend-toggle"
        className="rounded-md bg-white/90 px-2 py-1 text-[11px] text-slate-600 shadow-sm ring-1 ring-slate-200 hover:bg-slate-100 dark:bg-slate-900/90 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800"
      >
        {hidden ? "Legend" : "Hide"}
      </button>
      {hidden ? null : <Legend />}
    </div>
  );
}
