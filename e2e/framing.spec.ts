import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { E2E_BASE_URL } from "./fixtures/e2e-env";
import { rawRequest } from "./fixtures/raw-http";

/*
 * A hostile page on another local origin (a tiny server on another 127.0.0.1 port) tries what a clickjacking or
 * data-stealing page would: frame the dashboard, and read `/` and `/api/graph` with fetch.
 */

let attacker: http.Server;
let attackerOrigin: string;

const ATTACKER_PAGE = (target: string) => `<!doctype html><html><body>
<h1>win a prize</h1>
<iframe id="dashboard" src="${target}/" width="800" height="600"></iframe>
<iframe id="control" src="/inner" width="200" height="100"></iframe>
</body></html>`;

test.beforeAll(async () => {
  attacker = http.createServer((request, response) => {
    if (request.url === "/inner") {
      response.writeHead(200, { "content-type": "text/html" }).end("<p id='inner'>framed fine</p>");
      return;
    }
    response.writeHead(200, { "content-type": "text/html" }).end(ATTACKER_PAGE(E2E_BASE_URL));
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker.close(resolve));
});

test("a page of another origin frames the dashboard: the frame stays blank", async ({ page }) => {
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors|X-Frame-Options/i.test(message.text())) refusals.push(message.text());
  });
  await page.goto(attackerOrigin);
  // The control frame shows that framing itself works on this page.
  await expect(page.frameLocator("#control").locator("#inner")).toHaveText("framed fine");

  const frameElement = await page.locator("#dashboard").elementHandle();
  const frame = await frameElement?.contentFrame();
  if (!frame) throw new Error("the dashboard frame has no document");
  await expect.poll(() => frame.url()).not.toBe("about:blank");
  expect(frame.url()).not.toBe(`${E2E_BASE_URL}/`);
  await expect(frame.locator("body")).not.toContainText("dockgraph");
  await expect(frame.getByTestId("daemon-status")).toHaveCount(0);
  await expect(frame.locator("svg.graph-canvas")).toHaveCount(0);
  expect(refusals.join("\n")).toMatch(/frame-ancestors|X-Frame-Options/);
});

test("a page of another origin cannot read / or /api/graph", async ({ page, apiToken }) => {
  await page.goto(attackerOrigin);
  const results = await page.evaluate(async (target) => {
    const attempt = async (url: string) => {
      try {
        const response = await fetch(url);
        return `read ${response.status}: ${(await response.text()).slice(0, 200)}`;
      } catch (error) {
        return `failed: ${String(error)}`;
      }
    };
    return { page: await attempt(`${target}/`), graph: await attempt(`${target}/api/graph`) };
  }, E2E_BASE_URL);
  expect(results.page).toMatch(/^failed: TypeError/);
  expect(results.graph).toMatch(/^failed: TypeError/);

  // What the browser sent, replayed: no CORS header lets it read, and the server refuses the foreign Origin anyway.
  for (const path of ["/", "/api/graph"]) {
    const response = await rawRequest(`${E2E_BASE_URL}${path}`, {
      headers: { host: new URL(E2E_BASE_URL).host, origin: attackerOrigin, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" },
    });
    expect(response.status, path).toBe(403);
    expect(response.headers["access-control-allow-origin"], path).toBeUndefined();
    expect(response.body, path).not.toContain(apiToken);
  }
});
