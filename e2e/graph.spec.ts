import { expect, test } from "./fixtures";
import { GraphPage } from "./pages/graph-page";

test.describe("the dashboard on the seeded host", () => {
  // Other specs clean up; these read the host exactly as seeded.
  test.use({ freshHost: true });

  test("draws every seeded image and container, and names the daemon", async ({ page, manifest, sandbox }) => {
    const dashboard = new GraphPage(page);
    await dashboard.open();

    await expect(dashboard.daemonStatus()).toContainText(sandbox.dockerHost);
    await expect(dashboard.daemonStatus()).toContainText("API 1.");

    for (const container of manifest.containers) {
      await expect(dashboard.graphNode(`container:${container.id}`), container.name).toHaveAttribute("data-state", container.state);
    }
    // Build-step images (untagged, with children) are folded away by default, as `docker images` without -a does.
    const parents = new Set(manifest.images.map((image) => image.parentId));
    const buildSteps = manifest.images.filter((image) => !image.removed && image.tags.length === 0 && parents.has(image.id));
    expect(buildSteps.length).toBeGreaterThan(0);
    for (const image of manifest.images.filter((candidate) => !buildSteps.includes(candidate))) {
      await expect(dashboard.graphNode(`image:${image.id}`), image.tags.join(", ") || image.shortId).toHaveCount(1);
    }
    await expect(dashboard.graphNodes()).toHaveCount(manifest.containers.length + manifest.images.length - buildSteps.length);

    await page.getByRole("button", { name: "build-step images" }).click();
    for (const image of buildSteps) await expect(dashboard.graphNode(`image:${image.id}`)).toHaveAttribute("data-state", "intermediate");
    await expect(dashboard.graphNodes()).toHaveCount(manifest.containers.length + manifest.images.length);
  });

  test("shows the force-removed image as a ghost and the dangling images as <none>", async ({ page, manifest }) => {
    const dashboard = new GraphPage(page);
    await dashboard.open();

    const removed = manifest.scenarios.forceRemoved?.images.removed;
    if (!removed) throw new Error("the seed has no force-removed image");
    const ghost = dashboard.graphNode(`image:${removed.id}`);
    await expect(ghost).toHaveAttribute("data-state", "missing");
    await expect(ghost).toHaveAttribute("aria-label", /Missing image/);

    for (const role of ["dangling1", "dangling2"]) {
      const image = manifest.scenarios.dangling?.images[role];
      if (!image) throw new Error(`the seed has no ${role}`);
      await expect(dashboard.graphNode(`image:${image.id}`)).toHaveAttribute("data-state", "dangling");
      await expect(dashboard.listEntry(`image:${image.id}`)).toContainText("<none>");
    }
  });

  test("finds a container by search and shows what it is", async ({ page, manifest }) => {
    const dashboard = new GraphPage(page);
    await dashboard.open();
    const paused = manifest.containers.find((container) => container.state === "paused");
    if (!paused) throw new Error("the seed has no paused container");

    await dashboard.searchAndOpen(paused.name);
    await expect(dashboard.details()).toContainText(paused.name);
    await expect(dashboard.details()).toContainText(paused.id);
    await expect(dashboard.details()).toContainText("paused");
  });

  test("explains a parent image's blockers, marks the hard ones, and jumps to a blocker on click", async ({ page, manifest }) => {
    const chain = manifest.scenarios.chain?.images ?? {};
    const { parent, child, grandchild } = chain;
    if (!parent || !child || !grandchild) throw new Error("the seed has no parent → child → grandchild chain");
    const dashboard = new GraphPage(page);
    await dashboard.open();
    await dashboard.listEntry(`image:${parent.id}`).click();

    const blockers = page.getByTestId("blockers");
    await expect(blockers.getByTestId("daemon-message")).toContainText(`unable to delete ${parent.shortId} (cannot be forced) - image has dependent child images`);
    const children = blockers.locator('[data-blocker-kind="child-image"]');
    await expect(children).toHaveCount(2);
    await expect(children.filter({ hasText: "force won't help" })).toHaveCount(2);
    // The whole blocking path is highlighted on the graph, down to the container on the grandchild.
    for (const id of [`image:${child.id}`, `image:${grandchild.id}`]) {
      await expect(dashboard.graphNode(id).locator("rect.shape")).toHaveAttribute("stroke", "var(--node-highlight)");
    }

    await children.getByRole("button", { name: child.tags[0] }).click();
    await expect(dashboard.details()).toContainText(child.id);
    await expect(dashboard.listEntry(`image:${child.id}`).locator("..")).toHaveAttribute("aria-selected", "true");
  });

  test("lists every reference of the image with several tags on one node", async ({ page, manifest }) => {
    const dashboard = new GraphPage(page);
    await dashboard.open();
    const image = manifest.scenarios.multiTag?.images.image;
    if (!image) throw new Error("the seed has no multi-tag image");

    await dashboard.listEntry(`image:${image.id}`).click();
    for (const tag of image.tags) await expect(dashboard.details()).toContainText(tag);
  });
});
