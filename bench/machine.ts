import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

/** What the figures were measured on: they are ratios, but the machine still says how much they can wobble. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  dockerCli: string;
  /** 1, 5 and 15 minute load averages when the run began: on a shared machine they say how noisy the figures are. */
  loadAverage: string;
}

export function describeMachine(): Machine {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  let dockerCli = "unknown";
  try {
    dockerCli = execFileSync("docker", ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    // No CLI: the figures that need it say so themselves.
  }
  return {
    cpu: model.trim(),
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    dockerCli,
    loadAverage: os.loadavg().map((load) => load.toFixed(1)).join(" / "),
  };
}
