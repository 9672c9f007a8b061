/**
 * One error type for the whole server side, with a stable code a caller can switch on.
 * The HTTP layer maps codes to statuses in one place (lib/http/respond.ts).
 */
export type AppErrorCode =
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "read_only"
  | "not_found"
  | "ambiguous"
  | "conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "daemon_unreachable"
  | "daemon_timeout"
  | "daemon_error"
  | "misconfigured"
  | "internal";

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Extra, JSON-serialisable facts for the client (e.g. which host was tried). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: AppErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
