import { expect, test } from "@playwright/test";
import { startSecondServer, type SecondServer } from "./fixtures/second-server";

/*
 * A second server of the same build, pointed at a daemon that does not exist: the API says so with 503 and
 * the page explains it (which host, what to do) instead of crashing.
 */

const MISSING_DAEMON = "unix:///nonexistent/dockgraph-e2e/docker.sock";

test.describe("without a reachable daemon", () => {
  let server: SecondServer;

  test.beforeAll(async () => {
    server = await startSecondServer({ DOCKER_HOST: MISSING_DAEMON });
  });

  test.afterAll(() => server.stop());

  test("GET /api/health answers 503 naming the host tried", async ({ request }) => {
    const response = await request.get(`${server.baseUrl}/api/health`);
    expect(response.status()).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("daemon_unreachable");
    expect(body.error.message).toContain(MISSING_DAEMON);
  });

  test("the page explains what is wrong and what to do", async ({ page }) => {
    await page.goto(server.baseUrl);
    const alert = page.getByTestId("daemon-unreachable");
    await expect(alert).toContainText("Cannot reach the Docker daemon");
    await expect(alert).toContainText(MISSING_DAEMON);
    await expect(alert).toContainText("DOCKER_HOST");
    await expect(page.getByTestId("daemon-status")).toHaveAttribute("data-connected", "false");
  });

  test("a request for another Host name is refused with 403", async ({ request }) => {
    const response = await request.get(`${server.baseUrl}/api/graph`, { headers: { host: "evil.example" } });
    expect(response.status()).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });
});
