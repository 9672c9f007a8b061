import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./sandbox/paths";

/*
 * Typed access to scripts/system-packages.sh (the one implementation: CI runs it before `npm ci`,
 * when no TypeScript runner is installed yet).
 */

export type Need = "docker" | "busybox" | "chromium";

const script = () => path.join(repoRoot(), "scripts", "system-packages.sh");

/** True when everything `needs` asks for is installed. */
export function hasSystemPackages(needs: readonly Need[]): boolean {
  return spawnSync("bash", [script(), "--check", ...needs], { stdio: "ignore" }).status === 0;
}

/** Installs what is missing (as root) or throws with the command to run. */
export function ensureSystemPackages(needs: readonly Need[] = ["docker", "busybox", "chromium"]): void {
  const result = spawnSync("bash", [script(), ...needs], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`System packages missing (${needs.join(", ")}): see the message above.`);
}
