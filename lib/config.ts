import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The server's configuration, read from the environment once and validated.
 * Nothing else in the code base reads process.env.
 */
const booleanFlag = z
  .enum(["", "0", "1", "false", "true", "no", "yes"])
  .default("")
  .transform((value) => value === "1" || value === "true" || value === "yes");

const envSchema = z.object({
  DOCKER_HOST: z
    .string()
    .trim()
    .regex(/^(unix|tcp|http|https|npipe):\/\/.+/, "must look like unix:///var/run/docker.sock or tcp://host:2376")
    .optional(),
  DOCKER_TLS_VERIFY: booleanFlag,
  DOCKER_CERT_PATH: z.string().trim().min(1).optional(),
  DOCKER_CONTEXT: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/, "must be a Docker context name (letters, digits, _ . + -)")
    .optional(),
  DOCKER_CONFIG: z.string().trim().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DOCKGRAPH_BIND: z.string().trim().min(1).default("127.0.0.1"),
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
    ),
  DOCKGRAPH_DATA_DIR: z.string().trim().min(1).default(".data"),
  DOCKGRAPH_DOCKER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  DOCKGRAPH_CONSISTENCY_CHECK_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
});

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

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new AppError("invalid_input", `Invalid configuration: ${problems}`);
  }
  const values = parsed.data;
  return {
    dockerHost: values.DOCKER_HOST,
    dockerTlsVerify: values.DOCKER_TLS_VERIFY,
    dockerCertPath: values.DOCKER_CERT_PATH,
    dockerContext: values.DOCKER_CONTEXT,
    dockerConfigDir: values.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"),
    port: values.PORT,
    bind: values.DOCKGRAPH_BIND,
    token: values.DOCKGRAPH_TOKEN ?? randomBytes(24).toString("base64url"),
    tokenGenerated: values.DOCKGRAPH_TOKEN === undefined,
    readOnly: values.DOCKGRAPH_READ_ONLY,
    allowedHosts: values.DOCKGRAPH_ALLOWED_HOSTS,
    dataDir: values.DOCKGRAPH_DATA_DIR,
    dockerTimeoutMs: values.DOCKGRAPH_DOCKER_TIMEOUT_MS,
    consistencyCheckMs: values.DOCKGRAPH_CONSISTENCY_CHECK_MS,
  };
}

// Kept on globalThis so a generated token survives module reloads in development.
const holder = globalThis as typeof globalThis & { __dockgraphConfig?: Config };

export function getConfig(): Config {
  holder.__dockgraphConfig ??= parseConfig(process.env);
  return holder.__dockgraphConfig;
}
