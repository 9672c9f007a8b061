"use client";

import type { HealthAnswer } from "@/lib/api-client";
import { ApiError } from "@/lib/api-client";

interface DaemonStatusProps {
  health: HealthAnswer | undefined;
  error: unknown;
  live: boolean;
}

/** Which daemon the page is connected to, and whether changes arrive live. */
export function DaemonStatus({ health, error, live }: DaemonStatusProps) {
  if (error) {
    return (
      <span className="flex items-center gap-2 text-sm text-red-700 dark:text-red-400" data-testid="daemon-status" data-connected="false">
        <span className="h-2.5 w-2.5 rounded-full bg-red-500" /> daemon unreachable
      </span>
    );
  }
  if (!health) return <span className="text-sm text-slate-500" data-testid="daemon-status">connecting…</span>;
  const daemon = health.daemon;
  const engine = `Engine ${daemon.version} · API ${daemon.apiVersion} · ${daemon.storageDriver || "unknown driver"}${daemon.containerdImageStore ? " (containerd image store)" : ""}`;
  return (
    <span className="flex min-w-0 items-center gap-x-3 text-sm text-slate-600 dark:text-slate-300" data-testid="daemon-status" data-connected="true">
      <span className="flex shrink-0 items-center gap-1.5" title={live ? "Changes on the host appear as they happen" : "Live updates are reconnecting"}>
        <span className={`h-2.5 w-2.5 rounded-full ${live ? "bg-green-500" : "animate-pulse bg-amber-500"}`} />
        {live ? "live" : "reconnecting"}
      </span>
      <code className="min-w-0 truncate rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800" title={`${daemon.host} · ${engine}`}>
        {daemon.host}
        {daemon.context ? ` (context ${daemon.context})` : ""}
      </code>
      <span className="hidden shrink-0 xl:inline">{engine}</span>
    </span>
  );
}

/** The full-page explanation when the daemon cannot be reached: what was tried and what to do. */
export function DaemonUnreachable({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const apiError = error instanceof ApiError ? error : null;
  const host = typeof apiError?.details?.host === "string" ? apiError.details.host : null;
  return (
    <div role="alert" data-testid="daemon-unreachable" className="mx-auto mt-16 max-w-2xl rounded-lg border border-red-200 bg-white p-6 shadow-sm dark:border-red-900 dark:bg-slate-900">
      <h2 className="text-lg font-semibold text-red-700 dark:text-red-400">Cannot reach the Docker daemon</h2>
      <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{apiError?.message ?? String(error)}</p>
      {host ? (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          dockgraph tried <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">{host}</code>.
        </p>
      ) : null}
      <ul className="mt-3 list-disc pl-5 text-sm text-slate-600 dark:text-slate-400">
        <li>Start Docker (e.g. <code>systemctl start docker</code>), or</li>
        <li>
          restart dockgraph with <code>DOCKER_HOST</code> pointing at your daemon (<code>unix:///var/run/docker.sock</code>,{" "}
          <code>tcp://host:2376</code>) or <code>DOCKER_CONTEXT</code> naming a Docker CLI context (rootless Docker, Docker Desktop).
        </li>
      </ul>
      <button type="button" onClick={onRetry} className="mt-4 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900">
        Try again
      </button>
    </div>
  );
}

/** Shown above a graph that can no longer be refreshed: the last known state is not the host's state. */
export function StaleGraphNotice({ readAt }: { readAt: number }) {
  const time = new Date(readAt).toLocaleTimeString();
  return (
    <p role="status" data-testid="stale-graph" className="border-b border-red-200 bg-red-50 px-4 py-1.5 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
      The Docker daemon cannot be reached: the graph shows the host as it was at {time} and may be out of date. It refreshes by itself when
      the daemon is back.
    </p>
  );
}
