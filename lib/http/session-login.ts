import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import os from "node:os";
import type { Config } from "@/lib/config";

/*
 * The one-time login code printed at start: opened once, it becomes a session cookie. Kept on globalThis, which
 * the instrumentation hook (that prints it) and the login route (that redeems it) share within one server process.
 */

export const LOGIN_PATH = "/login";
/** An unused code stops working after this; the login page's token form always works. */
export const LOGIN_CODE_TTL_MS = 15 * 60 * 1000;

interface PendingCode {
  code: string;
  expiresAt: number;
}

const holder = globalThis as typeof globalThis & { __dockgraphLoginCode?: PendingCode | null };

export function issueLoginCode(nowMs: number): string {
  const code = randomBytes(24).toString("base64url");
  holder.__dockgraphLoginCode = { code, expiresAt: nowMs + LOGIN_CODE_TTL_MS };
  return code;
}

/** True once for the code issued at start (then it is gone), false for anything else. */
export function redeemLoginCode(given: string, nowMs: number): boolean {
  const pending = holder.__dockgraphLoginCode;
  if (!pending || nowMs > pending.expiresAt) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(pending.code);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  holder.__dockgraphLoginCode = null;
  return true;
}

/** An address a browser elsewhere could use: the first allowed name, the bound address, else this machine's first LAN address. */
function publicHost(config: Pick<Config, "allowedHosts" | "bind">): string {
  const named = config.allowedHosts[0];
  if (named !== undefined) return named;
  if (config.bind !== "0.0.0.0" && config.bind !== "::") return config.bind.includes(":") ? `[${config.bind}]` : config.bind;
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && !entry.internal && entry.family === "IPv4");
  return lan?.address ?? "127.0.0.1";
}

/** What the server prints at start when it is reachable from beyond this machine. */
export function loginMessage(config: Pick<Config, "allowedHosts" | "bind" | "port">, code: string): string {
  const url = `http://${publicHost(config)}:${config.port}${LOGIN_PATH}?code=${code}`;
  return [
    "dockgraph: remote access is on: every request needs a session (or the x-dockgraph-token header).",
    `dockgraph: sign in once at ${url}`,
    `dockgraph:   (the path ${LOGIN_PATH}?code=${code} on any allowed address; valid once, for ${LOGIN_CODE_TTL_MS / 60_000} minutes;`,
    `dockgraph:   afterwards sign in at ${LOGIN_PATH} with DOCKGRAPH_TOKEN)`,
  ].join("\n");
}
