import "server-only";
import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { Config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import type { Session } from "@/lib/http/session";
import { isSessionPageToken, readCookie, SESSION_COOKIE, sessionPageToken, verifySessionValue } from "@/lib/http/session";

export const TOKEN_HEADER = "x-dockgraph-token";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface GuardOptions {
  /** The request changes something on the host: needs the token, a same-origin Origin, and a writable server. */
  mutating: boolean;
  /** The request may come without a session on a remote server (only the login route itself). */
  anonymous?: boolean;
}

export type GuardConfig = Pick<Config, "allowedHosts" | "token" | "readOnly" | "remote">;

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

/**
 * Loopback names, DOCKGRAPH_ALLOWED_HOSTS and, on a remote server, IP addresses: DNS rebinding needs a name the
 * attacker controls, and an address in the URL cannot be rebound.
 */
export function isAllowedHost(hostHeader: string | null, config: Pick<Config, "allowedHosts" | "remote">): boolean {
  if (!hostHeader) return false;
  const name = hostName(hostHeader);
  if (LOOPBACK_NAMES.has(name) || config.allowedHosts.includes(name) || config.allowedHosts.includes(hostHeader.trim().toLowerCase())) return true;
  return config.remote && isIP(name.replace(/^\[(.*)\]$/, "$1")) !== 0;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A top-level GET of a document (a link followed, an address typed): nothing changes and the other site reads nothing. */
function isTopLevelNavigation(request: Request): boolean {
  return (
    (request.method === "GET" || request.method === "HEAD") &&
    request.headers.get("sec-fetch-mode") === "navigate" &&
    request.headers.get("sec-fetch-dest") === "document"
  );
}

/** The session a request's cookie proves, or null. */
export function requestSession(headers: Headers, config: Pick<Config, "token">, nowMs = Date.now()): Session | null {
  return verifySessionValue(readCookie(headers.get("cookie"), SESSION_COOKIE), config.token, nowMs);
}

/**
 * The token the page hands its scripts for changes: the server's own on this machine; on a remote server the one
 * bound to the reader's session (or the server's to whoever sent it in the header). Null: nothing to hand out.
 */
export function tokenForPage(headers: Headers, config: GuardConfig, nowMs = Date.now()): string | null {
  if (!config.remote) return config.token;
  const session = requestSession(headers, config, nowMs);
  if (session !== null) return sessionPageToken(config.token, session);
  const given = headers.get(TOKEN_HEADER);
  return given !== null && sameToken(given, config.token) ? config.token : null;
}

/**
 * The one check every request passes, in the proxy (pages, assets, routes) and again in each route handler: Host
 * allow-list (DNS rebinding), no cross-site or cross-origin requests, on a remote server a session or the token, and
 * for changes the token, same origin and read-only mode. Null when the request may go on, else why not.
 */
export function requestRefusal(request: Request, config: GuardConfig, options: GuardOptions, nowMs = Date.now()): AppError | null {
  const host = request.headers.get("host");
  if (!isAllowedHost(host, config)) {
    return new AppError(
      "forbidden",
      `Host ${JSON.stringify(host ?? "")} is not allowed. dockgraph answers only to localhost, 127.0.0.1 and [::1]; add other names to DOCKGRAPH_ALLOWED_HOSTS.`,
    );
  }

  if (request.headers.get("sec-fetch-site") === "cross-site" && !isTopLevelNavigation(request)) {
    return new AppError("forbidden", "Cross-site requests are refused.");
  }

  const origin = request.headers.get("origin");
  // Under Referrer-Policy: no-referrer the browser sends "Origin: null" with a form of this very origin; its
  // Sec-Fetch-Site (which no page can set) still says where the request comes from.
  const sameOriginForm = origin === "null" && request.headers.get("sec-fetch-site") === "same-origin";
  if (origin !== null && !sameOriginForm) {
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost === null || originHost !== (host ?? "").trim().toLowerCase()) {
      return new AppError("forbidden", `Cross-origin requests are refused (Origin ${JSON.stringify(origin)}).`);
    }
  }

  const token = request.headers.get(TOKEN_HEADER);
  const session = config.remote ? requestSession(request.headers, config, nowMs) : null;
  const serverToken = token !== null && token !== "" && sameToken(token, config.token);

  if (config.remote && !options.anonymous && session === null) {
    if (token !== null && token !== "" && !serverToken) {
      return new AppError("forbidden", `The ${TOKEN_HEADER} header does not match this server's token.`);
    }
    if (!serverToken) {
      return new AppError(
        "unauthorized",
        `This dockgraph server is reachable from beyond this machine: sign in at /login (the login URL printed at start, or DOCKGRAPH_TOKEN), or send the ${TOKEN_HEADER} header.`,
      );
    }
  }

  if (!options.mutating) return null;

  if (token === null || token === "") {
    return new AppError("unauthorized", `This request changes the Docker host and needs the ${TOKEN_HEADER} header.`);
  }
  if (!serverToken && !(session !== null && isSessionPageToken(token, config.token, session))) {
    return new AppError("forbidden", `The ${TOKEN_HEADER} header does not match this server's token.`);
  }
  if (config.readOnly) {
    return new AppError("read_only", "dockgraph runs in read-only mode (DOCKGRAPH_READ_ONLY=1): nothing on the host can be changed.");
  }
  return null;
}

/** requestRefusal for route handlers: throws the refusal, which handle() turns into the JSON error. */
export function guardRequest(request: Request, config: GuardConfig, options: GuardOptions): void {
  const refusal = requestRefusal(request, config, options);
  if (refusal !== null) throw refusal;
}
