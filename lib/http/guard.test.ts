import { describe, expect, it } from "vitest";
import { guardRequest, hostName, TOKEN_HEADER } from "@/lib/http/guard";

const config = { allowedHosts: ["dockgraph.internal"], token: "t".repeat(32), readOnly: false };

function request(headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1:3000/api/plans", { method: "POST", headers });
}

function codeOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? "unknown";
  }
}

describe("hostName", () => {
  it("strips the port and keeps IPv6 brackets", () => {
    expect(hostName("LocalHost:3000")).toBe("localhost");
    expect(hostName("[::1]:3000")).toBe("[::1]");
    expect(hostName("127.0.0.1")).toBe("127.0.0.1");
  });
});

describe("guardRequest", () => {
  it("lets loopback hosts and allow-listed names read", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "dockgraph.internal:8080"]) {
      expect(codeOf(() => guardRequest(request({ host }), config, { mutating: false }))).toBeNull();
    }
  });

  it("refuses other hosts (DNS rebinding) and a missing Host", () => {
    expect(codeOf(() => guardRequest(request({ host: "evil.example" }), config, { mutating: false }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(request({ host: "127.0.0.1.evil.example:3000" }), config, { mutating: false }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(new Request("http://x/"), config, { mutating: false }))).toBe("forbidden");
  });

  it("refuses cross-site and cross-origin requests", () => {
    const host = "127.0.0.1:3000";
    expect(codeOf(() => guardRequest(request({ host, "sec-fetch-site": "cross-site" }), config, { mutating: false }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(request({ host, origin: "null" }), config, { mutating: false }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(request({ host, origin: "http://evil.example" }), config, { mutating: false }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(request({ host, origin: "http://127.0.0.1:3001" }), config, { mutating: false }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(request({ host, origin: "http://127.0.0.1:3000" }), config, { mutating: false }))).toBeNull();
  });

  it("needs the right token for changes", () => {
    const host = "localhost:3000";
    expect(codeOf(() => guardRequest(request({ host }), config, { mutating: true }))).toBe("unauthorized");
    expect(codeOf(() => guardRequest(request({ host, [TOKEN_HEADER]: "wrong" }), config, { mutating: true }))).toBe("forbidden");
    expect(codeOf(() => guardRequest(request({ host, [TOKEN_HEADER]: config.token }), config, { mutating: true }))).toBeNull();
  });

  it("refuses every change in read-only mode, even with the token", () => {
    const readOnly = { ...config, readOnly: true };
    const headers = { host: "localhost:3000", [TOKEN_HEADER]: config.token };
    expect(codeOf(() => guardRequest(request(headers), readOnly, { mutating: true }))).toBe("read_only");
    expect(codeOf(() => guardRequest(request(headers), readOnly, { mutating: false }))).toBeNull();
  });
});
