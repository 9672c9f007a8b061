import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { Config } from "@/lib/config";
import { AppError } from "@/lib/errors";

export const TOKEN_HEADER = "x-dockgraph-token";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface GuardOptions {
  /** The request changes something on the host: needs the token, a same-origin Origin, and a writable server. */
  mutating: boolean;
}

/** "Host: name:port" → "name" (lower case; IPv6 keeps its brackets). */
export function hostName(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

function isAllowedHost(hostHeader: string | null, config: Pick<Config, "allowedHosts">): boolean {
  if (!hostHeader) return false;
  const name = hostName(hostHeader);
  return LOOPBACK_NAMES.has(name) || config.allowedHosts.includes(name) || config.allowedHosts.includes(hostHeader.trim().toLowerCase());
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The one gate every route handler passes, called in the handler itself:
 * Host allow-list (DNS rebinding), no cross-site requests, and for changes the token, same origin and read-only mode.
 */
export function guardRequest(
  request: Request,
  config: Pick<Config, "allowedHosts" | "token" | "readOnly">,
  options: GuardOptions,
): void {
  const host = request.headers.get("host");
  if (!isAllowedHost(host, config)) {
    throw new AppError(
      "forbidden",
      `Host ${JSON.stringify(host ?? "")} is not allowed. dockgraph answers only to localhost, 127.0.0.1 and [::1]; add other names to DOCKGRAPH_ALLOWED_HOSTS.`,
    );
  }

  if (request.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("forbidden", "Cross-site requests are refused.");
  }

  const origin = request.headers.get("origin");
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost === null || originHost !== (host ?? "").trim().toLowerCase()) {
      throw new AppError("forbidden", `Cross-origin requests are refused (Origin ${JSON.stringify(origin)}).`);
    }
  }

  if (!options.mutating) return;

  const token = request.headers.get(TOKEN_HEADER);
  if (token === null || token === "") {
    throw new AppError("unauthorized", `This request changes the Docker host and needs the ${TOKEN_HEADER} header.`);
  }
  if (!sameToken(token, config.token)) {
    throw new AppError("forbidden", `The ${TOKEN_HEADER} header does not match this server's token.`);
  }
  if (config.readOnly) {
    throw new AppError("read_only", "dockgraph runs in read-only mode (DOCKGRAPH_READ_ONLY=1): nothing on the host can be changed.");
  }
}
