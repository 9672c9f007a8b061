import type { EngineInfo } from "@/lib/docker/types";
import type { GraphPayload } from "@/lib/graph/types";

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

export async function fetchJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch {
    throw new ApiError(0, { code: "server_unreachable", message: "The dockgraph server does not answer. Is it still running?" });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      isErrorBody(body) ? body.error : { code: "http_error", message: `The server answered ${response.status} ${response.statusText}.` },
    );
  }
  return body as T;
}

export interface HealthAnswer {
  ok: true;
  daemon: EngineInfo;
  readOnly: boolean;
}

export const api = {
  health: () => fetchJson<HealthAnswer>("/api/health"),
  graph: () => fetchJson<GraphPayload>("/api/graph"),
};
