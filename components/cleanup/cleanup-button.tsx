"use client";

import type { GraphNode } from "@/lib/graph/types";
import { nodeLabel } from "@/components/graph/node-style";
import type { PlanRequest } from "@/components/cleanup/plan-dialog";

/** Starts the one-click safe cleanup of the selected node: a plan to preview, never a direct deletion. */
export function CleanupButton({ node, readOnly, onPlan }: { node: GraphNode; readOnly: boolean; onPlan: (request: PlanRequest) => void }) {
  if (readOnly) {
    return <p className="mt-4 text-xs text-slate-500">Read-only mode: cleanup is disabled on this server.</p>;
  }
  const label = nodeLabel(node);
  return (
    <button
      type="button"
      onClick={() => onPlan({ kind: "targets", targets: [node.id], title: `Remove ${label} safely` })}
      className="mt-4 w-full rounded-md bg-red-600 px-3 py-2 text-sm font-medium text-white hover:bg-red-700"
      data-testid="cleanup-button"
    >
      Clean up {node.kind === "container" ? "this container" : "this image"}…
    </button>
  );
}
