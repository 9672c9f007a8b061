import { AppError } from "@/lib/errors";

/** The shape docker-modem gives its errors: an HTTP status and the daemon's JSON body, or a socket error code. */
interface ModemError {
  statusCode?: number;
  json?: unknown;
  code?: string;
  message?: string;
  name?: string;
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EACCES",
  "EPERM",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
]);

/** The daemon's own words from an error body (`{"message": "..."}`), if any. */
export function daemonMessageOf(error: unknown): string | null {
  const json = (error as ModemError | null)?.json;
  if (json && typeof json === "object" && "message" in json && typeof json.message === "string") {
    return json.message;
  }
  if (Buffer.isBuffer(json)) return json.toString("utf8").trim() || null;
  if (typeof json === "string") return json.trim() || null;
  return null;
}

export interface CallContext {
  /** What was being asked, e.g. "GET /images/json". */
  call: string;
  /** The daemon address, for messages. */
  host: string;
}

export function unreachableHint(host: string, code: string | undefined): string {
  if (code === "EACCES" || code === "EPERM") {
    return `Permission denied on ${host}: run dockgraph as a user allowed to use Docker (e.g. in the docker group), or point DOCKER_HOST at a daemon you can reach.`;
  }
  return `Is the Docker daemon running? Start it, or point DOCKER_HOST at the daemon you want (e.g. unix:///var/run/docker.sock or tcp://host:2376).`;
}

/** Turns whatever dockerode threw into an AppError, by what the daemon answered. */
export function toAppError(error: unknown, context: CallContext): AppError {
  if (error instanceof AppError) return error;
  const modemError = (error ?? {}) as ModemError;
  const details = { call: context.call, host: context.host };

  if (typeof modemError.statusCode === "number") {
    const status = modemError.statusCode;
    const daemonMessage = daemonMessageOf(error) ?? `HTTP ${status}`;
    const withStatus = { ...details, status, daemonMessage };
    if (status === 404) return new AppError("not_found", daemonMessage, withStatus, { cause: error });
    if (status === 409) return new AppError("conflict", daemonMessage, withStatus, { cause: error });
    if (status === 400) return new AppError("invalid_input", daemonMessage, withStatus, { cause: error });
    return new AppError("daemon_error", `The Docker daemon answered ${status} to ${context.call}: ${daemonMessage}`, withStatus, {
      cause: error,
    });
  }

  if (modemError.code !== undefined && UNREACHABLE_CODES.has(modemError.code)) {
    return new AppError(
      "daemon_unreachable",
      `Cannot reach the Docker daemon at ${context.host} (${modemError.code}). ${unreachableHint(context.host, modemError.code)}`,
      { ...details, errno: modemError.code },
      { cause: error },
    );
  }

  const reason = modemError.message ?? String(error);
  return new AppError("daemon_error", `${context.call} on ${context.host} failed: ${reason}`, details, { cause: error });
}
