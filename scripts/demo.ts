import { spawn, type ChildProcess } from "node:child_process";
import { configProblems, describeProblems, parseConfig } from "../lib/config";
import { buildIfNeeded, nextBin } from "./app-build";
import { waitForHttp } from "./next-server";
import { sandboxPaths, startSandbox, stopSandbox } from "./sandbox/daemon";
import { compareWithHost, readManifest } from "./sandbox/manifest";
import { repoRoot } from "./sandbox/paths";
import { seedScenarios } from "./sandbox/seed";
import { ensureSystemPackages } from "./system-packages";

/*
 * npm run demo: a seeded sandbox daemon and the dashboard against it, in one command.
 * Ctrl-C stops the server and the sandbox (its folder is removed: the next demo seeds afresh).
 */

const log = (line: string) => console.error(line);

async function main(): Promise<number> {
  const root = repoRoot();
  const paths = sandboxPaths();
  // The demo's server talks to the sandbox, whatever DOCKER_HOST says; every other setting is checked before anything starts.
  const demoEnv = { ...process.env, DOCKER_HOST: paths.dockerHost };
  const problems = configProblems(demoEnv);
  if (problems.length > 0) {
    log(describeProblems(problems));
    return 1;
  }
  const config = parseConfig(demoEnv);
  const port = String(config.port);
  const bind = config.bind;
  const host = bind.includes(":") ? `[${bind}]` : bind;
  const probeHost = bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : host;

  let server: ChildProcess | null = null;
  let sandboxStarted = false;
  let stopping: Promise<number> | null = null;
  const shutdown = (code: number): Promise<number> => {
    stopping ??= (async () => {
      if (server && server.exitCode === null && server.signalCode === null) {
        server.kill("SIGTERM");
        const exited = new Promise((resolve) => server?.once("exit", resolve));
        const timer = setTimeout(() => server?.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (sandboxStarted) {
        log("Stopping the sandbox daemon…");
        const report = await stopSandbox({ dir: paths.dir, clean: true, log });
        log(`Sandbox stopped in ${report.durationMs} ms.`);
      }
      return code;
    })();
    return stopping;
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      void shutdown(0).then((code) => process.exit(code));
    });
  }

  try {
    ensureSystemPackages(["docker", "busybox"]);
    sandboxStarted = true;
    const sandbox = await startSandbox({ dir: paths.dir, log });
    const existing = readManifest(paths.manifestPath);
    const fresh = existing !== null && (await compareWithHost(sandbox.dockerHost, existing)).length === 0;
    const manifest = fresh ? existing : await seedScenarios(sandbox.dockerHost, { log });
    await buildIfNeeded(log, root);

    const env = { ...demoEnv, DOCKER_HOST: sandbox.dockerHost, PORT: port, DOCKGRAPH_BIND: bind, NEXT_TELEMETRY_DISABLED: "1" };
    server = spawn(process.execPath, [nextBin(root), "start", "-H", bind, "-p", port], { cwd: root, stdio: "inherit", env });
    const serverExit = new Promise<number>((resolve) => server?.on("exit", (code) => resolve(code ?? 1)));
    await waitForHttp(`http://${probeHost}:${port}/`, server, 60_000);

    const present = manifest.images.filter((image) => !image.removed).length;
    console.log(
      [
        "",
        "────────────────────────────────────────────────────────────",
        `  dockgraph demo: http://${host}:${port}`,
        `  Docker host:    ${sandbox.dockerHost} (sandbox daemon)`,
        `  Seeded:         ${present} images, ${manifest.containers.length} containers`,
        `                  ${Object.keys(manifest.scenarios).join(", ")}`,
        `  Daemon log:     ${sandbox.logFile}`,
        "  Press Ctrl-C to stop the server and the sandbox daemon.",
        "────────────────────────────────────────────────────────────",
        "",
      ].join("\n"),
    );
    const code = await serverExit;
    if (stopping) return stopping;
    log(`The server exited (code ${code}).`);
    return shutdown(code === 0 ? 0 : code);
  } catch (error) {
    log(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
    return shutdown(1);
  }
}

main().then((code) => process.exit(code));
