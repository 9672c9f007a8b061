import { describe, expect, it } from "vitest";
import { configProblems, describeProblems } from "@/lib/config";
import { loginPage, misconfiguredResponse, renderPlainPage } from "@/lib/http/plain-page";

describe("misconfiguredResponse", () => {
  const message = describeProblems(configProblems({ DOCKGRAPH_TOKEN: "short" }));

  it("answers the API with the JSON error contract and the start-up words", async () => {
    const response = misconfiguredResponse(true, message);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "misconfigured", message } });
  });

  it("answers the page in words, not a generic error", async () => {
    const response = misconfiguredResponse(false, message);
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toContain("dockgraph cannot start");
    expect(body).toContain("DOCKGRAPH_TOKEN (5 characters): must be at least 16 characters");
  });
});

describe("renderPlainPage", () => {
  it("escapes what it shows", () => {
    expect(renderPlainPage({ title: "Refused", paragraphs: ['Host "<script>" is not allowed'] })).toContain("Host &#34;&#60;script&#62;&#34; is not allowed");
  });

  it("has no script in the login page", async () => {
    const body = await loginPage(null, 401).text();
    expect(body).not.toMatch(/<script/i);
    expect(body).toContain('<form method="post" action="/login">');
  });
});
