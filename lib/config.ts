import { randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The server's configuration, read from the environment once and validated.
 * Nothing else in the code base reads process.env.
 * Not marked server-only: the start scripts (plain tsx, outside Next) validate with it before they start the server;
 * a client bundle cannot take it anyway (node:fs, node:crypto).
 */

/** A good value for each variable, shown beside every problem with it. */
const EXAMPLES: Record<string, string> = {
  DOCKER_HOST: "DOCKER_HOST=unix:///var/run/docker.sock or DOCKER_HOST=tcp://docker.example:2376",
  DOCKER_TLS_VERIFY: "DOCKER_TLS_VERIFY=1",
  DOCKER_CERT_PATH: "DOCKER_CERT_PATH=$HOME/.docker (a folder with ca.pem, cert.pem and key.pem)",
  DOCKER_CONTEXT: "DOCKER_CONTEXT=default",
  DOCKER_CONFIG: "DOCKER_CONFIG=$HOME/.docker",
  PORT: "PORT=3000",
  DOCKGRAPH_BIND: "DOCKGRAPH_BIND=127.0.0.1 (this machine only) or DOCKGRAPH_BIND=0.0.0.0 with DOCKGRAPH_TOKEN",
  DOCKGRAPH_TOKEN: "DOCKGRAPH_TOKEN=$(openssl rand -hex 16)",
  DOCKGRAPH_READ_ONLY: "DOCKGRAPH_READ_ONLY=1",
  DOCKGRAPH_ALLOWED_HOSTS: "DOCKGRAPH_ALLOWED_HOSTS=dockgraph.example,192.168.1.20",
  DOCKGRAPH_DATA_DIR: "DOCKGRAPH_DATA_DIR=.data",
  DOCKGRAPH_DOCKER_TIMEOUT_MS: "DOCKGRAPH_DOCKER_TIMEOUT_MS=15000",
};

/** Variables whose value is a secret: their problems never repeat the value. */
const SECRET_VARIABLES = new Set(["DOCKGRAPH_TOKEN"]);

const CERT_FILES = ["ca.pem", "cert.pem", "key.pem"] as const;

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and the name localhost. */
export function isLoopbackAddress(address: string): boolean {
  const value = address.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (value === "localhost" || value.endsWith(".localhost")) return true;
  if (value === "::1") return true;
  const v4 = value.startsWith("::ffff:") ? value.slice("::ffff:".length) : value;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

const booleanFlag = z
  .enum(["", "0", "1", "false", "true", "no", "yes"], { error: "must be 1 or 0 (also true/false, yes/no)" })
  .default("")
  .transform((value) => value === "1" || value === "true" || value === "yes");

const wholeNumber = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be ${what} (a whole number from ${min} to ${max})`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `must be ${what} (a whole number from ${min} to ${max})`);

/** Why a DOCKER_CERT_PATH folder cannot be used, or null when it holds readable ca.pem, cert.pem and key.pem. */
function certFolderProblem(folder: string): string | null {
  try {
    if (!statSync(/*turbopackIgnore: true*/ folder).isDirectory()) return "is not a folder";
  } catch {
    return "does not exist";
  }
  const unreadable = CERT_FILES.filter((file) => {
    try {
      // A folder named at run time, not a file of the app: keep the build from tracing the whole project for it.
      accessSync(path.join(/*turbopackIgnore: true*/ folder, file), fsConstants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  return unreadable.length === 0 ? null : `has no readable ${unreadable.join(", ")} (it needs ca.pem, cert.pem and key.pem)`;
}

const envSchema = z
  .object({
    DOCKER_HOST: z
      .string()
      .trim()
      .refine((value) => !value.startsWith("ssh://"), {
        error:
          "ssh:// is not supported yet; forward the daemon's socket instead (ssh -NL /tmp/docker.sock:/var/run/docker.sock user@host, then DOCKER_HOST=unix:///tmp/docker.sock) or use tcp:// with TLS",
        abort: true,
      })
      .refine((value) => /^(unix|tcp|http|https|npipe):\/\/.+/.test(value), "must be unix:///path/to/docker.sock or tcp://host:port")
      .optional(),
    DOCKER_TLS_VERIFY: booleanFlag,
    DOCKER_CERT_PATH: z.string().trim().optional(),
    DOCKER_CONTEXT: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/, "must be a Docker context name (letters, digits, _ . + -)")
      .optional(),
    DOCKER_CONFIG: z.string().trim().optional(),
    PORT: wholeNumber(1, 65535, "a port number").default(3000),
    DOCKGRAPH_BIND: z
      .string()
      .trim()
      .refine((value) => value === "localhost" || isIP(value.replace(/^\[(.*)\]$/, "$1")) !== 0, "must be an IP address to listen on")
      .optional(),
    DOCKGRAPH_TOKEN: z
      .string()
      .trim()
      .min(16, "must be at least 16 characters")
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
      .optional(),
    DOCKGRAPH_READ_ONLY: booleanFlag,
    DOCKGRAPH_ALLOWED_HOSTS: z
      .string()
      .default("")
      .transform((value) =>
        value
          .split(",")
          .map((host) => host.trim().toLowerCase())
          .filter((host) => host.length > 0),
      )
      .refine((hosts) => hosts.every((host) => /^[a-z0-9.:[\]-]+$/.test(host)), "must be host names or addresses, separated by commas"),
    DOCKGRAPH_DATA_DIR: z.string().trim().default(".data"),
    DOCKGRAPH_DOCKER_TIMEOUT_MS: wholeNumber(100, 600_000, "milliseconds").default(15_000),
    DOCKGRAPH_CONSISTENCY_CHECK_MS: wholeNumber(100, 86_400_000, "milliseconds").default(60_000),
  })
  .superRefine((values, context) => {
    const usesCertPath = values.DOCKER_HOST !== undefined && /^(tcp|http|https):/.test(values.DOCKER_HOST);
    if (usesCertPath && values.DOCKER_CERT_PATH !== undefined) {
      const problem = certFolderProblem(values.DOCKER_CERT_PATH);
      if (problem !== null) context.addIssue({ code: "custom", path: ["DOCKER_CERT_PATH"], message: problem });
    }
    if (values.DOCKGRAPH_TOKEN === undefined) {
      const bind = values.DOCKGRAPH_BIND;
      if (bind !== undefined && isIP(bind.replace(/^\[(.*)\]$/, "$1")) !== 0 && !isLoopbackAddress(bind)) {
        context.addIssue({
          code: "custom",
          path: ["DOCKGRAPH_BIND"],
          message: "listens beyond this machine, which needs DOCKGRAPH_TOKEN too (every request then needs a session); or bind 127.0.0.1",
        });
      }
      const remoteName = values.DOCKGRAPH_ALLOWED_HOSTS.find((host) => !isLoopbackAddress(host));
      if (remoteName !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["DOCKGRAPH_ALLOWED_HOSTS"],
          message: `names ${remoteName}, which is reached from beyond this machine: that needs DOCKGRAPH_TOKEN too (every request then needs a session)`,
        });
      }
    }
  });

/** Where `next start` really listens, read from its command line (it ignores DOCKGRAPH_BIND). */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * The address of a `next start` / `next dev` process from its arguments (`-H`/`--hostname`, `-p`/`--port`), or null
 * when this process is not the Next CLI. Without -H, Next listens on every interface.
 */
export function nextListenAddress(argv: readonly string[], env: Record<string, string | undefined>): ListenAddress | null {
  const script = argv[1] ?? "";
  if (!/[\\/]next([\\/]dist[\\/]bin[\\/]next)?$/.test(script) || !argv.slice(2).some((arg) => arg === "start" || arg === "dev")) return null;
  const option = (short: string, long: string): string | undefined => {
    for (let index = 2; index < argv.length; index++) {
      const arg = argv[index] ?? "";
      if (arg === short || arg === long) return argv[index + 1];
      if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
    }
    return undefined;
  };
  const port = Number(option("-p", "--port") ?? env.PORT ?? "3000");
  return { host: option("-H", "--hostname") ?? "::", port: Number.isInteger(port) ? port : 3000 };
}

export interface Config {
  /** As given, or undefined for the default socket. */
  dockerHost: string | undefined;
  dockerTlsVerify: boolean;
  dockerCertPath: string | undefined;
  /** DOCKER_CONTEXT: a Docker CLI context to use when DOCKER_HOST is not set. */
  dockerContext: string | undefined;
  /** The Docker CLI's configuration folder (DOCKER_CONFIG, else ~/.docker): its current context and contexts. */
  dockerConfigDir: string;
  port: number;
  bind: string;
  /**
   * Reachable from beyond this machine (bound beyond loopback, or answering to a non-loopback name): an explicit
   * token is required and every request needs a session or the token.
   */
  remote: boolean;
  token: string;
  /** True when the token was generated at start (not set by the user). */
  tokenGenerated: boolean;
  readOnly: boolean;
  allowedHosts: readonly string[];
  dataDir: string;
  dockerTimeoutMs: number;
  /** How often the live host model compares itself with the daemon's lists (drift after dropped events). */
  consistencyCheckMs: number;
}

/** `NAME=` (empty) means unset, as the Docker CLI reads DOCKER_HOST=. */
function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
}

function issueVariable(issue: z.core.$ZodIssue): string {
  return String(issue.path[0] ?? "configuration");
}

/**
 * Every problem with the configuration, in words: the variable, what is wrong with its value, and a good value.
 * Empty when the server can start. `listen` is where the server really listens when that is not DOCKGRAPH_BIND.
 */
export function configProblems(rawEnv: Record<string, string | undefined>, listen: ListenAddress | null = null): string[] {
  const env = withoutEmptyValues(rawEnv);
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const variable = issueVariable(issue);
      const raw = env[variable];
      const shown = raw === undefined ? "" : SECRET_VARIABLES.has(variable) ? ` (${raw.trim().length} characters)` : `=${JSON.stringify(raw)}`;
      const line = `${variable}${shown}: ${issue.message}; for example ${EXAMPLES[variable] ?? `${variable}=…`}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
  }
  if (listen !== null) {
    const bind = env.DOCKGRAPH_BIND?.trim();
    if (bind !== undefined && bind !== "" && bind !== listen.host) {
      problems.push(
        `DOCKGRAPH_BIND=${JSON.stringify(bind)} but the server listens on ${listen.host === "::" ? "every interface (next start without -H)" : listen.host}; for example next start -H ${bind}, or npm start, which passes DOCKGRAPH_BIND to next`,
      );
    } else if (!isLoopbackAddress(listen.host) && env.DOCKGRAPH_TOKEN === undefined && bind === undefined) {
      problems.push(
        `DOCKGRAPH_TOKEN is not set but the server listens on ${listen.host === "::" ? "every interface (next start without -H)" : listen.host}, beyond this machine; for example next start -H 127.0.0.1, or set ${EXAMPLES.DOCKGRAPH_TOKEN}`,
      );
    }
  }
  return problems;
}

/** The problems as one message, for the console, the 500 page and the JSON error. */
export function describeProblems(problems: readonly string[]): string {
  return ["dockgraph cannot start: its configuration has a problem.", ...problems.map((problem) => `  - ${problem}`)].join("\n");
}

export function parseConfig(env: Record<string, string | undefined>, listen: ListenAddress | null = null): Config {
  const problems = configProblems(env, listen);
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (problems.length > 0 || !parsed.success) throw new AppError("misconfigured", describeProblems(problems));
  const values = parsed.data;
  const bind = listen?.host ?? values.DOCKGRAPH_BIND ?? "127.0.0.1";
  return {
    dockerHost: values.DOCKER_HOST,
    dockerTlsVerify: values.DOCKER_TLS_VERIFY,
    dockerCertPath: values.DOCKER_CERT_PATH,
    dockerContext: values.DOCKER_CONTEXT,
    dockerConfigDir: values.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"),
    port: listen?.port ?? values.PORT,
    bind,
    remote: !isLoopbackAddress(bind) || values.DOCKGRAPH_ALLOWED_HOSTS.some((host) => !isLoopbackAddress(host)),
    token: values.DOCKGRAPH_TOKEN ?? randomBytes(24).toString("base64url"),
    tokenGenerated: values.DOCKGRAPH_TOKEN === undefined,
    readOnly: values.DOCKGRAPH_READ_ONLY,
    allowedHosts: values.DOCKGRAPH_ALLOWED_HOSTS,
    dataDir: values.DOCKGRAPH_DATA_DIR,
    dockerTimeoutMs: values.DOCKGRAPH_DOCKER_TIMEOUT_MS,
    consistencyCheckMs: values.DOCKGRAPH_CONSISTENCY_CHECK_MS,
  };
}

// Kept on globalThis so a generated token survives module reloads in development, and so the proxy, the
// instrumentation hook and the route handlers (bundled apart) share one configuration.
const holder = globalThis as typeof globalThis & { __dockgraphConfig?: Config; __dockgraphProblems?: readonly string[] };

/** Where this process listens, when it is `next start` (its -H and -p), else null. */
export function processListenAddress(): ListenAddress | null {
  return nextListenAddress(process.argv, process.env);
}

/** The problems of this process's configuration (computed once: the environment does not change). */
export function startupProblems(): readonly string[] {
  holder.__dockgraphProblems ??= configProblems(process.env, processListenAddress());
  return holder.__dockgraphProblems;
}

/** `next dev`: React's dev tooling needs a looser Content-Security-Policy. */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV === "development";
}

export function getConfig(): Config {
  holder.__dockgraphConfig ??= parseConfig(process.env, processListenAddress());
  return holder.__dockgraphConfig;
}
