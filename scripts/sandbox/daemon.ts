import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { engineRequest, listEngineContainers, pingEngine } from "./engine-api";
import {
  descendantsOf,
  isAlive,
  listProcesses,
  namesDir,
  programName,
  readProcess,
  signal,
  sleep,
  thawProcess,
  unmountAllUnder,
  waitForExit,
  type ProcessInfo,
} from "./host-processes";
import { findExecutable, repoRoot } from "./paths";
import { unpinAll } from "./pinned-files";

/*
 * A throwaway dockerd with every piece of state under one folder (default <repo>/.sandbox, or
 * DOCKGRAPH_SANDBOX_DIR): data root, exec root (with its managed containerd), pidfile, socket, log.
 * Several sandboxes can run side by side in different folders; each one only ever touches its own.
 */

export const SANDBOX_DIR_ENV = "DOCKGRAPH_SANDBOX_DIR";
const MARKER = "sandbox.json";
// sun_path holds 108 bytes; the longest socket dockerd puts under the exec root is containerd's ttrpc one.
const LONGEST_SOCKET_SUFFIX = "/exec/containerd/containerd.sock.ttrpc";
const MAX_SOCKET_PATH = 107;
// dockerd uses a running system containerd (this socket) instead of starting its own.
const SYSTEM_CONTAINERD_SOCKET = "/run/containerd/containerd.sock";

export interface SandboxPaths {
  dir: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  socketPath: string;
  dockerHost: string;
  logFile: string;
  daemonConfigFile: string;
  markerFile: string;
  lockFile: string;
  manifestPath: string;
  /** DOCKER_CONFIG for the CLI: keeps the user's credential helpers and contexts out of the sandbox. */
  cliConfigDir: string;
  buildDir: string;
}

export interface SandboxInfo {
  dir: string;
  socketPath: string;
  dockerHost: string;
  pid: number;
  logFile: string;
  /** True when a live sandbox was found and reused instead of started. */
  reused: boolean;
}

export interface SandboxStatus {
  dir: string;
  running: boolean;
  pid: number | null;
  socketPath: string;
  dockerHost: string;
  logFile: string;
  manifestPath: string;
  seeded: boolean;
  engine: { version: string; apiVersion: string; storageDriver: string; containers: number; images: number } | null;
  /** Processes of this sandbox still alive (dockerd, containerd, shims), for debugging. */
  processes: { pid: number; program: string }[];
}

export interface StopReport {
  dir: string;
  wasRunning: boolean;
  containersKilled: number;
  /** The signal that ended dockerd, when it had to be signalled. */
  dockerdSignal: "SIGTERM" | "SIGKILL" | null;
  /** Leftover containerd, shims and container processes ended after dockerd. */
  leftoversKilled: { pid: number; program: string }[];
  unmounted: string[];
  cleaned: boolean;
  durationMs: number;
}

type Log = (line: string) => void;
const quiet: Log = () => undefined;

/** The sandbox folder: the argument, else DOCKGRAPH_SANDBOX_DIR, else <repo>/.sandbox; relative paths are taken from the repo root. */
export function sandboxDir(dir?: string): string {
  const chosen = dir ?? process.env[SANDBOX_DIR_ENV] ?? ".sandbox";
  return path.resolve(repoRoot(), chosen);
}

export function sandboxPaths(dir?: string): SandboxPaths {
  const root = sandboxDir(dir);
  const socketPath = path.join(root, "docker.sock");
  return {
    dir: root,
    dataRoot: path.join(root, "data"),
    execRoot: path.join(root, "exec"),
    pidFile: path.join(root, "docker.pid"),
    socketPath,
    dockerHost: `unix://${socketPath}`,
    logFile: path.join(root, "dockerd.log"),
    daemonConfigFile: path.join(root, "daemon.json"),
    markerFile: path.join(root, MARKER),
    lockFile: path.join(root, "start.lock"),
    manifestPath: path.join(root, "seed-manifest.json"),
    cliConfigDir: path.join(root, "cli-config"),
    buildDir: path.join(root, "build"),
  };
}

/** The sandbox folder behind a `unix://<dir>/docker.sock` host, or null when that host is not a sandbox. */
export function sandboxDirForHost(dockerHost: string): string | null {
  if (!dockerHost.startsWith("unix://")) return null;
  const socketPath = dockerHost.slice("unix://".length);
  const dir = path.dirname(socketPath);
  if (path.basename(socketPath) !== "docker.sock") return null;
  return fs.existsSync(path.join(dir, MARKER)) ? dir : null;
}

export function tailFile(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n").trimEnd();
  } catch {
    return "(no log)";
  }
}

function readPidFile(paths: SandboxPaths): number | null {
  try {
    const pid = Number(fs.readFileSync(paths.pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isSandboxDockerd(info: ProcessInfo | null, paths: SandboxPaths): info is ProcessInfo {
  return info !== null && programName(info) === "dockerd" && namesDir(info, paths.dir);
}

/** The containerd namespace of this sandbox when it has to share a system containerd. */
function containerdNamespace(paths: SandboxPaths): string {
  return `dockgraph-${createHash("sha256").update(paths.dir).digest("hex").slice(0, 12)}`;
}

/** A process of this sandbox: its command line names the folder, or (shims of a shared containerd) its namespace. */
function belongsToSandbox(info: ProcessInfo, paths: SandboxPaths): boolean {
  if (!/^(dockerd|containerd|containerd-shim.*)$/.test(programName(info))) return false;
  if (namesDir(info, paths.dir)) return true;
  const namespace = containerdNamespace(paths);
  return programName(info).startsWith("containerd-shim") && info.argv.includes(namespace);
}

/** dockerd, containerd and shims of this sandbox. */
function sandboxProcesses(paths: SandboxPaths, processes: readonly ProcessInfo[] = listProcesses()): ProcessInfo[] {
  return processes.filter((info) => belongsToSandbox(info, paths));
}

/** The live dockerd of this sandbox: the pidfile's pid when it is ours, else one found by its command line. */
function findDockerd(paths: SandboxPaths): number | null {
  const fromFile = readPidFile(paths);
  if (fromFile !== null && isAlive(fromFile) && isSandboxDockerd(readProcess(fromFile), paths)) return fromFile;
  const found = sandboxProcesses(paths).find((info) => programName(info) === "dockerd");
  return found ? found.pid : null;
}

/** The pid of this sandbox's live dockerd, or null; synchronous (reads the pidfile and /proc only). */
export function sandboxPid(dir?: string): number | null {
  const paths = sandboxPaths(dir);
  return fs.existsSync(paths.dir) ? findDockerd(paths) : null;
}

function assertCanRunDockerd(paths: SandboxPaths): string {
  if (process.platform !== "linux") throw new Error("The sandbox daemon needs Linux.");
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new Error("The sandbox daemon (dockerd) needs root. Run this command as root (e.g. with sudo).");
  }
  const longest = paths.dir + LONGEST_SOCKET_SUFFIX;
  if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
    throw new Error(
      `The sandbox folder path is too long for unix sockets (${longest} is ${Buffer.byteLength(longest)} bytes, max ${MAX_SOCKET_PATH}). ` +
        `Set ${SANDBOX_DIR_ENV} to a shorter path.`,
    );
  }
  const dockerd = findExecutable("dockerd");
  if (!dockerd) throw new Error("dockerd was not found. Install it with: apt-get install -y docker.io (or run: npm run system-packages)");
  return dockerd;
}

async function acquireLock(paths: SandboxPaths, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(paths.lockFile, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(paths.lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(fs.readFileSync(paths.lockFile, "utf8").trim() || "0");
    if (!holder || !isAlive(holder)) {
      fs.rmSync(paths.lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Another process (pid ${holder}) is starting the sandbox in ${paths.dir}; gave up waiting.`);
    await sleep(100);
  }
}

function dockerdArgs(paths: SandboxPaths, log: Log): string[] {
  const shared: string[] = [];
  if (fs.existsSync(SYSTEM_CONTAINERD_SOCKET)) {
    // dockerd then uses that containerd instead of its own: keep our containers in a namespace of their own.
    const namespace = containerdNamespace(paths);
    log(`sandbox: a system containerd is running (${SYSTEM_CONTAINERD_SOCKET}); the sandbox shares it, in namespace ${namespace}`);
    shared.push(`--containerd-namespace=${namespace}`, `--containerd-plugins-namespace=${namespace}-plugins`);
  }
  return [
    ...shared,
    `--data-root=${paths.dataRoot}`,
    `--exec-root=${paths.execRoot}`,
    `--pidfile=${paths.pidFile}`,
    `--host=${paths.dockerHost}`,
    // An empty config file: a daemon.json of the machine's own Docker must not leak in.
    `--config-file=${paths.daemonConfigFile}`,
    "--bridge=none",
    "--iptables=false",
    "--ip6tables=false",
    "--ip-masq=false",
    "--userland-proxy=false",
  ];
}

/**
 * Starts the sandbox daemon, or reuses the one already running in that folder.
 * Resolves once `/_ping` answers; on failure stops what it started and throws with the log's tail.
 */
export async function startSandbox(options: { dir?: string; timeoutMs?: number; log?: Log } = {}): Promise<SandboxInfo> {
  const paths = sandboxPaths(options.dir);
  const log = options.log ?? quiet;
  const timeoutMs = options.timeoutMs ?? Number(process.env.DOCKGRAPH_SANDBOX_START_TIMEOUT_MS ?? 60_000);
  const dockerd = assertCanRunDockerd(paths);
  fs.mkdirSync(paths.dir, { recursive: true });
  if (!fs.existsSync(paths.markerFile)) {
    fs.writeFileSync(paths.markerFile, `${JSON.stringify({ tool: "dockgraph-sandbox", dir: paths.dir, createdAt: new Date().toISOString() }, null, 2)}\n`);
  }
  const release = await acquireLock(paths, timeoutMs);
  try {
    const running = findDockerd(paths);
    if (running !== null && (await pingEngine(paths.socketPath))) {
      log(`sandbox: reusing dockerd (pid ${running}) at ${paths.dockerHost}`);
      return { dir: paths.dir, socketPath: paths.socketPath, dockerHost: paths.dockerHost, pid: running, logFile: paths.logFile, reused: true };
    }
    if (running !== null || sandboxProcesses(paths).length > 0) {
      log("sandbox: a previous daemon in this folder is not answering; stopping it first");
      await stopSandbox({ dir: paths.dir, log });
    } else {
      // Leftovers of a crashed run (mounts, stale socket) would make dockerd fail.
      unmountAllUnder(paths.dir);
    }
    fs.rmSync(paths.socketPath, { force: true });
    fs.rmSync(paths.pidFile, { force: true });
    if (!fs.existsSync(paths.daemonConfigFile)) fs.writeFileSync(paths.daemonConfigFile, "{}\n");

    const logFd = fs.openSync(paths.logFile, "a");
    fs.writeSync(logFd, `\n===== dockgraph sandbox start ${new Date().toISOString()} =====\n`);
    const env = { ...process.env };
    for (const key of ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "NOTIFY_SOCKET", "http_proxy", "https_proxy", "no_proxy"]) delete env[key];
    // The sandbox must never go looking for a registry (an image it lacks would be pulled): its outbound HTTP goes to a
    // closed loopback port, so a pull fails at once without resolving any name; loopback itself stays direct.
    Object.assign(env, { HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "localhost,127.0.0.1,::1" });
    const started = Date.now();
    // Detached: its own process group, so a Ctrl-C in the terminal reaches our cleanup, not dockerd directly.
    const child = spawn(dockerd, dockerdArgs(paths, log), { detached: true, stdio: ["ignore", logFd, logFd], env });
    fs.closeSync(logFd);
    let exited: string | null = null;
    child.on("exit", (code, sig) => {
      exited = sig ? `signal ${sig}` : `exit code ${code}`;
    });
    child.on("error", (error) => {
      exited = error.message;
    });
    child.unref();
    const pid = child.pid ?? -1;

    const deadline = started + timeoutMs;
    while (!(await pingEngine(paths.socketPath, 1_000))) {
      if (exited !== null || Date.now() > deadline) {
        const reason = exited !== null ? `dockerd exited (${exited})` : `dockerd did not answer /_ping within ${timeoutMs} ms`;
        const tail = tailFile(paths.logFile);
        await stopSandbox({ dir: paths.dir, log });
        throw new Error(`Sandbox daemon failed to start: ${reason}.\nLog (${paths.logFile}), last lines:\n${tail}`);
      }
      await sleep(100);
    }
    log(`sandbox: dockerd (pid ${pid}) ready at ${paths.dockerHost} in ${Date.now() - started} ms`);
    return { dir: paths.dir, socketPath: paths.socketPath, dockerHost: paths.dockerHost, pid, logFile: paths.logFile, reused: false };
  } finally {
    release();
  }
}

async function killAllContainers(paths: SandboxPaths, log: Log): Promise<number> {
  let containers;
  try {
    containers = await listEngineContainers(paths.socketPath);
  } catch (error) {
    log(`sandbox: could not list containers (${(error as Error).message}); relying on signals`);
    return 0;
  }
  let killed = 0;
  const live = containers.filter((container) => ["running", "paused", "restarting"].includes(container.State));
  await Promise.all(
    live.map(async (container) => {
      const id = container.Id;
      try {
        // A paused container would keep dockerd waiting at shutdown and pin its shim and mounts.
        if (container.State === "paused") await engineRequest(paths.socketPath, "POST", `/containers/${id}/unpause`);
        if (container.State === "restarting") {
          await engineRequest(paths.socketPath, "POST", `/containers/${id}/update`, { body: { RestartPolicy: { Name: "no" } } });
        }
        const response = await engineRequest(paths.socketPath, "POST", `/containers/${id}/kill`, { timeoutMs: 15_000 });
        if (response.status === 204) killed += 1;
      } catch (error) {
        log(`sandbox: could not kill container ${id.slice(0, 12)}: ${(error as Error).message}`);
      }
    }),
  );
  // Wait (briefly) until the daemon has recorded every exit, so it shuts down without waiting on any.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const states = await listEngineContainers(paths.socketPath).catch(() => []);
    if (!states.some((container) => ["running", "paused", "restarting"].includes(container.State))) break;
    await sleep(100);
  }
  return killed;
}

/** Ends this sandbox's leftover containerd, shims and the container processes below the shims. */
async function killLeftovers(paths: SandboxPaths): Promise<{ pid: number; program: string }[]> {
  const processes = listProcesses();
  const ours = sandboxProcesses(paths, processes);
  if (ours.length === 0) return [];
  const shims = ours.filter((info) => programName(info).startsWith("containerd-shim"));
  const below = descendantsOf(
    shims.map((info) => info.pid),
    processes,
  );
  const victims = [...below, ...ours];
  for (const info of victims) thawProcess(info.pid);
  for (const info of victims) signal(info.pid, "SIGKILL");
  await waitForExit(
    victims.map((info) => info.pid),
    5_000,
  );
  return victims.map((info) => ({ pid: info.pid, program: programName(info) }));
}

function looksLikeSandbox(paths: SandboxPaths): boolean {
  if (fs.existsSync(paths.markerFile)) return true;
  try {
    return fs.readdirSync(paths.dir).length === 0;
  } catch {
    return false;
  }
}

/**
 * Stops the sandbox: kills every container through the API (unpausing first), SIGTERMs dockerd by its
 * pidfile pid (SIGKILL after `timeoutMs`), ends leftover containerd/shims of this folder only, lazily
 * unmounts whatever is still mounted below the folder, and with `clean` removes the folder.
 */
export async function stopSandbox(options: { dir?: string; clean?: boolean; timeoutMs?: number; log?: Log } = {}): Promise<StopReport> {
  const paths = sandboxPaths(options.dir);
  const log = options.log ?? quiet;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const started = Date.now();
  const report: StopReport = {
    dir: paths.dir,
    wasRunning: false,
    containersKilled: 0,
    dockerdSignal: null,
    leftoversKilled: [],
    unmounted: [],
    cleaned: false,
    durationMs: 0,
  };
  if (!fs.existsSync(paths.dir)) {
    report.durationMs = Date.now() - started;
    return report;
  }

  const pid = findDockerd(paths);
  if (pid !== null) {
    report.wasRunning = true;
    if (await pingEngine(paths.socketPath)) report.containersKilled = await killAllContainers(paths, log);
    signal(pid, "SIGTERM");
    report.dockerdSignal = "SIGTERM";
    const still = await waitForExit([pid], timeoutMs);
    if (still.length > 0) {
      log(`sandbox: dockerd (pid ${pid}) ignored SIGTERM for ${timeoutMs} ms; sending SIGKILL`);
      signal(pid, "SIGKILL");
      report.dockerdSignal = "SIGKILL";
      await waitForExit([pid], 5_000);
    }
  }
  // dockerd stops its managed containerd on a clean exit; after a crash or SIGKILL, it and the shims remain.
  await sleep(0);
  const leftoverDeadline = Date.now() + 3_000;
  while (Date.now() < leftoverDeadline && sandboxProcesses(paths).some((info) => programName(info) === "containerd")) await sleep(100);
  report.leftoversKilled = await killLeftovers(paths);
  for (const leftover of report.leftoversKilled) log(`sandbox: killed leftover ${leftover.program} (pid ${leftover.pid})`);

  report.unmounted = unmountAllUnder(paths.dir);
  fs.rmSync(paths.socketPath, { force: true });
  fs.rmSync(paths.pidFile, { force: true });

  if (options.clean) {
    if (!looksLikeSandbox(paths)) {
      throw new Error(`Refusing to delete ${paths.dir}: it has no ${MARKER}, so it does not look like a sandbox folder.`);
    }
    unpinAll(paths.dir);
    for (let attempt = 0; ; attempt += 1) {
      try {
        fs.rmSync(paths.dir, { recursive: true, force: true });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        unmountAllUnder(paths.dir);
        // Immutable files (a dead container's pin whose record was lost) block deletion even for root.
        const chattr = findExecutable("chattr");
        if (chattr) spawnSync(chattr, ["-R", "-f", "-i", paths.dataRoot], { stdio: "ignore" });
        await sleep(200);
      }
    }
    report.cleaned = true;
  }
  report.durationMs = Date.now() - started;
  return report;
}

export async function sandboxStatus(options: { dir?: string } = {}): Promise<SandboxStatus> {
  const paths = sandboxPaths(options.dir);
  const pid = fs.existsSync(paths.dir) ? findDockerd(paths) : null;
  const running = pid !== null && (await pingEngine(paths.socketPath));
  let engine: SandboxStatus["engine"] = null;
  if (running) {
    const [version, info] = await Promise.all([
      engineRequest(paths.socketPath, "GET", "/version"),
      engineRequest(paths.socketPath, "GET", "/info"),
    ]);
    const v = version.body as { Version?: string; ApiVersion?: string };
    const i = info.body as { Driver?: string; Containers?: number; Images?: number };
    engine = {
      version: v.Version ?? "?",
      apiVersion: v.ApiVersion ?? "?",
      storageDriver: i.Driver ?? "?",
      containers: i.Containers ?? 0,
      images: i.Images ?? 0,
    };
  }
  return {
    dir: paths.dir,
    running,
    pid,
    socketPath: paths.socketPath,
    dockerHost: paths.dockerHost,
    logFile: paths.logFile,
    manifestPath: paths.manifestPath,
    seeded: fs.existsSync(paths.manifestPath),
    engine,
    processes: fs.existsSync(paths.dir) ? sandboxProcesses(paths).map((info) => ({ pid: info.pid, program: programName(info) })) : [],
  };
}
