import { startSecondServer, type SecondServer } from "./fixtures/second-server";
import { expect, test } from "./fixtures";
import { GraphPage } from "./pages/graph-page";

/* DOCKGRAPH_READ_ONLY=1: the page shows everything, offers no change, and the API refuses every change. */

const TOKEN = "read-only-e2e-token-0123456789";

test.describe("read-only mode", () => {
  test.use({ freshHost: true });
  let server: SecondServer;

  test.beforeAll(async ({ sandbox }) => {
    server = await startSecondServer({ DOCKER_HOST: sandbox.dockerHost, DOCKGRAPH_READ_ONLY: "1", DOCKGRAPH_TOKEN: TOKEN });
  });

  test.afterAll(() => server.stop());

  test("shows the host and why things are blocked, but offers no cleanup", async ({ page, manifest }) => {
    const dashboard = new GraphPage(page);
    await page.goto(server.baseUrl);
    await dashboard.graphNodes().first().waitFor();
    await expect(page.getByTestId("read-only")).toBeVisible();
    await expect(page.getByRole("group", { name: "Prune" })).toHaveCount(0);

    const image = manifest.scenarios.exitedOnly?.images.image;
    if (!image) throw new Error("the seed has no hello-world image");
    await dashboard.listEntry(`image:${image.id}`).click();
    await expect(page.getByTestId("daemon-message")).toContainText("must be forced");
    await expect(page.getByTestId("cleanup-button")).toHaveCount(0);
    await expect(page.getByText("Read-only mode: cleanup is disabled")).toBeVisible();
  });

  test("refuses every change with 403 read_only, even with the token", async ({ request, manifest }) => {
    const image = manifest.scenarios.exitedOnly?.images.image;
    const headers = { "x-dockgraph-token": TOKEN, origin: server.baseUrl };
    for (const [path, data] of [
      ["/api/plans", { targets: [image?.id ?? "hello-world:latest"] }],
      ["/api/prune/plan", { scope: "stopped-containers" }],
    ] as const) {
      const response = await request.post(`${server.baseUrl}${path}`, { headers, data });
      expect(response.status(), path).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("read_only");
    }
  });
});
