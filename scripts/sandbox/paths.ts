import fs from "node:fs";
import path from "node:path";

/** The repository root: the nearest folder above this file (or the working directory) with dockgraph's package.json. */
export function repoRoot(): string {
  const starts = [typeof __dirname === "string" ? __dirname : null, process.cwd()].filter((start): start is string => start !== null);
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      if (isDockgraphRoot(dir)) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return process.cwd();
}

function isDockgraphRoot(dir: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
    return manifest.name === "dockgraph";
  } catch {
    return false;
  }
}

// sbin folders are often missing from a non-login PATH, and dockerd lives there.
const EXTRA_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** The first executable named `name` on PATH (plus the sbin folders), or null. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir.length > 0), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
