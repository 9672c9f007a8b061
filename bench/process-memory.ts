import fs from "node:fs";

/* Memory of a process tree, from /proc (Linux): what the server costs, and what the sandbox's containers cost. */

export interface TreeMemory {
  pids: number[];
  /** Sum of VmRSS over the tree, bytes. */
  rssBytes: number;
  /** Sum of VmHWM (each process's peak RSS) over the tree, bytes. */
  peakBytes: number;
  /** Sum of Pss (shared pages split between their users), bytes; 0 when smaps_rollup is not readable. */
  pssBytes: number;
}

function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function pss(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: read after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** The pids below `roots` (the roots included). */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const parent = parentOf(pid);
    if (parent === null) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (found.includes(pid)) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

export function treeMemory(roots: readonly number[]): TreeMemory {
  const pids = processTree(roots).filter((pid) => fs.existsSync(`/proc/${pid}`));
  let rssBytes = 0;
  let peakBytes = 0;
  let pssBytes = 0;
  for (const pid of pids) {
    rssBytes += statusField(pid, "VmRSS");
    peakBytes += statusField(pid, "VmHWM");
    pssBytes += pss(pid);
  }
  return { pids, rssBytes, peakBytes, pssBytes };
}

/** The containerd shims whose command line names `dir` (a sandbox's), with everything they run. */
export function shimsOf(dir: string): number[] {
  return allPids().filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return (argv[0] ?? "").includes("containerd-shim") && argv.some((arg) => arg.includes(dir));
    } catch {
      return false;
    }
  });
}

export const MIB = 1024 * 1024;
