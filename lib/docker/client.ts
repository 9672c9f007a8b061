import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import type { Config } from "@/lib/config";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { contextInUse, readContextEndpoint } from "@/lib/docker/context";
import { toAppError } from "@/lib/docker/errors";

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

type ConnectionOptions = Docker.DockerOptions;

/** What picks the daemon: DOCKER_HOST and its TLS settings, else a Docker CLI context, else the default socket. */
export type EndpointSettings = Pick<Config, "dockerHost" | "dockerTlsVerify" | "dockerCertPath"> & Partial<Pick<Config, "dockerContext" | "dockerConfigDir">>;

interface TlsSettings {
  tlsVerify: boolean;
  certPath: string | undefined;
}

/**
 * Resolves the daemon the way the Docker CLI does: DOCKER_HOST (+ DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) wins, then
 * DOCKER_CONTEXT or the CLI's current context, then the default socket. `context` names the context used, if any.
 */
export function connectionOptions(config: EndpointSettings): { host: string; context: string | null; options: ConnectionOptions } {
  if (config.dockerHost !== undefined) {
    return { ...optionsForHost(config.dockerHost, { tlsVerify: config.dockerTlsVerify, certPath: config.dockerCertPath }), context: null };
  }
  const context = config.dockerConfigDir !== undefined ? contextInUse(config.dockerConfigDir, config.dockerContext) : null;
  if (context !== null && config.dockerConfigDir !== undefined) {
    const endpoint = readContextEndpoint(config.dockerConfigDir, context);
    if (endpoint.skipTlsVerify) {
      throw new AppError(
        "invalid_input",
        `Docker context "${context}" skips TLS verification, which dockgraph does not do: set DOCKER_HOST and DOCKER_CERT_PATH instead.`,
      );
    }
    return { ...optionsForHost(endpoint.host, { tlsVerify: endpoint.tlsDir !== null, certPath: endpoint.tlsDir ?? undefined }), context };
  }
  return { ...optionsForHost(DEFAULT_DOCKER_HOST, { tlsVerify: false, certPath: undefined }), context: null };
}

function optionsForHost(host: string, tlsSettings: TlsSettings): { host: string; options: ConnectionOptions } {
  const url = new URL(host);
  switch (url.protocol) {
    case "unix:":
    case "npipe:":
      return { host, options: { socketPath: decodeURIComponent(url.pathname) } };
    case "tcp:":
    case "http:":
    case "https:": {
      const tls = url.protocol === "https:" || tlsSettings.tlsVerify || tlsSettings.certPath !== undefined || url.port === "2376";
      const options: ConnectionOptions = {
        host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: url.port || (tls ? "2376" : "2375"),
        protocol: tls ? "https" : "http",
      };
      if (tls && tlsSettings.certPath !== undefined) {
        options.ca = readFileSync(path.join(tlsSettings.certPath, "ca.pem"));
        options.cert = readFileSync(path.join(tlsSettings.certPath, "cert.pem"));
        options.key = readFileSync(path.join(tlsSettings.certPath, "key.pem"));
      }
      return { host, options };
    }
    default:
      throw new AppError("invalid_input", `Unsupported Docker host scheme ${url.protocol} in ${host}: use unix:// or tcp:// (DOCKER_HOST).`);
  }
}

/**
 * The one place that holds a dockerode instance. Every call goes through `call()`, which
 * bounds it in time (dockerode has no timeout of its own) and turns failures into AppErrors.
 */
export class DockerConnection {
  readonly host: string;
  readonly timeoutMs: number;
  readonly docker: Docker;
  /** The Docker CLI context `host` came from, if any. */
  readonly context: string | null;

  constructor(host: string, options: ConnectionOptions, timeoutMs: number, context: string | null = null) {
    this.host = host;
    this.timeoutMs = timeoutMs;
    this.docker = new Docker(options);
    this.context = context;
  }

  /**
   * One Engine API call. `path` must be built only from validated names (lib/docker/names.ts):
   * dockerode puts it into the URL as it is.
   */
  async request(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<unknown> {
    const query = options.query ?? {};
    const hasQuery = Object.keys(query).length > 0;
    const label = `${method} ${path}${hasQuery ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()}` : ""}`;
    return this.call(
      label,
      (docker, abortSignal) =>
        new Promise((resolve, reject) => {
          docker.modem.dial(
            {
              path: hasQuery ? `${path}?` : path,
              method,
              options: hasQuery ? { ...query } : {},
              isStream: options.stream === true,
              statusCodes: { 200: true, 201: true, 204: true, 304: true },
              abortSignal,
            },
            (error: unknown, data: unknown) => (error ? reject(error) : resolve(data)),
          );
        }),
      { timeoutMs: options.timeoutMs, signal: options.signal, stream: options.stream === true },
    );
  }

  private async call<T>(
    label: string,
    run: (docker: Docker, signal: AbortSignal) => Promise<T>,
    options: { timeoutMs?: number; signal?: AbortSignal; stream?: boolean },
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    options.signal?.addEventListener("abort", forwardAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const result = await run(this.docker, controller.signal);
      // A stream lives on after its headers arrived: only the wait for the answer is bounded.
      if (options.stream) clearTimeout(timer);
      return result;
    } catch (error) {
      if (timedOut) {
        throw new AppError(
          "daemon_timeout",
          `The Docker daemon at ${this.host} did not answer ${label} within ${timeoutMs} ms.`,
          { call: label, host: this.host, timeoutMs },
          { cause: error },
        );
      }
      throw toAppError(error, { call: label, host: this.host });
    } finally {
      if (!options.stream) {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", forwardAbort);
      }
    }
  }
}

export type HttpMethod = "GET" | "POST" | "DELETE";

export type Query = Record<string, string | number | boolean>;

export interface RequestOptions {
  query?: Query;
  /** Return the response stream instead of a parsed body (events). */
  stream?: boolean;
  timeoutMs?: number;
  /** Aborts the request when the caller goes away (e.g. an event stream's client disconnects). */
  signal?: AbortSignal;
}

export function createConnection(config: Config): DockerConnection {
  const { host, context, options } = connectionOptions(config);
  return new DockerConnection(host, options, config.dockerTimeoutMs, context);
}

const holder = globalThis as typeof globalThis & { __dockgraphDocker?: DockerConnection };

/** The server's connection, from the validated configuration. */
export function getConnection(): DockerConnection {
  holder.__dockgraphDocker ??= createConnection(getConfig());
  return holder.__dockgraphDocker;
}
