import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/*
 * Docker CLI contexts (`docker context use rootless`), read the way the CLI reads them, for users whose daemon is
 * not on the default socket (rootless Docker, Docker Desktop, a remote host). The CLI keeps
 *   <config dir>/config.json                          { "currentContext": "<name>" }
 *   <config dir>/contexts/meta/<sha256(name)>/meta.json  { "Name", "Endpoints": { "docker": { "Host", "SkipTLSVerify" } } }
 *   <config dir>/contexts/tls/<sha256(name)>/docker/     ca.pem, cert.pem, key.pem (when the context has TLS material)
 */

/** The name the CLI gives to "no context": DOCKER_HOST or the default socket. */
export const DEFAULT_CONTEXT = "default";

export interface ContextEndpoint {
  context: string;
  host: string;
  /** The folder with ca.pem, cert.pem, key.pem, when the context has TLS material. */
  tlsDir: string | null;
  skipTlsVerify: boolean;
}

const cliConfigSchema = z.object({ currentContext: z.string().optional() }).loose();

const contextMetaSchema = z.object({
  Name: z.string(),
  Endpoints: z.object({
    docker: z.object({ Host: z.string().min(1), SkipTLSVerify: z.boolean().optional() }),
  }),
});

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AppError("invalid_input", `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The context the CLI would use: DOCKER_CONTEXT, else config.json's currentContext; null for the default. */
export function contextInUse(configDir: string, explicit: string | undefined): string | null {
  const fromConfig = explicit === undefined ? cliConfigSchema.safeParse(readJson(path.join(configDir, "config.json"))) : null;
  const name = explicit ?? (fromConfig?.success ? fromConfig.data.currentContext : undefined);
  return name === undefined || name === "" || name === DEFAULT_CONTEXT ? null : name;
}

function contextKey(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

/** The Engine endpoint of a named context; a clear error when it does not exist or cannot be read. */
export function readContextEndpoint(configDir: string, name: string): ContextEndpoint {
  const key = contextKey(name);
  const metaFile = path.join(configDir, "contexts", "meta", key, "meta.json");
  const raw = readJson(metaFile);
  if (raw === undefined) {
    throw new AppError("invalid_input", `Docker context "${name}" does not exist (no ${metaFile}). Run docker context ls, or set DOCKER_HOST.`);
  }
  const meta = contextMetaSchema.safeParse(raw);
  if (!meta.success) {
    throw new AppError("invalid_input", `Docker context "${name}" has no Docker endpoint dockgraph understands (${metaFile}).`);
  }
  const tlsDir = path.join(configDir, "contexts", "tls", key, "docker");
  return {
    context: name,
    host: meta.data.Endpoints.docker.Host,
    tlsDir: fs.existsSync(path.join(tlsDir, "ca.pem")) ? tlsDir : null,
    skipTlsVerify: meta.data.Endpoints.docker.SkipTLSVerify ?? false,
  };
}
