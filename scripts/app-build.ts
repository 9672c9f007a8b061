import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./sandbox/paths";

/*
 * "Build when needed" for npm start, npm run demo and the e2e web server: the production build is
 * stale when .next/BUILD_ID is missing or older than any source the build reads.
 */

const SOURCE_ENTRIES = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.js", "package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];
// Tests and recorded fixtures do not change what the server runs.
const IGNORED = /(\.test\.tsx?$|__fixtures__|__integration__)/;

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return IGNORED.test(entry) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(entry)) {
    if (child === "node_modules" || child.startsWith(".")) continue;
    const full = path.join(entry, child);
    if (IGNORED.test(full)) continue;
    newest = Math.max(newest, newestMtime(full));
  }
  return newest;
}

export function buildIdFile(root = repoRoot()): string {
  return path.join(root, ".next", "BUILD_ID");
}

/** Why a build is needed, or null when the current build is up to date. */
export function buildNeeded(root = repoRoot()): string | null {
  let built: number;
  try {
    built = fs.statSync(buildIdFile(root)).mtimeMs;
  } catch {
    return "no production build yet (.next/BUILD_ID is missing)";
  }
  const newest = Math.max(...SOURCE_ENTRIES.map((entry) => newestMtime(path.join(root, entry))));
  return newest > built ? "sources changed since the last build" : null;
}

export function nextBin(root = repoRoot()): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

/** Runs `next build` with inherited output; resolves with its exit code. */
export function runNextBuild(root = repoRoot(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(root), "build"], { cwd: root, stdio: "inherit", env: { ...env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

/** Builds when the build is missing or stale; throws when the build fails. */
export async function buildIfNeeded(log: (line: string) => void = console.error, root = repoRoot()): Promise<boolean> {
  const reason = buildNeeded(root);
  if (reason === null) return false;
  log(`Building the app: ${reason}`);
  const code = await runNextBuild(root);
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  return true;
}
