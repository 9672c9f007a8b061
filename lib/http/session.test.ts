import { describe, expect, it } from "vitest";
import { createSessionValue, isSessionPageToken, readCookie, servedOverHttps, sessionCookie, sessionPageToken, verifySessionValue } from "@/lib/http/session";

const TOKEN = "t".repeat(32);
const NOW = Date.UTC(2026, 0, 1);

describe("session cookies", () => {
  it("verifies what it signed, for twelve hours, with this token only", () => {
    const value = createSessionValue(TOKEN, NOW);
    expect(verifySessionValue(value, TOKEN, NOW + 1000)).toMatchObject({ issuedAt: NOW });
    expect(verifySessionValue(value, TOKEN, NOW + 12 * 3600 * 1000 + 1000)).toBeNull();
    expect(verifySessionValue(value, "u".repeat(32), NOW)).toBeNull();
    expect(verifySessionValue(`${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`, TOKEN, NOW)).toBeNull();
    expect(verifySessionValue("garbage", TOKEN, NOW)).toBeNull();
    expect(verifySessionValue(undefined, TOKEN, NOW)).toBeNull();
  });

  it("gives every session a page token of its own", () => {
    const one = verifySessionValue(createSessionValue(TOKEN, NOW), TOKEN, NOW);
    const two = verifySessionValue(createSessionValue(TOKEN, NOW), TOKEN, NOW);
    if (one === null || two === null) throw new Error("sessions did not verify");
    expect(isSessionPageToken(sessionPageToken(TOKEN, one), TOKEN, one)).toBe(true);
    expect(isSessionPageToken(sessionPageToken(TOKEN, two), TOKEN, one)).toBe(false);
    expect(sessionPageToken(TOKEN, one)).not.toContain(TOKEN);
  });

  it("sets HttpOnly and SameSite=Strict always, Secure over https", () => {
    expect(sessionCookie("v", { secure: false })).toBe("dockgraph_session=v; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
    expect(sessionCookie("v", { secure: true })).toBe("dockgraph_session=v; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure");
  });

  it("knows https from the URL or a reverse proxy's X-Forwarded-Proto", () => {
    expect(servedOverHttps(new Request("http://127.0.0.1:3000/login"))).toBe(false);
    expect(servedOverHttps(new Request("https://dash.example/login"))).toBe(true);
    expect(servedOverHttps(new Request("http://127.0.0.1:3000/login", { headers: { "x-forwarded-proto": "https, http" } }))).toBe(true);
    expect(servedOverHttps(new Request("http://127.0.0.1:3000/login", { headers: { "x-forwarded-proto": "http" } }))).toBe(false);
  });

  it("reads one cookie out of a Cookie header", () => {
    expect(readCookie("a=1; dockgraph_session=abc.def; b=2", "dockgraph_session")).toBe("abc.def");
    expect(readCookie("a=1", "dockgraph_session")).toBeUndefined();
    expect(readCookie(null, "dockgraph_session")).toBeUndefined();
  });
});
