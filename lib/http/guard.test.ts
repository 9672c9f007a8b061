import { describe, expect, it } from "vitest";
import { guardRequest, hostName, requestRefusal, requestSession, TOKEN_HEADER, tokenForPage } from "@/lib/http/guard";
import { createSessionValue, SESSION_COOKIE } from "@/lib/http/session";

const config = { allowedHosts: ["dockgraph.internal"], token: "t".repeat(32), readOnly: false, remote: false };

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

describe("requestRefusal on a server reachable from beyond its machine", () => {
  const remote = { ...config, remote: true };
  const now = Date.UTC(2026, 0, 1);
  const cookie = `${SESSION_COOKIE}=${createSessionValue(remote.token, now)}`;
  const get = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/graph", { headers });
  const codeAt = (request: Request, options: { mutating: boolean; anonymous?: boolean }) => requestRefusal(request, remote, options, now)?.code ?? null;

  it("needs a session or the token for reads too", () => {
    const host = "127.0.0.1:3000";
    expect(codeAt(get({ host }), { mutating: false })).toBe("unauthorized");
    expect(codeAt(get({ host, cookie }), { mutating: false })).toBeNull();
    expect(codeAt(get({ host, [TOKEN_HEADER]: remote.token }), { mutating: false })).toBeNull();
    expect(codeAt(get({ host, [TOKEN_HEADER]: "wrong" }), { mutating: false })).toBe("forbidden");
    expect(codeAt(get({ host, cookie: `${SESSION_COOKIE}=forged.value.x` }), { mutating: false })).toBe("unauthorized");
    expect(codeAt(get({ host }), { mutating: false, anonymous: true })).toBeNull();
  });

  it("ends a session after its lifetime", () => {
    const later = now + 13 * 60 * 60 * 1000;
    expect(requestRefusal(get({ host: "127.0.0.1:3000", cookie }), remote, { mutating: false }, later)?.code).toBe("unauthorized");
  });

  it("takes the session's own page token for changes, only with its cookie", () => {
    const session = requestSession(new Headers({ cookie }), remote, now);
    expect(session).not.toBeNull();
    const pageToken = tokenForPage(new Headers({ cookie }), remote, now);
    expect(pageToken).not.toBe(remote.token);
    const host = "127.0.0.1:3000";
    expect(codeAt(request({ host, cookie, [TOKEN_HEADER]: pageToken ?? "" }), { mutating: true })).toBeNull();
    expect(codeAt(request({ host, [TOKEN_HEADER]: pageToken ?? "" }), { mutating: true })).toBe("forbidden");
    expect(codeAt(request({ host, cookie }), { mutating: true })).toBe("unauthorized");
    expect(codeAt(request({ host, [TOKEN_HEADER]: remote.token }), { mutating: true })).toBeNull();
  });

  it("answers to IP addresses (not rebindable), still never to a foreign name", () => {
    expect(codeAt(get({ host: "192.168.1.5:3000", cookie }), { mutating: false })).toBeNull();
    expect(codeAt(get({ host: "[fe80::1]:3000", cookie }), { mutating: false })).toBeNull();
    expect(codeAt(get({ host: "evil.example:3000", cookie }), { mutating: false })).toBe("forbidden");
    expect(codeOf(() => guardRequest(get({ host: "192.168.1.5:3000" }), config, { mutating: false }))).toBe("forbidden");
  });

  it("hands the page no token without a session", () => {
    expect(tokenForPage(new Headers({}), remote, now)).toBeNull();
    expect(tokenForPage(new Headers({}), config, now)).toBe(config.token);
  });
});

describe("requestRefusal for a form of this origin", () => {
  it("takes Origin null when the browser itself says same-origin (Referrer-Policy: no-referrer)", () => {
    const post = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/login", { method: "POST", headers: { host: "127.0.0.1:3000", origin: "null", ...headers } });
    expect(requestRefusal(post({ "sec-fetch-site": "same-origin" }), config, { mutating: false })).toBeNull();
    expect(requestRefusal(post({ "sec-fetch-site": "same-site" }), config, { mutating: false })?.code).toBe("forbidden");
    expect(requestRefusal(post({}), config, { mutating: false })?.code).toBe("forbidden");
  });
});

describe("requestRefusal for top-level navigations", () => {
  it("lets a link from another site open the page, but no other cross-site request", () => {
    const navigate = { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
    expect(requestRefusal(new Request("http://127.0.0.1:3000/", { headers: navigate }), config, { mutating: false })).toBeNull();
    const framed = { ...navigate, "sec-fetch-dest": "iframe" };
    expect(requestRefusal(new Request("http://127.0.0.1:3000/", { headers: framed }), config, { mutating: false })?.code).toBe("forbidden");
    expect(requestRefusal(new Request("http://127.0.0.1:3000/", { method: "POST", headers: navigate }), config, { mutating: false })?.code).toBe("forbidden");
  });
});
