import { expect, test } from "./fixtures";
import { GraphPage } from "./pages/graph-page";

/* Finding things on the seeded host: filters, Compose projects, the disk summary, the keyboard. */
test.use({ freshHost: true });

test("a state filter keeps only those containers in view and in the list", async ({ page, manifest }) => {
  const dashboard = new GraphPage(page);
  await dashboard.open();
  await page.getByRole("toolbar", { name: "Filters" }).getByRole("button", { name: "paused" }).click();
  const paused = manifest.containers.filter((container) => container.state === "paused");
  const others = manifest.containers.filter((container) => container.state !== "paused");
  for (const container of paused) await expect(dashboard.listEntry(`container:${container.id}`)).toBeVisible();
  for (const container of others) await expect(dashboard.listEntry(`container:${container.id}`)).toHaveCount(0);
  // Dimmed on the graph, not removed: the layout does not jump.
  const other = others[0];
  if (!other) throw new Error("the seed has only paused containers");
  await expect(dashboard.graphNode(`container:${other.id}`)).toHaveAttribute("opacity", "0.2");
});

test("a Compose project folds its containers away and back", async ({ page, manifest }) => {
  const dashboard = new GraphPage(page);
  await dashboard.open();
  const shop = manifest.containers.filter((container) => container.labels["com.docker.compose.project"] === "shop");
  expect(shop.length).toBeGreaterThan(1);
  const chip = page.locator('[data-compose-project="shop"]');
  await expect(chip).toContainText(`shop (${shop.length})`);
  await chip.click();
  for (const container of shop) await expect(dashboard.graphNode(`container:${container.id}`)).toHaveCount(0);
  await chip.click();
  for (const container of shop) await expect(dashboard.graphNode(`container:${container.id}`)).toHaveCount(1);
});

test("the disk summary counts what docker system df counts", async ({ page, docker }) => {
  const dashboard = new GraphPage(page);
  await dashboard.open();
  await expect(page.getByTestId("disk-images-total")).toBeVisible();
  // The daemon computes one df at a time and the CLI does not wait: ask again while the page's own is running.
  let df = await docker(["system", "df", "--format", "{{.Type}}={{.TotalCount}}"]);
  for (let attempt = 0; df.code !== 0 && df.stderr.includes("already running") && attempt < 20; attempt++) {
    await page.waitForTimeout(250);
    df = await docker(["system", "df", "--format", "{{.Type}}={{.TotalCount}}"]);
  }
  expect(df.code, df.stderr).toBe(0);
  const counts = Object.fromEntries(df.stdout.trim().split("\n").map((line) => line.split("=")));
  await expect(page.getByTestId("disk-images-total")).toHaveText(String(counts.Images));
  await expect(page.getByTestId("disk-containers-total")).toHaveText(String(counts.Containers));
});

test("the keyboard: / searches, Enter selects, j and k walk the list, Escape clears", async ({ page }) => {
  const dashboard = new GraphPage(page);
  await dashboard.open();
  await page.keyboard.press("/");
  const search = page.getByRole("searchbox", { name: "Search images and containers" });
  await expect(search).toBeFocused();
  await page.keyboard.type("shop-");
  await page.keyboard.press("Enter");
  const first = await dashboard.details().locator("h2").textContent();
  expect(first).toMatch(/^shop-/);
  await search.blur();
  await page.keyboard.press("j");
  await expect(dashboard.details().locator("h2")).not.toHaveText(first ?? "");
  await page.keyboard.press("k");
  await expect(dashboard.details().locator("h2")).toHaveText(first ?? "");
  await page.keyboard.press("Escape");
  await expect(dashboard.details()).toHaveCount(0);
});

test("the legend folds away and stays folded on the next visit", async ({ page }) => {
  const dashboard = new GraphPage(page);
  await dashboard.open();
  await expect(page.getByTestId("graph-legend")).toBeVisible();
  await page.getByTestId("legend-toggle").click();
  await expect(page.getByTestId("graph-legend")).toHaveCount(0);
  await dashboard.open();
  await expect(page.getByTestId("legend-toggle")).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByTestId("graph-legend")).toHaveCount(0);
  await page.getByTestId("legend-toggle").click();
  await expect(page.getByTestId("graph-legend")).toBeVisible();
});
