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
  /** Always a loopback URL, also for a server bound to every interface. */
  baseUrl: string;
  process: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output: () => string;
  /** The exit code (or null when ended by a signal), once it has exited. */
  exited: Promise<number | null>;
  stop: () => void;
}

export interface NextServerOptions {
  /** The address to listen on (`next start -H`, also passed as DOCKGRAPH_BIND); 127.0.0.1 by default. */
  bind?: string;
  /** Start without any DOCKGRAPH_TOKEN (by default a throwaway one is set unless `env` has one). */
  withoutToken?: boolean;
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

/** Starts `next start` on a free port, with a throwaway token unless `env` sets one; does not wait for it. */
export async function spawnNextServer(env: Record<string, string>, options: NextServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const bind = options.bind ?? "127.0.0.1";
  const baseUrl = `http://127.0.0.1:${port}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKGRAPH_TOKEN: randomBytes(24).toString("hex"),
    ...env,
    DOCKGRAPH_BIND: bind,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (options.withoutToken) delete childEnv.DOCKGRAPH_TOKEN;
  const child = spawn(process.execPath, [nextBin(), "start", "-H", bind, "-p", String(port)], { cwd: repoRoot(), stdio: ["ignore", "pipe", "pipe"], env: childEnv });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  return { baseUrl, process: child, output: () => output, exited, stop };
}

/** `next start` on a free port (127.0.0.1 unless `options.bind`), once it answers. */
export async function startNextServer(env: Record<string, string>, options: NextServerOptions = {}): Promise<RunningServer> {
  const server = await spawnNextServer(env, options);
  try {
    await waitForHttp(`${server.baseUrl}/api/health`, server.process);
  } catch (error) {
    server.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${server.output()}`);
  }
  return server;
}
