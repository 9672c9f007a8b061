import "server-only";
import { getConfig } from "@/lib/config";
import type { AppErrorCode } from "@/lib/errors";
import { AppError, isAppError } from "@/lib/errors";
import type { GuardOptions } from "@/lib/http/guard";
import { guardRequest } from "@/lib/http/guard";

const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  invalid_input: 400,
  ambiguous: 400,
  unauthorized: 401,
  forbidden: 403,
  read_only: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  misconfigured: 500,
  daemon_error: 502,
  daemon_unreachable: 503,
  daemon_timeout: 504,
};

export function statusOf(code: AppErrorCode): number {
  return STATUS_BY_CODE[code];
}

const NO_STORE = { "cache-control": "no-store" };

export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(body, { status: init.status ?? 200, headers: { ...NO_STORE, ...init.headers } });
}

export function errorResponse(error: unknown): Response {
  const appError = isAppError(error) ? error : new AppError("internal", "Internal error; see the server log.");
  if (!isAppError(error)) console.error("[dockgraph] unexpected error", error);
  const body: { error: { code: AppErrorCode; message: string; details?: Record<string, unknown> } } = {
    error: { code: appError.code, message: appError.message },
  };
  if (appError.details !== undefined) body.error.details = { ...appError.details };
  return jsonResponse(body, { status: statusOf(appError.code) });
}

/** Route handler wrapper: guard first, then the handler; every failure becomes the JSON error contract. */
export async function handle(request: Request, options: GuardOptions, run: () => Promise<Response>): Promise<Response> {
  try {
    guardRequest(request, getConfig(), options);
    return await run();
  } catch (error) {
    return errorResponse(error);
  }
}
