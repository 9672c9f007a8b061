import { createHash } from "node:crypto";

/*
 * A minimal ustar writer: enough for docker-save tarballs (files, directories, symlinks with short names),
 * so the host generator can build thousands of images without running a single build.
 */

export interface TarEntry {
  name: string;
  type: "file" | "directory" | "symlink";
  content?: Buffer;
  linkName?: string;
  mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(entry: TarEntry, size: number): Buffer {
  if (Buffer.byteLength(entry.name) > 100) throw new Error(`tar entry name too long: ${entry.name}`);
  const block = Buffer.alloc(BLOCK);
  block.write(entry.name, 0, 100, "utf8");
  const mode = entry.mode ?? (entry.type === "directory" ? 0o755 : entry.type === "symlink" ? 0o777 : 0o644);
  block.write(octal(mode, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(0, 12), 136);
  // The checksum is computed with its own field as spaces.
  block.write("        ", 148);
  block.write(entry.type === "directory" ? "5" : entry.type === "symlink" ? "2" : "0", 156);
  if (entry.linkName) block.write(entry.linkName, 157, 100, "utf8");
  block.write("ustar\0", 257);
  block.write("00", 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

/** The bytes of a tar archive holding `entries`, in order. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === "file" ? (entry.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(header(entry, content.length));
    if (content.length > 0) {
      parts.push(content);
      const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
      if (padding > 0) parts.push(Buffer.alloc(padding));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}
