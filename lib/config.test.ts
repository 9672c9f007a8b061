import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configProblems, describeProblems, isLoopbackAddress, nextListenAddress, parseConfig } from "@/lib/config";

const TOKEN = "a-long-enough-token-123";

describe("parseConfig", () => {
  it("has safe defaults", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      dockerHost: undefined,
      port: 3000,
      bind: "127.0.0.1",
      remote: false,
      readOnly: false,
      allowedHosts: [],
      tokenGenerated: true,
    });
    expect(config.token.length).toBeGreaterThanOrEqual(32);
    expect(parseConfig({}).token).not.toBe(config.token);
  });

  it("reads every variable", () => {
    const config = parseConfig({
      DOCKER_HOST: "tcp://10.0.0.5:2376",
      DOCKER_TLS_VERIFY: "1",
      PORT: "3100",
      DOCKGRAPH_BIND: "0.0.0.0",
      DOCKGRAPH_TOKEN: TOKEN,
      DOCKGRAPH_READ_ONLY: "true",
      DOCKGRAPH_ALLOWED_HOSTS: "Dash.Example, other.example ,",
    });
    expect(config).toMatchObject({
      dockerHost: "tcp://10.0.0.5:2376",
      dockerTlsVerify: true,
      port: 3100,
      bind: "0.0.0.0",
      remote: true,
      token: TOKEN,
      tokenGenerated: false,
      readOnly: true,
      allowedHosts: ["dash.example", "other.example"],
    });
  });

  it("is remote when it answers to a name beyond this machine, even bound to loopback", () => {
    expect(parseConfig({ DOCKGRAPH_ALLOWED_HOSTS: "dash.example", DOCKGRAPH_TOKEN: TOKEN }).remote).toBe(true);
    expect(parseConfig({ DOCKGRAPH_ALLOWED_HOSTS: "dockgraph.localhost" }).remote).toBe(false);
  });

  it("throws the problems in words, as a misconfigured error", () => {
    expect(() => parseConfig({ PORT: "abc" })).toThrowError(/PORT="abc": must be a port number/);
    try {
      parseConfig({ PORT: "abc" });
    } catch (error) {
      expect((error as { code?: string }).code).toBe("misconfigured");
    }
  });
});

describe("configProblems", () => {
  const certDir = mkdtempSync(path.join(os.tmpdir(), "dockgraph-certs-"));
  writeFileSync(path.join(certDir, "ca.pem"), "x");
  afterAll(() => rmSync(certDir, { recursive: true, force: true }));

  it("is empty for a good configuration", () => {
    expect(configProblems({})).toEqual([]);
    expect(configProblems({ DOCKGRAPH_BIND: "0.0.0.0", DOCKGRAPH_TOKEN: TOKEN, PORT: "8080" })).toEqual([]);
  });

  it.each([
    [{ PORT: "abc" }, /^PORT="abc": must be a port number .*; for example PORT=3000$/],
    [{ PORT: "70000" }, /^PORT="70000": must be a port number/],
    [{ DOCKER_HOST: "/var/run/docker.sock" }, /^DOCKER_HOST="\/var\/run\/docker.sock": must be unix:\/\/\/path.*; for example DOCKER_HOST=unix:\/\//],
    [{ DOCKER_HOST: "ssh://me@box" }, /^DOCKER_HOST="ssh:\/\/me@box": ssh:\/\/ is not supported yet; .*for example DOCKER_HOST=/],
    [{ DOCKGRAPH_TOKEN: "short" }, /^DOCKGRAPH_TOKEN \(5 characters\): must be at least 16 characters; for example DOCKGRAPH_TOKEN=\$\(openssl rand -hex 16\)$/],
    [{ DOCKGRAPH_READ_ONLY: "maybe" }, /^DOCKGRAPH_READ_ONLY="maybe": must be 1 or 0/],
    [{ DOCKGRAPH_BIND: "0.0.0.0" }, /^DOCKGRAPH_BIND="0.0.0.0": listens beyond this machine, which needs DOCKGRAPH_TOKEN/],
    [{ DOCKGRAPH_BIND: "::" }, /^DOCKGRAPH_BIND="::": listens beyond this machine/],
    [{ DOCKGRAPH_BIND: "my laptop" }, /^DOCKGRAPH_BIND="my laptop": must be an IP address/],
    [{ DOCKGRAPH_ALLOWED_HOSTS: "dash.example" }, /^DOCKGRAPH_ALLOWED_HOSTS="dash.example": names dash.example, .*needs DOCKGRAPH_TOKEN/],
    [{ DOCKGRAPH_DOCKER_TIMEOUT_MS: "1s" }, /^DOCKGRAPH_DOCKER_TIMEOUT_MS="1s": must be milliseconds/],
  ])("names the variable, the problem and a good value: %j", (env, expected) => {
    const problems = configProblems(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it("never repeats a token's value", () => {
    expect(configProblems({ DOCKGRAPH_TOKEN: "my secret" }).join("\n")).not.toContain("my secret");
  });

  it("checks DOCKER_CERT_PATH's files at start for a tcp:// host", () => {
    const tcp = { DOCKER_HOST: "tcp://docker.example:2376", DOCKER_TLS_VERIFY: "1" };
    expect(configProblems({ ...tcp, DOCKER_CERT_PATH: path.join(certDir, "missing") })).toEqual([
      expect.stringMatching(/^DOCKER_CERT_PATH=".*missing": does not exist; for example DOCKER_CERT_PATH=/),
    ]);
    expect(configProblems({ ...tcp, DOCKER_CERT_PATH: certDir })).toEqual([
      expect.stringMatching(/has no readable cert\.pem, key\.pem \(it needs ca\.pem, cert\.pem and key\.pem\)/),
    ]);
    writeFileSync(path.join(certDir, "cert.pem"), "x");
    writeFileSync(path.join(certDir, "key.pem"), "x");
    expect(configProblems({ ...tcp, DOCKER_CERT_PATH: certDir })).toEqual([]);
    // A unix socket does not use certificates: a stray DOCKER_CERT_PATH is not in the way.
    expect(configProblems({ DOCKER_HOST: "unix:///run/docker.sock", DOCKER_CERT_PATH: path.join(certDir, "missing") })).toEqual([]);
  });

  it("lists every problem at once", () => {
    expect(configProblems({ PORT: "abc", DOCKGRAPH_TOKEN: "short", DOCKER_HOST: "ssh://x" })).toHaveLength(3);
  });

  it("compares DOCKGRAPH_BIND with where next start really listens", () => {
    expect(configProblems({}, { host: "::", port: 3000 })).toEqual([expect.stringMatching(/^DOCKGRAPH_TOKEN is not set but the server listens on every interface \(next start without -H\)/)]);
    expect(configProblems({}, { host: "127.0.0.1", port: 3000 })).toEqual([]);
    expect(configProblems({ DOCKGRAPH_TOKEN: TOKEN }, { host: "0.0.0.0", port: 3000 })).toEqual([]);
    expect(configProblems({ DOCKGRAPH_BIND: "127.0.0.1" }, { host: "::", port: 3000 })).toEqual([
      expect.stringMatching(/^DOCKGRAPH_BIND="127.0.0.1" but the server listens on every interface/),
    ]);
  });

  it("words the whole report for the console and the 500 page", () => {
    expect(describeProblems(["PORT=\"abc\": must be a port number"])).toBe("dockgraph cannot start: its configuration has a problem.\n  - PORT=\"abc\": must be a port number");
  });
});

describe("nextListenAddress", () => {
  const next = ["/usr/bin/node", "/app/node_modules/next/dist/bin/next"];
  it("reads -H and -p of next start, and Next's defaults", () => {
    expect(nextListenAddress([...next, "start", "-H", "127.0.0.1", "-p", "3100"], {})).toEqual({ host: "127.0.0.1", port: 3100 });
    expect(nextListenAddress([...next, "start", "--hostname=0.0.0.0", "--port", "4000"], {})).toEqual({ host: "0.0.0.0", port: 4000 });
    expect(nextListenAddress([...next, "start"], { PORT: "5000" })).toEqual({ host: "::", port: 5000 });
  });

  it("is null outside the Next CLI", () => {
    expect(nextListenAddress(["/usr/bin/node", "/app/node_modules/vitest/vitest.mjs", "run"], {})).toBeNull();
    expect(nextListenAddress([...next, "build"], {})).toBeNull();
  });
});

describe("isLoopbackAddress", () => {
  it("knows loopback addresses and names", () => {
    for (const address of ["127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "dockgraph.localhost", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "dash.example", "127.0.0.1.evil.example"]) expect(isLoopbackAddress(address)).toBe(false);
  });
});
