import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findExecutable } from "./paths";

/*
 * A *dead* container is one whose removal failed half-way. The seed makes one on purpose by marking a
 * file of its writable layer immutable (chattr +i) before `docker rm`: the daemon marks the container
 * dead, then fails to delete the layer. Pinned files are listed in <sandbox>/pinned-files.txt so that
 * reset and `stop --clean` can unpin them; nothing else could delete them.
 */

const LIST = "pinned-files.txt";

function chattr(flag: "+i" | "-i", file: string): boolean {
  const tool = findExecutable("chattr");
  if (!tool) return false;
  return spawnSync(tool, [flag, file], { encoding: "utf8" }).status === 0;
}

/** Marks `file` immutable and records it; false when the file system or the machine cannot. */
export function pinFile(sandboxDir: string, file: string): boolean {
  if (!chattr("+i", file)) return false;
  fs.appendFileSync(path.join(sandboxDir, LIST), `${file}\n`);
  return true;
}

/** Unpins every recorded file of the sandbox (missing ones are skipped) and forgets them. */
export function unpinAll(sandboxDir: string): number {
  const list = path.join(sandboxDir, LIST);
  let files: string[];
  try {
    files = fs.readFileSync(list, "utf8").split("\n").filter((line) => line.length > 0);
  } catch {
    return 0;
  }
  let count = 0;
  for (const file of files) {
    if (fs.existsSync(file) && chattr("-i", file)) count += 1;
  }
  fs.rmSync(list, { force: true });
  return count;
}
