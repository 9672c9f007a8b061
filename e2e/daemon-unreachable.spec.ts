import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { expect, test } from "@playwright/test";

/*
 * A second server of the same build, pointed at a daemon that does not exist: the API says so with 503 and
 * the page explains it (which host, what to do) instead of crashing.
 */

const MISSING_DAEMON = "unix:///nonexistent/dockgraph-e2e/docker.sock";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitUntilServing(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${url} did not answer within 60 s`);
}

test.describe("without a reachable daemon", () => {
  let server: ChildProcess;
  let baseUrl: string;

  test.beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn("node_modules/.bin/next", ["start", "-H", "127.0.0.1", "-p", String(port)], {
      env: { ...process.env, DOCKER_HOST: MISSING_DAEMON, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "ignore",
    });
    await waitUntilServing(`${baseUrl}/api/health`, server);
  });

  test.afterAll(() => {
    server.kill("SIGTERM");
  });

  test("GET /api/health answers 503 naming the host tried", async ({ request }) => {
    const response = await request.get(`${baseUrl}/api/health`);
    expect(response.status()).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("daemon_unreachable");
    expect(body.error.message).toContain(MISSING_DAEMON);
  });

  test("the page explains what is wrong and what to do", async ({ page }) => {
    await page.goto(baseUrl);
    const alert = page.getByTestId("daemon-unreachable");
    await expect(alert).toContainText("Cannot reach the Docker daemon");
    await expect(alert).toContainText(MISSING_DAEMON);
    await expect(alert).toContainText("DOCKER_HOST");
    await expect(page.getByTestId("daemon-status")).toHaveAttribute("data-connected", "false");
  });

  test("a request for another Host name is refused with 403", async ({ request }) => {
    const response = await request.get(`${baseUrl}/api/graph`, { headers: { host: "evil.example" } });
    expect(response.status()).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });
});
