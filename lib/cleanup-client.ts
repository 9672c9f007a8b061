import type { Plan, PruneScope, RunSummary, StepResult } from "@/lib/cleanup/plan-types";
import type { BlockersAnswer } from "@/lib/cleanup/types";
import type { DiskSummary } from "@/lib/graph/disk-summary";
import { ApiError, fetchJson, type RequestOptions } from "@/lib/api-client";

/** Browser-side calls for explaining and cleaning up. The server's token goes only into changing requests. */

const TOKEN_HEADER = "x-dockgraph-token";

function changing(token: string, body: unknown, { signal }: RequestOptions = {}): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", [TOKEN_HEADER]: token }, body: JSON.stringify(body), signal };
}

async function apiErrorOf(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const error = (body as { error?: { code: string; message: string } } | null)?.error;
  return new ApiError(response.status, error ?? { code: "http_error", message: `The server answered ${response.status}.` });
}

/** The CLI's prune filters, as `--filter` takes them: "until=24h", "label=env=dev", "label!=keep". */
export interface PruneFilters {
  filter?: string[];
}

export type RunEvent = ({ type: "step" } & StepResult) | { type: "summary"; results: StepResult[]; summary: RunSummary } | { type: "error"; error: { code: string; message: string } };

export interface HostSizes {
  generatedAt: string;
  /** By image ID. */
  images: Record<string, { size: number; sharedSize: number; uniqueSize: number }>;
  /** Writable-layer bytes by container ID. */
  containers: Record<string, number>;
}

export const cleanupApi = {
  sizes: ({ signal }: RequestOptions = {}) => fetchJson<HostSizes>("/api/sizes", { signal }),
  disk: ({ signal }: RequestOptions = {}) => fetchJson<DiskSummary>("/api/disk", { signal }),
  blockers: (target: string, { signal }: RequestOptions = {}) => fetchJson<BlockersAnswer>(`/api/blockers?target=${encodeURIComponent(target)}`, { signal }),
  /** Planning changes nothing: a plan asked for again with other options cancels the one before. */
  plan: (token: string, targets: string[], stopRunning: boolean, options: RequestOptions = {}) =>
    fetchJson<Plan>("/api/plans", changing(token, { targets, stopRunning }, options)),
  prunePlan: (token: string, scope: PruneScope, filters: PruneFilters = {}, options: RequestOptions = {}) =>
    fetchJson<Plan>("/api/prune/plan", changing(token, { scope, ...filters }, options)),
  scriptUrl: (planId: string) => `/api/plans/${encodeURIComponent(planId)}/script`,

  /** The plan as the shell script the download gives, to show in place. */
  async script(planId: string, { signal }: RequestOptions = {}): Promise<string> {
    const response = await fetch(cleanupApi.scriptUrl(planId), { signal });
    if (!response.ok) throw await apiErrorOf(response);
    return response.text();
  },

  /** Runs a plan, calling `onEvent` for each NDJSON line as it arrives. */
  async execute(token: string, planId: string, onEvent: (event: RunEvent) => void): Promise<void> {
    const response = await fetch(`/api/plans/${encodeURIComponent(planId)}/execute`, { method: "POST", headers: { [TOKEN_HEADER]: token } });
    if (!response.ok || !response.body) throw await apiErrorOf(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline = buffer.indexOf("\n");
      while (newline !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) onEvent(JSON.parse(line) as RunEvent);
        newline = buffer.indexOf("\n");
      }
    }
  },
};
