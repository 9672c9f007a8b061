/**
 * `npm run bench -- [--size S|M|L] [--only name,…] [--keep] [--seed N]`
 *
 * Names: server, page, cleanup (issue 11's benchmark on a generated host, bench/live-host.ts), generate (fill the
 * sandbox .sandbox-bench-host and leave it running), and the older benchmarks graph-endpoint, cleanup-library,
 * graph-render. Without --only everything but generate runs (the older ones ignore --size). The table of a run of server,
 * page or cleanup replaces its size's section of docs/performance.md (saying which parts it left out); every run
 * writes its raw figures to test-results/bench/. Bounded: a deadline per size ends the run, and the sandbox, server and browser it started
 * are stopped on exit, on an error and on Ctrl-C.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "@/scripts/sandbox/paths";
import { generateHost, hostCounts } from "./host-generator";
import type { HostSize } from "./host-shape";
import { runLiveHostBench, SANDBOX_DIR, type Cleanups, type Part } from "./live-host";
import { describeMachine } from "./machine";
import { textTable, writePerformanceDoc } from "./report";
import { startSandbox } from "@/scripts/sandbox/daemon";

const LIVE_PARTS: Part[] = ["server", "page", "cleanup"];
const LEGACY: Record<string, { file: string; conditions: boolean; timeoutMs: number }> = {
  "graph-endpoint": { file: "bench/graph-endpoint.ts", conditions: true, timeoutMs: 30 * 60_000 },
  "cleanup-library": { file: "bench/cleanup.ts", conditions: true, timeoutMs: 30 * 60_000 },
  "graph-render": { file: "bench/graph-render.ts", conditions: false, timeoutMs: 30 * 60_000 },
};
const NAMES = [...LIVE_PARTS, "generate", ...Object.keys(LEGACY)];
const DEADLINE_MS: Record<HostSize, number> = { S: 30 * 60_000, M: 150 * 60_000, L: 300 * 60_000 };

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function parseArguments(): { size: HostSize; only: Set<string>; keep: boolean; seed: number } {
  const size = (option("size") ?? "S").toUpperCase();
  if (size !== "S" && size !== "M" && size !== "L") throw new Error(`--size must be S, M or L, not ${size}`);
  const only = new Set((option("only") ?? NAMES.filter((name) => name !== "generate").join(",")).split(",").map((name) => name.trim()).filter(Boolean));
  for (const name of only) if (!NAMES.includes(name)) throw new Error(`unknown benchmark ${name}; known: ${NAMES.join(", ")}`);
  const seed = Number(option("seed") ?? 11);
  if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");
  return { size, only, keep: process.argv.includes("--keep"), seed };
}

/** What has to be undone, newest first, whatever way the run ends. */
function cleanupRegistry(): Cleanups & { runAll: () => Promise<void> } {
  const entries: { name: string; run: () => Promise<unknown> | void }[] = [];
  return {
    add(name, run) {
      const entry = { name, run };
      entries.push(entry);
      return () => {
        const index = entries.indexOf(entry);
        if (index >= 0) entries.splice(index, 1);
      };
    },
    async runAll() {
      while (entries.length > 0) {
        const entry = entries.pop();
        try {
          await entry?.run();
        } catch (error) {
          console.error(`bench: cleanup of the ${entry?.name} failed: ${(error as Error).message}`);
        }
      }
    },
  };
}

function runLegacy(name: string, cleanups: Cleanups): Promise<number> {
  const spec = LEGACY[name];
  if (!spec) return Promise.resolve(1);
  const root = repoRoot();
  const args = [...(spec.conditions ? ["--conditions=react-server"] : []), spec.file];
  console.error(`\nbench: ${name} (${spec.file})`);
  const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), args, { cwd: root, stdio: "inherit" });
  const release = cleanups.add(name, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  const timer = setTimeout(() => child.kill("SIGTERM"), spec.timeoutMs);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(timer);
      release();
      resolve(code ?? 1);
    });
  });
}

function commit(): string {
  try {
    const hash = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot(), encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "app", "components", "lib"], { cwd: repoRoot(), encoding: "utf8" }).trim();
    return dirty ? `${hash} (with uncommitted changes)` : hash;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const { size, only, keep, seed } = parseArguments();
  const cleanups = cleanupRegistry();
  const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  let stopping = false;
  const stop = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.error(`bench: ${why}; cleaning up`);
    await cleanups.runAll();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop("interrupted", 130));
  process.on("SIGTERM", () => void stop("terminated", 143));
  const deadline = setTimeout(() => void stop(`the ${size} run passed its deadline of ${DEADLINE_MS[size] / 60_000} minutes`, 1), DEADLINE_MS[size]);

  const root = repoRoot();
  const outDir = path.join(root, "test-results", "bench");
  fs.mkdirSync(outDir, { recursive: true });
  let failed = false;
  try {
    if (only.has("generate")) {
      const sandbox = await startSandbox({ dir: SANDBOX_DIR, log });
      const host = await generateHost(sandbox.socketPath, size, { sandboxDir: SANDBOX_DIR, seed, log });
      console.log(`generated ${size} in ${(host.timings.totalMs / 1000).toFixed(0)} s: ${JSON.stringify(await hostCounts(sandbox.socketPath))}`);
      console.log(`sandbox left running: DOCKER_HOST=${sandbox.dockerHost} (stop it with: npm run sandbox -- stop --clean --dir ${SANDBOX_DIR})`);
    }
    const parts = new Set(LIVE_PARTS.filter((part) => only.has(part)));
    if (parts.size > 0) {
      const machine = describeMachine();
      const result = await runLiveHostBench({ size, parts, keep, seed, cleanups, log });
      const measuredAt = new Date().toISOString();
      console.log(`\nIssue 11 benchmark at ${size}: ${result.hostDescription}\n`);
      console.log(textTable(result.rows));
      for (const note of result.notes) console.log(`- ${note}`);
      const file = path.join(outDir, `live-host-${size}.json`);
      fs.writeFileSync(file, `${JSON.stringify({ measuredAt, machine, docker: result.dockerVersion, chromium: result.chromiumVersion, rows: result.rows, notes: result.notes, raw: result.raw }, null, 2)}\n`);
      console.log(`\nraw figures: ${path.relative(root, file)}`);
      const skipped = LIVE_PARTS.filter((part) => !parts.has(part));
      if (skipped.length > 0) result.notes.push(`Not measured in this run: ${skipped.join(", ")} (\`--only\`).`);
      writePerformanceDoc(path.join(root, "docs", "performance.md"), {
        size,
        measuredAt,
        commit: commit(),
        machine: { ...machine, docker: result.dockerVersion, chromium: result.chromiumVersion },
        host: result.hostDescription,
        notes: result.notes,
        rows: result.rows,
      });
      console.log(`table written to docs/performance.md (section ${size})`);
    }
    for (const name of Object.keys(LEGACY)) {
      if (only.has(name) && (await runLegacy(name, cleanups)) !== 0) failed = true;
    }
  } catch (error) {
    console.error(error);
    failed = true;
  } finally {
    clearTimeout(deadline);
    await cleanups.runAll();
  }
  if (failed) process.exitCode = 1;
}

void main();
