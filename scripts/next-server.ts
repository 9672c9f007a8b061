import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { nextBin } from "./app-build";
import { repoRoot } from "./sandbox/paths";

/*
 * A production server of the current build on a free loopback port, for the tools that drive a browser against
 * one (the e2e specs' second servers, the screenshots, the render benchmark).
 */

export interface RunningServer {
  baseUrl: string;
  process: ChildProcess;
  stop: () => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** Resolves once `url` answers at all (any status); fails when the server exits first or the time is up. */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode}) before ${url} answered`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

/** `next start` on 127.0.0.1 and a free port, with a throwaway token unless `env` sets one. */
export async function startNextServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [nextBin(), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot(),
    stdio: "ignore",
    env: { ...process.env, DOCKGRAPH_TOKEN: randomBytes(24).toString("hex"), ...env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  try {
    await waitForHttp(`${baseUrl}/api/health`, child);
  } catch (error) {
    stop();
    throw error;
  }
  return { baseUrl, process: child, stop };
}
