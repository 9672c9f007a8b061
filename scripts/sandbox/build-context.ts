import fs from "node:fs";
import path from "node:path";
import { findExecutable } from "./paths";

/*
 * The build context every seeded image starts from: a static busybox (from Debian's busybox-static),
 * so images can be built FROM scratch without any registry, plus a few tiny stand-ins for the
 * programs the seed documents show (python app.py, /bin/bash).
 */

const PT_INTERP = 3;

/** True for an ELF executable without a program interpreter, i.e. statically linked. */
export function isStaticElf(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const header = Buffer.alloc(64);
    if (fs.readSync(fd, header, 0, 64, 0) < 64 || header.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = header[4] === 2;
    const little = header[5] === 1;
    const u16 = (offset: number) => (little ? header.readUInt16LE(offset) : header.readUInt16BE(offset));
    const phoff = is64 ? Number(little ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32)) : little ? header.readUInt32LE(28) : header.readUInt32BE(28);
    const phentsize = u16(is64 ? 54 : 42);
    const phnum = u16(is64 ? 56 : 44);
    const table = Buffer.alloc(phentsize * phnum);
    fs.readSync(fd, table, 0, table.length, phoff);
    for (let index = 0; index < phnum; index += 1) {
      const type = little ? table.readUInt32LE(index * phentsize) : table.readUInt32BE(index * phentsize);
      if (type === PT_INTERP) return false;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/** The static busybox on this machine, or a clear error saying how to get one. */
export function findStaticBusybox(): string {
  const found = findExecutable("busybox");
  if (!found) throw new Error("busybox was not found. Install the static build with: apt-get install -y busybox-static");
  const real = fs.realpathSync(found);
  if (!isStaticElf(real)) {
    throw new Error(`${found} is not statically linked, so it cannot run in a FROM scratch image. Install: apt-get install -y busybox-static`);
  }
  return real;
}

const FILES: Record<string, { mode: number; text: string }> = {
  // training/webapp ran "python app.py"; this stand-in prints a line and exits with $EXIT_CODE.
  python: {
    mode: 0o755,
    text: '#!/bin/sh\necho " * Running $1 on http://0.0.0.0:5000/ (Press CTRL+C to quit)"\nexit "${EXIT_CODE:-0}"\n',
  },
  "app.py": { mode: 0o644, text: 'from flask import Flask\napp = Flask(__name__)\n\n@app.route("/")\ndef hello():\n    return "Hello world!"\n' },
  bash: { mode: 0o755, text: '#!/bin/sh\nexec /bin/sh "$@"\n' },
  "hello.txt": {
    mode: 0o644,
    text: "\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n",
  },
};

/** Writes the build context into `dir` (idempotent) and returns it. */
export function prepareBuildContext(dir: string): string {
  const context = path.join(dir, "context");
  fs.mkdirSync(context, { recursive: true });
  const busybox = findStaticBusybox();
  const target = path.join(context, "busybox");
  const source = fs.statSync(busybox);
  const existing = fs.existsSync(target) ? fs.statSync(target) : null;
  if (!existing || existing.size !== source.size) {
    fs.copyFileSync(busybox, target);
    fs.chmodSync(target, 0o755);
  }
  // A fixed mtime keeps COPY's cache key stable between seeds.
  fs.utimesSync(target, 0, 0);
  for (const [name, file] of Object.entries(FILES)) {
    const filePath = path.join(context, name);
    fs.writeFileSync(filePath, file.text, { mode: file.mode });
    fs.chmodSync(filePath, file.mode);
    fs.utimesSync(filePath, 0, 0);
  }
  return context;
}

/** The first steps of every seeded image: busybox as the whole userland. */
export const BASE_STEPS = [
  "FROM scratch",
  "COPY busybox /bin/busybox",
  'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /root /etc /var/log /opt && chmod 1777 /tmp"]',
];

/** A command that runs until stopped and exits 0 on SIGTERM, so `docker stop` is immediate. */
export const LONG_RUNNING = ["sh", "-c", "trap 'exit 0' TERM INT; sleep 2147483647 & wait"];
