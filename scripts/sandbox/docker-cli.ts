import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findExecutable } from "./paths";
import { sandboxDirForHost } from "./daemon";

export interface DockerResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface DockerOptions {
  /** Throw on a non-zero exit (default true). */
  check?: boolean;
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

// The classic builder is deprecated in newer CLIs, which say so on every build: not the error.
const NOTICE = /^(DEPRECATED: The legacy builder|\s+BuildKit is currently disabled|\s+environment-variable\.)/;

function withoutNotices(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => line.trim().length > 0 && !NOTICE.test(line))
    .join("\n")
    .trim();
}

export class DockerCliError extends Error {
  readonly result: DockerResult;
  readonly args: readonly string[];

  constructor(args: readonly string[], result: DockerResult) {
    super(`docker ${args.join(" ")} failed (exit ${result.code}): ${withoutNotices(result.stderr) || result.stdout.trim()}`);
    this.name = "DockerCliError";
    this.args = args;
    this.result = result;
  }
}

function cliEnvironment(dockerHost: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CLI_HINTS: "false", ...extra };
  for (const key of ["DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"]) delete env[key];
  const sandbox = sandboxDirForHost(dockerHost);
  if (sandbox !== null) {
    // The user's ~/.docker (credential helpers, contexts) has no business in a sandbox build.
    const configDir = path.join(sandbox, "cli-config");
    fs.mkdirSync(configDir, { recursive: true });
    env.DOCKER_CONFIG = configDir;
  }
  return env;
}

/** Runs the docker CLI against `dockerHost`; resolves with stdout, stderr and the exit code. */
export function runDocker(dockerHost: string, args: readonly string[], options: DockerOptions = {}): Promise<DockerResult> {
  const docker = findExecutable("docker");
  if (!docker) return Promise.reject(new Error("The docker CLI was not found on PATH. Install it with: apt-get install -y docker.io"));
  return new Promise((resolve, reject) => {
    const child = spawn(docker, args, {
      cwd: options.cwd,
      env: cliEnvironment(dockerHost, options.env),
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    const timer =
      options.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.on("error", (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, sig) => {
      if (timer) clearTimeout(timer);
      const result = {
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code: code ?? (sig ? 128 : 1),
      };
      if (result.code !== 0 && options.check !== false) reject(new DockerCliError(args, result));
      else resolve(result);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** `runDocker` that returns trimmed stdout and throws on failure. */
export async function docker(dockerHost: string, args: readonly string[], options: Omit<DockerOptions, "check"> = {}): Promise<string> {
  return (await runDocker(dockerHost, args, options)).stdout.trim();
}
