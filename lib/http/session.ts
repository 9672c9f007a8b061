import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/*
 * Sessions of a server reachable from beyond this machine: a signed cookie, no server-side state. The signature is
 * keyed by the server's token, so a new token ends every session.
 */

export const SESSION_COOKIE = "dockgraph_session";
/** A session lasts twelve hours; then the user signs in again with the token. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface Session {
  id: string;
  issuedAt: number;
}

function mac(token: string, purpose: string, data: string): string {
  return createHmac("sha256", token).update(`dockgraph-${purpose}-v1|${data}`).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new session's cookie value: `<issuedAt seconds>.<id>.<signature>`. */
export function createSessionValue(token: string, nowMs: number): string {
  const data = `${Math.floor(nowMs / 1000)}.${randomBytes(18).toString("base64url")}`;
  return `${data}.${mac(token, "session", data)}`;
}

/** The session a cookie value proves, or null when it is forged, malformed or expired. */
export function verifySessionValue(value: string | undefined, token: string, nowMs: number): Session | null {
  if (value === undefined) return null;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, issued = "", id = "", signature = ""] = match;
  if (!sameText(signature, mac(token, "session", `${issued}.${id}`))) return null;
  const issuedAt = Number(issued) * 1000;
  const age = nowMs - issuedAt;
  if (age < -60_000 || age > SESSION_MAX_AGE_SECONDS * 1000) return null;
  return { id, issuedAt };
}

/**
 * The token the page of one session sends with its changes: valid only together with that session's cookie, so the
 * page's HTML never holds the server's own token.
 */
export function sessionPageToken(token: string, session: Session): string {
  return `s.${mac(token, "page", session.id)}`;
}

export function isSessionPageToken(given: string, token: string, session: Session): boolean {
  return sameText(given, sessionPageToken(token, session));
}

/** The Set-Cookie value: HttpOnly (scripts in the page cannot read it), SameSite=Strict (no cross-site request carries it). */
export function sessionCookie(value: string, options: { secure: boolean }): string {
  return [`${SESSION_COOKIE}=${value}`, "Path=/", `Max-Age=${SESSION_MAX_AGE_SECONDS}`, "HttpOnly", "SameSite=Strict", ...(options.secure ? ["Secure"] : [])].join("; ");
}

/** One cookie's value from a Cookie header. */
export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (cookieHeader === null) return undefined;
  for (const part of cookieHeader.split(";")) {
    const separator = part.indexOf("=");
    if (separator !== -1 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/**
 * Served over https: the URL says so, or a reverse proxy in front says `X-Forwarded-Proto: https`. The header is
 * trusted only to add `Secure`, which can make a cookie stricter, never looser.
 */
export function servedOverHttps(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || new URL(request.url).protocol === "https:";
}
