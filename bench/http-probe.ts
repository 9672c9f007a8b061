import { performance } from "node:perf_hooks";
import { engineRequest } from "@/scripts/sandbox/engine-api";

/* Timed calls: to dockgraph over loopback HTTP, and to the daemon's socket (the raw reference of every ratio). */

export interface Timed {
  ms: number;
  status: number;
  bytes: number;
  etag: string | null;
  text: string;
}

export interface ServerClient {
  baseUrl: string;
  token: string;
}

export async function callServer(
  server: ServerClient,
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Timed> {
  const headers: Record<string, string> = { ...options.headers };
  if (method === "POST") {
    headers["x-dockgraph-token"] = server.token;
    headers["content-type"] = "application/json";
  }
  const started = performance.now();
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 300_000),
  });
  const text = await response.text();
  return { ms: performance.now() - started, status: response.status, bytes: text.length, etag: response.headers.get("etag"), text };
}

/** The two list calls /api/graph cannot avoid today, in parallel. */
export async function rawLists(socketPath: string): Promise<number> {
  const started = performance.now();
  await Promise.all([
    engineRequest(socketPath, "GET", "/images/json?all=1", { timeoutMs: 300_000 }),
    engineRequest(socketPath, "GET", "/containers/json?all=1", { timeoutMs: 300_000 }),
  ]);
  return performance.now() - started;
}

export async function rawContainerList(socketPath: string): Promise<number> {
  const started = performance.now();
  await engineRequest(socketPath, "GET", "/containers/json?all=1", { timeoutMs: 300_000 });
  return performance.now() - started;
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
