import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";

describe("parseConfig", () => {
  it("has safe defaults", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      dockerHost: undefined,
      port: 3000,
      bind: "127.0.0.1",
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
      DOCKGRAPH_TOKEN: "a-long-enough-token-123",
      DOCKGRAPH_READ_ONLY: "true",
      DOCKGRAPH_ALLOWED_HOSTS: "Dash.Example, other.example ,",
    });
    expect(config).toMatchObject({
      dockerHost: "tcp://10.0.0.5:2376",
      dockerTlsVerify: true,
      port: 3100,
      bind: "0.0.0.0",
      token: "a-long-enough-token-123",
      tokenGenerated: false,
      readOnly: true,
      allowedHosts: ["dash.example", "other.example"],
    });
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ DOCKER_HOST: "/var/run/docker.sock" }, "DOCKER_HOST"],
    [{ DOCKGRAPH_TOKEN: "short" }, "DOCKGRAPH_TOKEN"],
    [{ DOCKGRAPH_READ_ONLY: "maybe" }, "DOCKGRAPH_READ_ONLY"],
  ])("rejects %j with a message naming %s", (env, name) => {
    expect(() => parseConfig(env)).toThrowError(new RegExp(name));
  });
});
