import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../scripts/sandbox/paths";
import { expect, test } from "./fixtures";
import { E2E_BASE_URL } from "./fixtures/e2e-env";
import { rawRequest } from "./fixtures/raw-http";
import { runFailingServer, startSecondServer, type SecondServer } from "./fixtures/second-server";
import { GraphPage } from "./pages/graph-page";

/*
 * The hardening of issue 10 against the real production build: headers on every response, the page behind the
 * API's Host guard, sessions on a server bound beyond loopback, and settings that stop the server.
 */

const EXPECTED_HEADERS: Record<string, RegExp> = {
  "content-security-policy": /^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic';.*connect-src 'self'.*object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'$/,
  "x-frame-options": /^DENY$/,
  "x-content-type-options": /^nosniff$/,
  "referrer-policy": /^no-referrer$/,
  "cross-origin-opener-policy": /^same-origin$/,
  "cross-origin-resource-policy": /^same-origin$/,
  "permissions-policy": /camera=\(\).*geolocation=\(\).*microphone=\(\)/,
};

function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>, what: string): void {
  for (const [name, pattern] of Object.entries(EXPECTED_HEADERS)) expect(String(headers[name] ?? ""), `${name} on ${what}`).toMatch(pattern);
  expect(String(headers["content-security-policy"]), `no unsafe-eval on ${what}`).not.toContain("unsafe-eval");
}

test.describe("security headers", () => {
  test("are on the page, an API route, a static asset and a public file", async () => {
    const page = await rawRequest(`${E2E_BASE_URL}/`);
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers, "/");
    const asset = /\/_next\/static\/[^"]+\.js/.exec(page.body)?.[0];
    if (asset === undefined) throw new Error("the page names no /_next/static script");
    for (const url of ["/api/graph", "/api/health", asset, "/favicon.svg", "/no-such-page"]) {
      const response = await rawRequest(`${E2E_BASE_URL}${url}`);
      expect(response.status, url).toBeLessThan(url === "/no-such-page" ? 500 : 400);
      expectSecurityHeaders(response.headers, url);
    }
  });

  test("give every page its own nonce, carried by its scripts", async () => {
    const [first, second] = await Promise.all([rawRequest(`${E2E_BASE_URL}/`), rawRequest(`${E2E_BASE_URL}/`)]);
    const nonceOf = (policy: unknown) => /'nonce-([^']+)'/.exec(String(policy))?.[1];
    const nonce = nonceOf(first.headers["content-security-policy"]);
    expect(nonce).toBeTruthy();
    expect(nonceOf(second.headers["content-security-policy"])).not.toBe(nonce);
    const scripts = first.body.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(2);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  });

  test("leave the dashboard working in Chromium, without a single CSP violation", async ({ page }) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || /Content Security Policy|Permissions-Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });
    const dashboard = new GraphPage(page);
    await dashboard.open();
    await expect(dashboard.daemonStatus()).not.toHaveText("connecting…");
    // The inline theme script ran (it has the nonce).
    await expect(page.locator("html")).toHaveAttribute("data-theme", /^(light|dark)$/);
    await page.getByRole("button", { name: /Switch to (dark|light) theme/ }).click();
    expect(problems).toEqual([]);
  });
});

test.describe("the Host guard covers the page", () => {
  test("a foreign Host gets 403 and a plain explanation, never the token", async ({ apiToken }) => {
    const page = await rawRequest(`${E2E_BASE_URL}/`, { headers: { host: "evil.example" } });
    expect(page.status).toBe(403);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("Host &#34;evil.example&#34; is not allowed");
    expect(page.body).not.toContain(apiToken);
    expectSecurityHeaders(page.headers, "the refusal");

    const local = await rawRequest(`${E2E_BASE_URL}/`);
    expect(local.body).toContain(apiToken);
  });

  test("the event stream, the API and the assets share it", async () => {
    for (const url of ["/api/events", "/api/graph", "/favicon.svg"]) {
      const response = await rawRequest(`${E2E_BASE_URL}${url}`, { headers: { host: "evil.example:80" } });
      expect(response.status, url).toBe(403);
      if (url.startsWith("/api/")) expect(JSON.parse(response.body)).toMatchObject({ error: { code: "forbidden" } });
    }
  });
});

test.describe("a server bound beyond loopback", () => {
  test.use({ freshHost: true });
  const TOKEN = "remote-e2e-token-0123456789abcdef";
  let server: SecondServer;

  test.beforeAll(async ({ sandbox }) => {
    // Bound to every interface, but only ever spoken to on 127.0.0.1.
    server = await startSecondServer({ DOCKER_HOST: sandbox.dockerHost, DOCKGRAPH_TOKEN: TOKEN }, { bind: "0.0.0.0" });
  });

  test.afterAll(() => server.stop());

  function loginCode(): string {
    const code = /\/login\?code=([A-Za-z0-9_-]+)/.exec(server.output())?.[1];
    if (code === undefined) throw new Error(`the server printed no login URL:\n${server.output()}`);
    return code;
  }

  test("refuses a read without a session, and shows a login page without the token", async () => {
    const graph = await rawRequest(`${server.baseUrl}/api/graph`);
    expect(graph.status).toBe(401);
    expect(JSON.parse(graph.body)).toMatchObject({ error: { code: "unauthorized" } });
    const page = await rawRequest(`${server.baseUrl}/`);
    expect(page.status).toBe(401);
    expect(page.body).toContain("Sign in to dockgraph");
    expect(page.body).not.toContain(TOKEN);
    const asset = await rawRequest(`${server.baseUrl}/favicon.svg`);
    expect(asset.status).toBe(401);
    // Scripts keep using the header, for reads too.
    const withHeader = await rawRequest(`${server.baseUrl}/api/graph`, { headers: { "x-dockgraph-token": TOKEN } });
    expect(withHeader.status).toBe(200);
  });

  test("the one-time login URL gives a working page, an HttpOnly SameSite=Strict cookie and a clean address bar", async ({ page, context, manifest }) => {
    const code = loginCode();
    await page.goto(`${server.baseUrl}/login?code=${code}`);
    await expect(page).toHaveURL(`${server.baseUrl}/`);
    expect(page.url()).not.toContain(code);
    const dashboard = new GraphPage(page);
    await dashboard.graphNodes().first().waitFor();

    const cookies = await context.cookies(server.baseUrl);
    const session = cookies.find((cookie) => cookie.name === "dockgraph_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    // The page's token is its session's, not the server's.
    expect(await page.content()).not.toContain(TOKEN);

    // Changes work from the signed-in page: a plan is made with the session's token.
    const image = manifest.scenarios.exitedOnly?.images.image;
    if (!image) throw new Error("the seed has no hello-world image");
    await dashboard.graphNode(`image:${image.id}`).click();
    await page.getByTestId("cleanup-button").click();
    await expect(page.getByTestId("plan-dialog").locator("[data-step-action]")).toHaveCount(2);

    // The code worked once.
    const again = await rawRequest(`${server.baseUrl}/login?code=${code}`);
    expect(again.status).toBe(401);
    expect(again.headers["set-cookie"]).toBeUndefined();
  });

  test("the login form takes the token, and refuses anything else", async ({ page, context }) => {
    await page.goto(`${server.baseUrl}/`);
    await expect(page.getByRole("heading", { name: "Sign in to dockgraph" })).toBeVisible();
    await page.getByLabel("Token (DOCKGRAPH_TOKEN)").fill("not-the-token-0123456789");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That is not this server's token.")).toBeVisible();
    expect((await context.cookies(server.baseUrl)).map((cookie) => cookie.name)).not.toContain("dockgraph_session");

    await page.getByLabel("Token (DOCKGRAPH_TOKEN)").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${server.baseUrl}/`);
    await new GraphPage(page).graphNodes().first().waitFor();
  });

  test("marks the cookie Secure behind an https reverse proxy", async () => {
    const signIn = await fetch(`${server.baseUrl}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https", origin: server.baseUrl },
      body: new URLSearchParams({ token: TOKEN }),
    });
    expect(signIn.headers.get("set-cookie")).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });
});

test.describe("a bad setting stops the server", () => {
  const certDir = mkdtempSync(path.join(os.tmpdir(), "dockgraph-no-certs-"));
  test.afterAll(() => rmSync(certDir, { recursive: true, force: true }));

  const cases: { name: string; env: Record<string, string>; variable: string; withoutToken?: boolean; bind?: string }[] = [
    { name: "a short token", env: { DOCKGRAPH_TOKEN: "short" }, variable: "DOCKGRAPH_TOKEN" },
    { name: "an ssh:// daemon", env: { DOCKER_HOST: "ssh://me@docker.example" }, variable: "DOCKER_HOST" },
    { name: "a certificate folder without certificates", env: { DOCKER_HOST: "tcp://127.0.0.1:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certDir }, variable: "DOCKER_CERT_PATH" },
    { name: "every interface without a token", env: {}, variable: "DOCKGRAPH_BIND", withoutToken: true, bind: "0.0.0.0" },
  ];

  for (const { name, env, variable, withoutToken, bind } of cases) {
    test(`next start: ${name}`, async () => {
      const { code, output } = await runFailingServer(env, { withoutToken, bind });
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(output).toContain("dockgraph cannot start");
      expect(output).toContain(variable);
      expect(output).toContain("for example");
    });
  }

  function runScript(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(repoRoot(), "node_modules", ".bin", "tsx"), [script], {
        cwd: repoRoot(),
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, output }));
    });
  }

  test("tsx scripts/serve.ts (npm start) and scripts/demo.ts (npm run demo)", async () => {
    for (const script of ["scripts/serve.ts", "scripts/demo.ts"]) {
      const token = await runScript(script, { DOCKGRAPH_TOKEN: "short" });
      expect(token.code, script).not.toBe(0);
      expect(token.output, script).toMatch(/DOCKGRAPH_TOKEN \(5 characters\): must be at least 16 characters; for example/);
      const port = await runScript(script, { PORT: "abc" });
      expect(port.code, script).not.toBe(0);
      expect(port.output, script).toContain('PORT="abc": must be a port number');
    }
    const bind = await runScript("scripts/serve.ts", { DOCKGRAPH_BIND: "0.0.0.0", DOCKGRAPH_TOKEN: "" });
    expect(bind.output).toContain("DOCKGRAPH_BIND");
  });
});
