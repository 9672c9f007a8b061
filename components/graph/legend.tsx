import { STATE_COLORS } from "@/components/graph/node-style";

const CONTAINER_ENTRIES = [
  ["running", STATE_COLORS.running],
  ["paused", STATE_COLORS.paused],
  ["created", STATE_COLORS.created],
  ["stopped", STATE_COLORS.exited],
  ["dead", STATE_COLORS.dead],
] as const;

export function Legend() {
  return (
    <div className="pointer-events-none flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md bg-white/85 px-3 py-2 text-[11px] text-slate-600 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900/85 dark:text-slate-300 dark:ring-slate-700">
      <span className="flex items-center gap-1">
        <span className="inline-block h-3 w-4 rounded-sm border-[1.5px] border-indigo-500 bg-indigo-50 dark:bg-indigo-950" /> image
      </span>
      <span className="flex items-center gap-1">
        <span className="inline-block h-3 w-4 rounded-sm border-[1.5px] border-amber-600 bg-amber-50 dark:bg-amber-950" /> dangling
      </span>
      <span className="flex items-center gap-1">
        <span className="inline-block h-3 w-4 rounded-sm border-[1.5px] border-dashed border-gray-400" /> missing
      </span>
      {CONTAINER_ENTRIES.map(([label, color]) => (
        <span key={label} className="flex items-center gap-1">
          <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: color }} /> {label}
        </span>
      ))}
      <span className="flex items-center gap-1">
        <span className="inline-block w-5 border-t-2 border-indigo-500" /> child of
      </span>
      <span className="flex items-center gap-1">
        <span className="inline-block w-5 border-t-2 border-dashed border-slate-400" /> uses
      </span>
    </div>
  );
}
