import { spawn } from "node:child_process";
import { configProblems, describeProblems, parseConfig } from "../lib/config";
import { buildIfNeeded, nextBin } from "./app-build";
import { sandboxPaths, startSandbox } from "./sandbox/daemon";
import { repoRoot } from "./sandbox/paths";

/*
 * npm start: the production server against the user's own daemon (DOCKER_HOST, a Docker CLI context, or the default socket),
 * building first when needed. --dev runs `next dev` instead. --sandbox points it at the sandbox daemon
 * (started if needed), which is how the e2e web server runs. A bad setting stops it before anything starts.
 */

async function main(argv: string[]): Promise<number> {
  const dev = argv.includes("--dev");
  const root = repoRoot();
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  if (argv.includes("--sandbox")) env.DOCKER_HOST = sandboxPaths().dockerHost;
  const problems = configProblems(env);
  if (problems.length > 0) {
    console.error(describeProblems(problems));
    return 1;
  }
  const config = parseConfig(env);
  const port = String(config.port);
  const bind = config.bind;
  Object.assign(env, { PORT: port, DOCKGRAPH_BIND: bind });
  if (argv.includes("--sandbox")) {
    const sandbox = await startSandbox({ log: (line) => console.error(line) });
    env.DOCKER_HOST = sandbox.dockerHost;
  }
  if (!dev) await buildIfNeeded((line) => console.error(line), root);
  console.error(`dockgraph: serving on http://${bind.includes(":") ? `[${bind}]` : bind}:${port} against ${env.DOCKER_HOST ?? (env.DOCKER_CONTEXT ? `Docker context ${env.DOCKER_CONTEXT}` : "the Docker CLI's current context, else the default socket")}`);
  const child = spawn(process.execPath, [nextBin(root), dev ? "dev" : "start", "-H", bind, "-p", port], { cwd: root, stdio: "inherit", env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1))));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
