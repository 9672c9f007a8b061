import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runNextBuild } from "./app-build";
import { SANDBOX_DIR_ENV, sandboxPaths, startSandbox, stopSandbox } from "./sandbox/daemon";
import { compareWithHost, readManifest } from "./sandbox/manifest";
import { repoRoot } from "./sandbox/paths";
import { seedScenarios } from "./sandbox/seed";
import { ensureSystemPackages, hasSystemPackages } from "./system-packages";

/*
 * npm test: every check, in order, against a sandbox daemon of its own (.sandbox-test unless
 * DOCKGRAPH_SANDBOX_DIR says otherwise), which is always stopped at the end, also on failure or Ctrl-C.
 * Keeps going after a failed stage when later stages can still tell something; ends with "N passed, N failed".
 *
 *   npm test -- --skip lint,e2e     skip stages by name
 *   npm test -- --only unit         run only these stages (plus what they need)
 */

type Status = "passed" | "failed" | "skipped";

interface StageResult {
  name: string;
  status: Status;
  ms: number;
  passed: number;
  failed: number;
  note: string;
}

const STAGES = ["packages", "lint", "typecheck", "unit", "sandbox", "integration", "build", "e2e"] as const;
type StageName = (typeof STAGES)[number];

const root = repoRoot();
const reportsDir = path.join(root, "test-results", "reports");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const results: StageResult[] = [];
let current: ChildProcess | null = null;
let interrupted = false;

function listOption(argv: string[], name: string): string[] | null {
  const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return null;
  const value = argv[index]!.includes("=") ? argv[index]!.split("=")[1]! : (argv[index + 1] ?? "");
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env });
    current = child;
    child.on("error", (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

interface Counts {
  passed: number;
  failed: number;
}

interface VitestJson {
  numPassedTests?: number;
  numFailedTests?: number;
  testResults?: { status?: string; assertionResults?: { status?: string }[] }[];
}

function vitestCounts(file: string): Counts | null {
  let report: VitestJson;
  try {
    report = JSON.parse(fs.readFileSync(file, "utf8")) as VitestJson;
  } catch {
    return null;
  }
  // A file that failed to load has no failed assertions but is a failure all the same.
  const brokenFiles = (report.testResults ?? []).filter(
    (result) => result.status === "failed" && !(result.assertionResults ?? []).some((assertion) => assertion.status === "failed"),
  ).length;
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + brokenFiles };
}

interface PlaywrightJson {
  stats?: { expected?: number; unexpected?: number; flaky?: number };
  errors?: unknown[];
}

function playwrightCounts(file: string): Counts | null {
  let report: PlaywrightJson;
  try {
    report = JSON.parse(fs.readFileSync(file, "utf8")) as PlaywrightJson;
  } catch {
    return null;
  }
  const stats = report.stats ?? {};
  return { passed: (stats.expected ?? 0) + (stats.flaky ?? 0), failed: (stats.unexpected ?? 0) + (report.errors?.length ?? 0) };
}

async function stage(name: StageName, enabled: boolean, work: () => Promise<Counts & { ok: boolean; note?: string }>): Promise<boolean> {
  if (!enabled || interrupted) {
    results.push({ name, status: "skipped", ms: 0, passed: 0, failed: 0, note: interrupted ? "interrupted" : "" });
    return false;
  }
  console.log(`\n━━━ ${name} ${"━".repeat(Math.max(0, 60 - name.length))}`);
  const started = Date.now();
  let outcome: Counts & { ok: boolean; note?: string };
  try {
    outcome = await work();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    outcome = { ok: false, passed: 0, failed: 1, note: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
  // A failed stage always counts at least one failure (lint errors, a crashed runner, a failed build).
  const failed = outcome.ok ? outcome.failed : Math.max(1, outcome.failed);
  const status: Status = outcome.ok && failed === 0 ? "passed" : "failed";
  results.push({ name, status, ms: Date.now() - started, passed: outcome.passed, failed, note: outcome.note ?? "" });
  return status === "passed";
}

/** A command whose only result is its exit code (lint, typecheck). */
async function commandStage(command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const code = await run(command, args, env);
  return { ok: code === 0, passed: 0, failed: code === 0 ? 0 : 1, note: code === 0 ? "" : `exit ${code}` };
}

async function vitestStage(project: string, env: NodeJS.ProcessEnv) {
  const report = path.join(reportsDir, `vitest-${project}.json`);
  fs.rmSync(report, { force: true });
  const code = await run(
    bin("vitest"),
    ["run", "--project", project, "--passWithNoTests", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    env,
  );
  const counts = vitestCounts(report) ?? { passed: 0, failed: 0 };
  return { ok: code === 0, ...counts, note: code === 0 ? "" : `exit ${code}` };
}

function formatMs(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

function printSummary(totalMs: number): { passed: number; failed: number } {
  console.log(`\n━━━ summary ${"━".repeat(53)}`);
  console.log(`${"stage".padEnd(13)}${"result".padEnd(9)}${"time".padStart(8)}   tests`);
  for (const result of results) {
    const tests = result.passed + result.failed > 0 ? `${result.passed} passed, ${result.failed} failed` : "";
    const note = result.note ? `  (${result.note})` : "";
    console.log(`${result.name.padEnd(13)}${result.status.padEnd(9)}${formatMs(result.ms).padStart(8)}   ${tests}${note}`);
  }
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  console.log(`total ${formatMs(totalMs)}; reports in ${path.relative(root, reportsDir)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return { passed, failed };
}

async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const skip = new Set(listOption(argv, "--skip") ?? []);
  const only = listOption(argv, "--only");
  const wanted = (name: StageName) => !skip.has(name) && (only === null || only.includes(name));
  for (const name of [...skip, ...(only ?? [])]) {
    if (!(STAGES as readonly string[]).includes(name)) throw new Error(`Unknown stage "${name}"; stages: ${STAGES.join(", ")}`);
  }
  fs.mkdirSync(reportsDir, { recursive: true });
  const paths = sandboxPaths(process.env[SANDBOX_DIR_ENV] ?? ".sandbox-test");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [SANDBOX_DIR_ENV]: paths.dir,
    NEXT_TELEMETRY_DISABLED: "1",
    // vitest.config.ts is TypeScript in a CommonJS package; Vite's notice about its future config loader is noise here.
    VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
  };
  const needsSandbox = wanted("integration") || wanted("e2e");

  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted) console.error(`\n${signal}: stopping after the current stage…`);
    interrupted = true;
    current?.kill(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let sandboxStarted = false;
  try {
    await stage("packages", wanted("packages") || needsSandbox, async () => {
      ensureSystemPackages(["docker", "busybox", "chromium"]);
      return { ok: true, passed: 0, failed: 0 };
    });
    const canSandbox = hasSystemPackages(["docker", "busybox"]);
    const hasChromium = hasSystemPackages(["chromium"]);

    await stage("lint", wanted("lint"), () => commandStage(bin("eslint"), ["--max-warnings=0", "."], env));
    await stage("typecheck", wanted("typecheck"), () => commandStage(bin("tsc"), ["--noEmit"], env));
    await stage("unit", wanted("unit"), () => vitestStage("unit", env));

    const sandboxUp = await stage("sandbox", needsSandbox && canSandbox, async () => {
      sandboxStarted = true;
      const sandbox = await startSandbox({ dir: paths.dir, log: (line) => console.log(line) });
      const manifest = readManifest(paths.manifestPath);
      const same = manifest !== null && (await compareWithHost(sandbox.dockerHost, manifest)).length === 0;
      if (!same) await seedScenarios(sandbox.dockerHost, { log: (line) => console.log(line) });
      env.DOCKER_HOST = sandbox.dockerHost;
      return { ok: true, passed: 0, failed: 0, note: sandbox.dockerHost };
    });

    await stage("integration", wanted("integration") && sandboxUp, () => vitestStage("integration", env));

    const built = await stage("build", wanted("build") || wanted("e2e"), async () => {
      const code = await runNextBuild(root, env);
      return { ok: code === 0, passed: 0, failed: code === 0 ? 0 : 1, note: code === 0 ? "" : `exit ${code}` };
    });

    await stage("e2e", wanted("e2e") && sandboxUp && built && hasChromium, async () => {
      const report = path.join(reportsDir, "playwright-e2e.json");
      fs.rmSync(report, { force: true });
      const code = await run(bin("playwright"), ["test", "--pass-with-no-tests"], { ...env, DOCKGRAPH_E2E_JSON: report });
      const counts = playwrightCounts(report) ?? { passed: 0, failed: 0 };
      return { ok: code === 0, ...counts, note: code === 0 ? "" : `exit ${code}` };
    });
  } finally {
    if (sandboxStarted) {
      const log = path.join(root, "test-results", "sandbox-dockerd.log");
      try {
        fs.copyFileSync(paths.logFile, log);
      } catch {
        // no log to keep
      }
      const report = await stopSandbox({ dir: paths.dir, clean: true }).catch((error: unknown) => {
        console.error(`Stopping the sandbox failed: ${error instanceof Error ? error.message : error}`);
        return null;
      });
      if (report) console.log(`\nsandbox stopped in ${formatMs(report.durationMs)} (daemon log kept in ${path.relative(root, log)})`);
    }
  }
  const totals = printSummary(Date.now() - started);
  if (interrupted) return 130;
  return totals.failed === 0 && results.every((result) => result.status !== "failed") ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
