"use client";

import type { PruneScope } from "@/lib/cleanup/plan-types";

const SCOPES: { scope: PruneScope; label: string; title: string }[] = [
  { scope: "dangling-images", label: "Dangling images", title: "Prune dangling images (docker image prune)" },
  { scope: "unused-images", label: "Unused images", title: "Prune unused images (docker image prune -a)" },
  { scope: "stopped-containers", label: "Stopped containers", title: "Prune stopped containers (docker container prune)" },
];

/** The three prune scopes, each opening a previewable plan. */
export function PruneToolbar({ onPrune }: { onPrune: (scope: PruneScope, title: string) => void }) {
  return (
    <div className="flex items-center gap-1" role="group" aria-label="Prune">
      <span className="text-xs text-slate-500">Prune:</span>
      {SCOPES.map(({ scope, label, title }) => (
        <button
          key={scope}
          type="button"
          title={title}
          onClick={() => onPrune(scope, title)}
          className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {label}
        </button>
      ))}
    </div>
  );
}
