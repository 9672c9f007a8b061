import type { Request } from "@playwright/test";
import { expect, test } from "./fixtures";
import { GraphPage } from "./pages/graph-page";

/*
 * With the page open, 200 containers are created and then removed with the docker CLI. The page must end showing
 * exactly the daemon's containers, having applied the server's deltas (/api/events) to the graph it fetched once:
 * not one full refetch of /api/graph after the first.
 */
test.use({ freshHost: true });

const HOW_MANY = 200;
/** docker create calls at once: the CLI's start-up dominates, the daemon keeps up. */
const PARALLEL = 8;

test("200 containers created and removed by the CLI reach the open page as deltas, without refetching the graph", async ({ page, docker }) => {
  test.setTimeout(240_000);
  const graphRequests: string[] = [];
  page.on("request", (request: Request) => {
    if (new URL(request.url()).pathname === "/api/graph") graphRequests.push(request.url());
  });
  const daemonContainers = async () => (await docker(["ps", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean).map((id) => `container:${id}`).sort();

  const dashboard = new GraphPage(page);
  await dashboard.open();
  await expect(dashboard.daemonStatus()).toContainText("live");
  await expect.poll(() => dashboard.drawnContainerIds()).toEqual(await daemonContainers());

  const created: string[] = [];
  try {
    for (let first = 0; first < HOW_MANY; first += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, HOW_MANY - first) }, (_, offset) => first + offset);
      const results = await Promise.all(batch.map((index) => docker(["create", "--name", `live_delta_${index}`, "--label", "dockgraph.e2e=live-deltas", "hello-world:latest"])));
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        created.push(result.stdout.trim());
      }
    }
    const withAll = await daemonContainers();
    expect(withAll.length).toBeGreaterThanOrEqual(HOW_MANY);
    await expect.poll(() => dashboard.drawnContainerIds(), { timeout: 30_000 }).toEqual(withAll);
  } finally {
    for (let first = 0; first < created.length; first += 50) {
      const removed = await docker(["rm", ...created.slice(first, first + 50)]);
      expect(removed.code, removed.stderr).toBe(0);
    }
  }
  const after = await daemonContainers();
  await expect.poll(() => dashboard.drawnContainerIds(), { timeout: 30_000 }).toEqual(after);
  await expect(dashboard.graphNodes().filter({ has: page.locator("text.label", { hasText: /^live_delta_/ }) })).toHaveCount(0);

  // The page got there from the one graph it read at first, and the deltas (an older server, which sends a bare
  // "change" per event, makes the page refetch instead: this is what fails against it).
  expect(graphRequests, "requests for the whole /api/graph: the first and no other").toHaveLength(1);
});
