import { describe, expect, it } from "vitest";
import { connectionOptions, DEFAULT_DOCKER_HOST } from "@/lib/docker/client";

const plain = { dockerTlsVerify: false, dockerCertPath: undefined };

describe("connectionOptions", () => {
  it("uses the default socket like the CLI", () => {
    expect(connectionOptions({ ...plain, dockerHost: undefined })).toEqual({
      host: DEFAULT_DOCKER_HOST,
      context: null,
      options: { socketPath: "/var/run/docker.sock" },
    });
  });

  it("reads unix and tcp hosts", () => {
    expect(connectionOptions({ ...plain, dockerHost: "unix:///tmp/x/docker.sock" }).options).toEqual({ socketPath: "/tmp/x/docker.sock" });
    expect(connectionOptions({ ...plain, dockerHost: "tcp://10.1.2.3:2375" }).options).toEqual({
      host: "10.1.2.3",
      port: "2375",
      protocol: "http",
    });
  });

  it("speaks TLS when asked or on the TLS port", () => {
    expect(connectionOptions({ ...plain, dockerHost: "tcp://docker.example:2376" }).options).toMatchObject({ protocol: "https" });
    expect(connectionOptions({ dockerTlsVerify: true, dockerCertPath: undefined, dockerHost: "tcp://h:1234" }).options).toMatchObject({
      protocol: "https",
    });
  });

  it("refuses schemes it cannot speak", () => {
    expect(() => connectionOptions({ ...plain, dockerHost: "ssh://user@host" })).toThrowError(/Unsupported Docker host scheme ssh:/);
  });
});
