import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectionOptions } from "@/lib/docker/client";
import { contextInUse, readContextEndpoint } from "@/lib/docker/context";

/* A Docker CLI configuration folder laid out as `docker context create` leaves it. */

let configDir: string;

function writeContext(name: string, host: string, options: { skipTlsVerify?: boolean; tls?: boolean } = {}): void {
  const key = createHash("sha256").update(name).digest("hex");
  const metaDir = path.join(configDir, "contexts", "meta", key);
  fs.mkdirSync(metaDir, { recursive: true });
  const endpoint = { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false };
  fs.writeFileSync(path.join(metaDir, "meta.json"), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: endpoint } }));
  if (options.tls) {
    const tlsDir = path.join(configDir, "contexts", "tls", key, "docker");
    fs.mkdirSync(tlsDir, { recursive: true });
    for (const file of ["ca.pem", "cert.pem", "key.pem"]) fs.writeFileSync(path.join(tlsDir, file), `${file} of ${name}`);
  }
}

function useContext(name: string): void {
  fs.writeFileSync(path.join(configDir, "config.json"), JSON.stringify({ auths: {}, currentContext: name }));
}

const noHost = { dockerHost: undefined, dockerTlsVerify: false, dockerCertPath: undefined };

beforeEach(() => {
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), "dockgraph-context-"));
});

afterEach(() => {
  fs.rmSync(configDir, { recursive: true, force: true });
});

describe("Docker CLI contexts", () => {
  it("uses no context without config.json, with the default one, or with an empty currentContext", () => {
    expect(contextInUse(configDir, undefined)).toBeNull();
    useContext("default");
    expect(contextInUse(configDir, undefined)).toBeNull();
    useContext("");
    expect(contextInUse(configDir, undefined)).toBeNull();
  });

  it("takes DOCKER_CONTEXT over the current context", () => {
    useContext("rootless");
    expect(contextInUse(configDir, undefined)).toBe("rootless");
    expect(contextInUse(configDir, "remote")).toBe("remote");
    expect(contextInUse(configDir, "default")).toBeNull();
  });

  it("reads a context's endpoint and its TLS material", () => {
    writeContext("rootless", "unix:///run/user/1000/docker.sock");
    writeContext("remote", "tcp://build.example:2376", { tls: true });
    expect(readContextEndpoint(configDir, "rootless")).toEqual({ context: "rootless", host: "unix:///run/user/1000/docker.sock", tlsDir: null, skipTlsVerify: false });
    expect(readContextEndpoint(configDir, "remote").tlsDir).toMatch(/contexts\/tls\/[0-9a-f]{64}\/docker$/);
  });

  it("names a missing or unreadable context in its error", () => {
    expect(() => readContextEndpoint(configDir, "nowhere")).toThrowError(/Docker context "nowhere" does not exist/);
    const key = createHash("sha256").update("broken").digest("hex");
    fs.mkdirSync(path.join(configDir, "contexts", "meta", key), { recursive: true });
    fs.writeFileSync(path.join(configDir, "contexts", "meta", key, "meta.json"), JSON.stringify({ Name: "broken", Endpoints: {} }));
    expect(() => readContextEndpoint(configDir, "broken")).toThrowError(/"broken" has no Docker endpoint/);
  });
});

describe("connectionOptions with contexts", () => {
  it("connects through the current context when DOCKER_HOST is not set", () => {
    writeContext("rootless", "unix:///run/user/1000/docker.sock");
    useContext("rootless");
    expect(connectionOptions({ ...noHost, dockerConfigDir: configDir })).toEqual({
      host: "unix:///run/user/1000/docker.sock",
      context: "rootless",
      options: { socketPath: "/run/user/1000/docker.sock" },
    });
  });

  it("lets DOCKER_HOST win over any context, as the CLI does", () => {
    writeContext("rootless", "unix:///run/user/1000/docker.sock");
    useContext("rootless");
    const resolved = connectionOptions({ ...noHost, dockerHost: "unix:///srv/docker.sock", dockerConfigDir: configDir });
    expect(resolved).toMatchObject({ host: "unix:///srv/docker.sock", context: null });
  });

  it("uses a context's TLS material for a tcp endpoint", () => {
    writeContext("remote", "tcp://build.example:2376", { tls: true });
    const resolved = connectionOptions({ ...noHost, dockerContext: "remote", dockerConfigDir: configDir });
    expect(resolved.options).toMatchObject({ host: "build.example", port: "2376", protocol: "https" });
    expect(String(resolved.options.ca)).toBe("ca.pem of remote");
  });

  it("refuses a context that skips TLS verification, and an unknown DOCKER_CONTEXT", () => {
    writeContext("insecure", "tcp://build.example:2376", { skipTlsVerify: true });
    expect(() => connectionOptions({ ...noHost, dockerContext: "insecure", dockerConfigDir: configDir })).toThrowError(/skips TLS verification/);
    expect(() => connectionOptions({ ...noHost, dockerContext: "nowhere", dockerConfigDir: configDir })).toThrowError(/"nowhere" does not exist/);
  });
});
