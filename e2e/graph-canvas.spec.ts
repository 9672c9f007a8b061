import type { Page } from "@playwright/test";
import { generatedHost } from "../bench/generated-host";
import type { ContainerNode, GraphPayload } from "../lib/graph/types";
import { expect, test } from "./fixtures";
import { GraphPage } from "./pages/graph-page";

/*
 * A host too big for SVG: the page gets a generated graph of 3,000 nodes (its /api/graph answered by the test),
 * so the canvas renderer draws it. Clicking what is drawn must select it like clicking an SVG node does.
 */

const host = generatedHost(3_000, 5);
test.use({ freshHost: true });

async function serveGeneratedHost(page: Page, serve: () => GraphPayload = () => host): Promise<void> {
  await page.route("**/api/graph", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(serve()) }));
}

/** How many nodes the canvas says it draws (its accessible name counts them). */
async function drawnCount(page: Page): Promise<number> {
  const label = (await page.locator("canvas.graph-bitmap").getAttribute("aria-label")) ?? "";
  return Number(/of (\d+) images/.exec(label)?.[1] ?? Number.NaN);
}

/** The view transform the canvas last drew with, once it has stopped changing (a focus animates for 300 ms). */
async function settledTransform(page: Page): Promise<string> {
  const canvas = page.locator("canvas.graph-bitmap");
  let previous = "";
  await expect
    .poll(async () => {
      const current = (await canvas.getAttribute("data-transform")) ?? "";
      const settled = current !== "" && current === previous;
      previous = current;
      return settled;
    })
    .toBe(true);
  return previous;
}

test("a big host is drawn on a canvas, and clicking a drawn node selects it", async ({ page }) => {
  await serveGeneratedHost(page);
  await page.goto("/");
  const graph = page.getByTestId("graph");
  await expect(graph).toHaveAttribute("data-drawn", "true");
  await expect(graph).toHaveAttribute("data-renderer", "canvas");
  await expect(page.locator("svg.graph-canvas")).toHaveCount(0);

  const target = host.nodes.find((node): node is ContainerNode => node.kind === "container" && node.composeProject === undefined);
  if (!target) throw new Error("the generated host has no container outside Compose");
  const dashboard = new GraphPage(page);
  // Selecting it (search, Enter) centres the graph on the node; then clear the selection and click the centre.
  await dashboard.searchAndOpen(target.containerId.slice(0, 16));
  await expect(dashboard.details()).toContainText(target.name);
  await dashboard.search("");
  await settledTransform(page);
  await page.keyboard.press("Escape");
  await expect(dashboard.details()).toHaveCount(0);
  // The side panel has closed and the canvas widened: the renderer keeps the same point in the middle.
  await settledTransform(page);

  await page.locator("canvas.graph-bitmap").click();
  await expect(dashboard.details()).toContainText(target.name);
  await expect(dashboard.details()).toContainText(target.containerId);
});

test("the canvas redraws in the other theme's colours", async ({ page }) => {
  await serveGeneratedHost(page);
  await page.goto("/");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-drawn", "true");
  const corner = () =>
    page.evaluate(`Array.from(document.querySelector("canvas.graph-bitmap").getContext("2d").getImageData(1, 1, 1, 1).data).join(",")`);
  const before = await corner();
  const theme = page.getByRole("button", { name: /Switch to (dark|light) theme/ });
  await theme.click();
  await expect.poll(corner).not.toBe(before);
  await theme.click();
  await expect.poll(corner).toBe(before);
});

test("?renderer=canvas draws the seeded host on a canvas too", async ({ page, manifest }) => {
  await page.goto("/?renderer=canvas");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-renderer", "canvas");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-drawn", "true");
  const paused = manifest.containers.find((container) => container.state === "paused");
  if (!paused) throw new Error("the seed has no paused container");
  const dashboard = new GraphPage(page);
  await dashboard.listEntry(`container:${paused.id}`).click();
  await settledTransform(page);
  await page.keyboard.press("Escape");
  await expect(dashboard.details()).toHaveCount(0);
  // The side panel has closed and the canvas widened: the renderer keeps the same point in the middle.
  await settledTransform(page);
  await page.locator("canvas.graph-bitmap").click();
  await expect(dashboard.details()).toContainText(paused.name);
});

test("a live update draws the new container and keeps the user's pan and zoom", async ({ page, docker }) => {
  const image = host.nodes.find((node) => node.kind === "image" && !node.missing && !node.intermediate);
  if (!image) throw new Error("the generated host has no image");
  const newcomer: ContainerNode = {
    id: `container:${"d".repeat(64)}`,
    kind: "container",
    containerId: "d".repeat(64),
    shortId: "d".repeat(12),
    name: "live_newcomer",
    image: image.imageId,
    imageId: image.imageId,
    state: "running",
    status: "Up 1 second",
    created: 2_000_000_000,
    labels: {},
  };
  let served = host;
  await serveGeneratedHost(page, () => served);
  await page.goto("/");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-drawn", "true");
  const canvas = page.locator("canvas.graph-bitmap");
  const box = await canvas.boundingBox();
  if (!box) throw new Error("the canvas has no box");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 10; step += 1) await page.mouse.move(box.x + box.width / 2 + step * 12, box.y + box.height / 2 + step * 8);
  await page.mouse.up();
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.wheel(0, -300);
  const moved = await settledTransform(page);
  const before = await drawnCount(page);

  served = { ...host, nodes: [...host.nodes, newcomer], edges: [...host.edges, { source: newcomer.id, target: image.id, kind: "uses" }] };
  // Any daemon event makes the page refetch the graph, which now has one more container.
  const run = await docker(["run", "-d", "--name", "canvas_live_update", "hello-world:latest", "sh", "-c", "sleep 60"]);
  expect(run.code).toBe(0);
  try {
    await expect.poll(() => drawnCount(page)).toBe(before + 1);
    expect(await canvas.getAttribute("data-transform")).toBe(moved);
  } finally {
    await docker(["rm", "-f", "canvas_live_update"]);
  }
});

test("the list of a big host builds only the rows in view, and keeps the selection in view", async ({ page }) => {
  await serveGeneratedHost(page);
  await page.goto("/");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-drawn", "true");
  const list = page.getByTestId("node-list");
  await expect(list).toHaveAttribute("data-windowed", "true");
  expect(await list.locator("[data-list-node-id]").count()).toBeLessThan(100);

  // The last container of the list, far below what is in view.
  const containers = host.nodes.filter((node): node is ContainerNode => node.kind === "container");
  const deep = containers.at(-1);
  const before = containers.at(-2);
  if (!deep || !before) throw new Error("the generated host has too few containers");
  const dashboard = new GraphPage(page);
  await dashboard.searchAndOpen(deep.containerId.slice(0, 16));
  await expect(dashboard.details()).toContainText(deep.name);
  // With the search cleared the whole list is back, scrolled to the selection.
  await dashboard.search("");
  await page.keyboard.press("Tab");
  await expect(dashboard.listEntry(deep.id)).toBeInViewport();
  await expect(dashboard.listEntry(deep.id).locator("..")).toHaveAttribute("aria-selected", "true");
  // Walking up with the keyboard keeps the new selection in view too.
  await page.keyboard.press("k");
  await expect(dashboard.details()).toContainText(before.name);
  await expect(dashboard.listEntry(before.id)).toBeInViewport();
});

test("a host with many Compose projects offers them from one drop-down, not a row of chips", async ({ page }) => {
  await serveGeneratedHost(page);
  await page.goto("/");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-drawn", "true");
  const projects = new Set(host.nodes.flatMap((node) => (node.kind === "container" && node.composeProject ? [node.composeProject] : [])));
  expect(projects.size).toBeGreaterThan(8);
  const filters = page.getByRole("toolbar", { name: "Filters" });
  const summary = filters.getByText(`${projects.size} projects ▾`);
  await summary.click();
  const [first] = [...projects].sort();
  await filters.locator(`[data-compose-project="${first}"]`).click();
  await expect(filters.getByText(`${projects.size} projects, 1 folded ▾`)).toBeVisible();
});

test("zoomed out, containers fold into badges (and further out repositories into one node); zoomed in, every node is back", async ({ page }) => {
  await serveGeneratedHost(page);
  await page.goto("/");
  await expect(page.getByTestId("graph")).toHaveAttribute("data-drawn", "true");
  const canvas = page.locator("canvas.graph-bitmap");
  // The whole host in view is too small for single containers.
  await expect(canvas).toHaveAttribute("data-zoom-level", /^(images|repositories)$/);
  const box = await canvas.boundingBox();
  if (!box) throw new Error("the canvas has no box");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let step = 0; step < 6; step += 1) await page.mouse.wheel(0, -300);
  await expect(canvas).toHaveAttribute("data-zoom-level", "nodes");
  for (let step = 0; step < 14; step += 1) await page.mouse.wheel(0, 300);
  await expect(canvas).toHaveAttribute("data-zoom-level", "repositories");
});
