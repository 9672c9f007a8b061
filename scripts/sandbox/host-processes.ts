import { spawnSync } from "node:child_process";
import fs from "node:fs";

/*
 * Process and mount bookkeeping for the sandbox, read from /proc. Everything here is scoped by the
 * sandbox directory: a process or mount qualifies only when its command line or mount point names it.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie still answers signal 0 but is dead for our purposes.
  return readProcessState(pid) !== "Z";
}

function readProcessState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch {
    return null;
  }
}

export function readProcess(pid: number): ProcessInfo | null {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((part) => part.length > 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return { pid, ppid, argv };
  } catch {
    return null;
  }
}

export function listProcesses(): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info && info.argv.length > 0) result.push(info);
  }
  return result;
}

/** True when one of the process's arguments names a path inside `dir` (not a sibling such as `<dir>-ui`). */
export function namesDir(info: ProcessInfo, dir: string): boolean {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return info.argv.some((arg) => arg.includes(prefix) || arg === dir);
}

export function programName(info: ProcessInfo): string {
  const first = info.argv[0] ?? "";
  return first.slice(first.lastIndexOf("/") + 1);
}

/** Every descendant of the given pids (children first found, deepest last). */
export function descendantsOf(pids: readonly number[], processes: readonly ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  const frontier = new Set(pids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const info of processes) {
      if (frontier.has(info.ppid) && !frontier.has(info.pid)) {
        frontier.add(info.pid);
        result.push(info);
        grew = true;
      }
    }
  }
  return result;
}

export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

export async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/**
 * A frozen (paused) process cannot act on SIGKILL until its cgroup is thawed: thaw it first.
 * Handles the v1 freezer and the v2 `cgroup.freeze` file.
 */
export function thawProcess(pid: number): void {
  let lines: string[];
  try {
    lines = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n");
  } catch {
    return;
  }
  for (const line of lines) {
    const [, controllers, cgroupPath] = line.split(":");
    if (cgroupPath === undefined || cgroupPath === "/") continue;
    const target =
      controllers === "freezer"
        ? { file: `/sys/fs/cgroup/freezer${cgroupPath}/freezer.state`, value: "THAWED" }
        : controllers === ""
          ? { file: `/sys/fs/cgroup${cgroupPath}/cgroup.freeze`, value: "0" }
          : null;
    if (!target) continue;
    try {
      fs.writeFileSync(target.file, target.value);
    } catch {
      // Not frozen through this hierarchy, or not ours to thaw.
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Mount points at or below `dir`, deepest first, from /proc/self/mountinfo. */
export function mountsUnder(dir: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  const prefix = `${dir}/`;
  const points = new Set<string>();
  for (const line of text.split("\n")) {
    const field = line.split(" ")[4];
    if (field === undefined) continue;
    const point = field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    if (point === dir || point.startsWith(prefix)) points.add(point);
  }
  return [...points].sort((a, b) => b.split("/").length - a.split("/").length || b.length - a.length);
}

/** Lazily unmounts everything at or below `dir`; returns what it unmounted. */
export function unmountAllUnder(dir: string): string[] {
  const done: string[] = [];
  for (let round = 0; round < 5; round += 1) {
    const points = mountsUnder(dir);
    if (points.length === 0) break;
    for (const point of points) {
      const result = spawnSync("umount", ["-l", point], { encoding: "utf8" });
      if (result.status === 0) done.push(point);
    }
  }
  return done;
}
