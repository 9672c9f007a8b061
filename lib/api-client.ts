import type { EngineInfo } from "@/lib/docker/types";
import type { GraphDeltaEvent, GraphPayload } from "@/lib/graph/types";

/** Browser-side access to the dockgraph HTTP API: typed answers, and the server's JSON errors as ApiError. */

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }
}

function isErrorBody(value: unknown): value is { error: ApiErrorBody } {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

/** What every read takes: TanStack Query's abort signal, so that a superseded request is cancelled in the browser. */
export interface RequestOptions {
  signal?: AbortSignal;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (error) {
    // A cancelled request is not an unreachable server: the caller asked for it, and TanStack expects the abort.
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, { code: "server_unreachable", message: "The dockgraph server does not answer. Is it still running?" });
  }
}

async function readJson<T>(response: Response): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      isErrorBody(body) ? body.error : { code: "http_error", message: `The server answered ${response.status} ${response.statusText}.` },
    );
  }
  return body as T;
}

export async function fetchJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  return readJson<T>(await send(path, init));
}

export interface HealthAnswer {
  ok: true;
  daemon: EngineInfo;
  readOnly: boolean;
}

/**
 * `/api/graph`. A server with a live host model adds `version` (it increases with every change, and deltas on
 * `/api/events` say which version they lead from and to).
 */
export interface LiveGraph extends GraphPayload {
  version?: number;
}

/** `event: delta` on `/api/events` (the server's type: applied to the graph at `baseVersion` it gives the graph at `version`). */
export type GraphDelta = GraphDeltaEvent;

/** `event: connected`: the stream is (re)established, or the server re-listed the host. */
export interface StreamConnected {
  host?: string;
  version?: number;
}

// The last graph answer and its ETag: an unchanged model answers 304 to If-None-Match, and this is the body.
let lastGraph: { etag: string; graph: LiveGraph } | null = null;

async function graph({ signal }: RequestOptions = {}): Promise<LiveGraph> {
  const response = await send("/api/graph", { signal, headers: lastGraph ? { "if-none-match": lastGraph.etag } : {} });
  if (response.status === 304 && lastGraph) return lastGraph.graph;
  const body = await readJson<LiveGraph>(response);
  const etag = response.headers.get("etag");
  lastGraph = etag ? { etag, graph: body } : null;
  return body;
}

export const api = {
  health: ({ signal }: RequestOptions = {}) => fetchJson<HealthAnswer>("/api/health", { signal }),
  graph,
};
