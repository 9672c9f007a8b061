import fs from "node:fs";
import path from "node:path";
import { SocketRelay } from "../test/support/socket-relay";
import { expect, test } from "./fixtures";
import { startSecondServer, type SecondServer } from "./fixtures/second-server";
import { GraphPage } from "./pages/graph-page";

/*
 * The daemon goes away and comes back while the page is open. A second server talks to the sandbox daemon
 * through a socket relay that this spec can close and reopen: to the server that is exactly a daemon that
 * stopped and restarted (socket gone, connections cut), while the real daemon keeps its state for the
 * other specs.
 */

test.describe("when the daemon stops and starts again", () => {
  let relay: SocketRelay;
  let server: SecondServer;

  test.beforeAll(async ({ sandbox }) => {
    const dir = path.join("test-results", "relay");
    fs.mkdirSync(dir, { recursive: true });
    relay = new SocketRelay(path.resolve(dir, "docker.sock"), sandbox.dockerHost.replace(/^unix:\/\//, ""));
    await relay.open();
    server = await startSecondServer({ DOCKER_HOST: `unix://${relay.socketPath}` });
  });

  test.afterAll(async () => {
    server.stop();
    await relay.close();
  });

  test("the page says the graph is stale while it is away, and goes live again by itself", async ({ page, manifest }) => {
    const dashboard = new GraphPage(page);
    await page.goto(server.baseUrl);
    await dashboard.graphNodes().first().waitFor();
    await expect(dashboard.daemonStatus()).toContainText("live");
    const container = manifest.containers[0];
    if (!container) throw new Error("the seed has no container");

    await relay.close();
    await expect(page.getByTestId("stale-graph")).toContainText("cannot be reached");
    await expect(dashboard.daemonStatus()).toHaveAttribute("data-connected", "false");
    // The last known graph stays readable meanwhile.
    await expect(dashboard.graphNode(`container:${container.id}`)).toHaveCount(1);

    await relay.open();
    // The server retries the daemon with backoff (at most 10 s apart), then the page refreshes on its own.
    await expect(page.getByTestId("stale-graph")).toHaveCount(0, { timeout: 20_000 });
    await expect(dashboard.daemonStatus()).toHaveAttribute("data-connected", "true");
    await expect(dashboard.daemonStatus()).toContainText("live");
  });
});
