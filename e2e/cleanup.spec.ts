import { expect, test } from "./fixtures";
import { GraphPage } from "./pages/graph-page";

/*
 * What the user does: select a blocked node, read why, press cleanup, confirm, watch it go — then check with
 * the daemon that exactly those objects are gone. Each test starts from a freshly seeded host.
 */
test.use({ freshHost: true });

async function daemonInventory(docker: (args: readonly string[]) => Promise<{ stdout: string }>) {
  const containers = (await docker(["ps", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean).sort();
  const images = (await docker(["images", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean);
  return { containers, images: [...new Set(images)].sort() };
}

test("an image blocked by a stopped container: read why, clean up, and only those go", async ({ page, manifest, docker }) => {
  const image = manifest.scenarios.exitedOnly?.images.image;
  const container = manifest.containers.find((candidate) => candidate.name === "hungry_hopper");
  if (!image || !container) throw new Error("the seed has no hello-world / hungry_hopper");
  const before = await daemonInventory(docker);

  const dashboard = new GraphPage(page);
  await dashboard.open();
  await dashboard.graphNode(`image:${image.id}`).click();

  const blockers = page.getByTestId("blockers");
  await expect(blockers.getByTestId("deletable")).toHaveAttribute("data-deletable", "false");
  await expect(blockers.locator('[data-blocker-kind="stopped-container"]')).toContainText("hungry_hopper");
  // A soft blocker: the daemon would give way to force, which dockgraph never uses; the plan removes it first.
  await expect(blockers.locator('[data-blocker-kind="stopped-container"]')).toContainText("force would override");
  await expect(blockers.getByTestId("daemon-message")).toContainText(
    `conflict: unable to delete ${image.shortId} (must be forced) - image is being used by stopped container ${container.shortId}`,
  );
  // The blocking container is highlighted on the graph.
  await expect(dashboard.graphNode(`container:${container.id}`).locator("rect.shape")).toHaveAttribute("stroke", "var(--node-highlight)");

  await page.getByTestId("cleanup-button").click();
  const dialog = page.getByTestId("plan-dialog");
  await expect(dialog.locator("[data-step-action]")).toHaveCount(2);
  await expect(dialog.locator('[data-step-action="remove-container"]')).toContainText("hungry_hopper");
  // The same plan as docker commands, in order, never forced.
  await dialog.getByTestId("show-script").click();
  const script = dialog.getByTestId("plan-script");
  await expect(script).toContainText(/docker rm [^\n]*\n[\s\S]*docker rmi /);
  await expect(script).not.toContainText(/ -f\b|--force/);
  await dialog.getByTestId("run-plan").click();
  await expect(dialog.getByTestId("run-summary")).toHaveAttribute("data-outcome", "completed");
  await dialog.getByRole("button", { name: "Close" }).click();

  await expect(dashboard.graphNode(`container:${container.id}`)).toHaveCount(0);
  await expect(dashboard.graphNode(`image:${image.id}`)).toHaveCount(0);

  const after = await daemonInventory(docker);
  expect(before.containers.filter((id) => !after.containers.includes(id))).toEqual([container.id]);
  const goneImages = before.images.filter((id) => !after.images.includes(id));
  expect(goneImages).toContain(image.id);
  // Besides the image, only untagged build-step parents the daemon prunes with it may go.
  const survivors = manifest.images.filter((candidate) => !candidate.removed && candidate.tags.length > 0 && candidate.id !== image.id);
  for (const survivor of survivors) expect(after.images).toContain(survivor.id);
});

test("a running container asks for consent before anything is stopped", async ({ page, manifest, docker }) => {
  const web = manifest.containers.find((candidate) => candidate.state === "running");
  if (!web) throw new Error("the seed has no running container");
  const dashboard = new GraphPage(page);
  await dashboard.open();
  await dashboard.listEntry(`container:${web.id}`).click();
  await expect(page.getByTestId("daemon-message")).toContainText(`You cannot remove a running container ${web.id}`);

  await page.getByTestId("cleanup-button").click();
  const dialog = page.getByTestId("plan-dialog");
  await expect(dialog.getByTestId("plan-blocked")).toContainText("must be stopped first");
  await expect(dialog.getByTestId("run-plan")).toHaveCount(0);
  expect((await docker(["inspect", "-f", "{{.State.Status}}", web.id])).stdout.trim()).toBe("running");

  await dialog.getByTestId("consent-stop").check();
  await expect(dialog.locator('[data-step-action="stop-container"]')).toHaveCount(1);
  await expect(dialog.getByTestId("plan-warnings")).toContainText("will be stopped");
  await dialog.getByTestId("run-plan").click();
  await expect(dialog.getByTestId("run-summary")).toHaveAttribute("data-outcome", "completed");
  expect((await docker(["ps", "-aq", "--no-trunc", "--filter", `id=${web.id}`])).stdout.trim()).toBe("");
});

test("a container created after the preview stops the run there, and the graph shows what is really left", async ({ page, manifest, docker }) => {
  const image = manifest.scenarios.exitedOnly?.images.image;
  const container = manifest.containers.find((candidate) => candidate.name === "hungry_hopper");
  if (!image || !container) throw new Error("the seed has no hello-world / hungry_hopper");
  const dashboard = new GraphPage(page);
  await dashboard.open();
  await dashboard.listEntry(`image:${image.id}`).click();
  await page.getByTestId("cleanup-button").click();
  const dialog = page.getByTestId("plan-dialog");
  await expect(dialog.locator("[data-step-action]")).toHaveCount(2);

  // Someone uses the image in a terminal while the user reads the preview.
  const created = await docker(["create", "--name", "late_visitor", image.id, "true"]);
  expect(created.code, created.stderr).toBe(0);
  const lateId = created.stdout.trim();
  await dialog.getByTestId("run-plan").click();

  await expect(dialog.getByTestId("run-summary")).toHaveAttribute("data-outcome", "stopped");
  await expect(dialog.getByTestId("run-summary")).toContainText("Stopped at step 2 (remove image");
  const imageStep = dialog.locator('[data-step-action="remove-image"]');
  await expect(imageStep).toHaveAttribute("data-step-status", "failed");
  await expect(imageStep).toContainText("late_visitor");
  await dialog.getByRole("button", { name: "Close" }).click();

  // The planned container went; the image and the newcomer stay, on the graph as on the daemon.
  await expect(dashboard.graphNode(`container:${container.id}`)).toHaveCount(0);
  await expect(dashboard.graphNode(`image:${image.id}`)).toHaveCount(1);
  await expect(dashboard.graphNode(`container:${lateId}`)).toHaveCount(1);
  expect((await docker(["image", "inspect", "-f", "{{.Id}}", image.id])).stdout.trim()).toBe(image.id);
});

test("prune stopped containers from the toolbar, as docker container prune would", async ({ page, manifest, docker }) => {
  const stopped = manifest.containers.filter((container) => ["created", "exited", "dead"].includes(container.state));
  const running = manifest.containers.filter((container) => !["created", "exited", "dead"].includes(container.state));
  const dashboard = new GraphPage(page);
  await dashboard.open();

  await page.getByRole("button", { name: "Stopped containers" }).click();
  const dialog = page.getByTestId("plan-dialog");
  await expect(dialog.locator('[data-step-action="remove-container"]')).toHaveCount(stopped.length);
  await dialog.getByTestId("run-plan").click();
  await expect(dialog.getByTestId("run-summary")).toHaveAttribute("data-outcome", "completed");

  const left = (await docker(["ps", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean).sort();
  expect(left).toEqual(running.map((container) => container.id).sort());
});

test("a prune preview narrowed by a label filter lists what the CLI's filter selects", async ({ page, manifest, docker }) => {
  const project = "com.docker.compose.project=shop";
  const selected = await docker(["ps", "-aq", "--no-trunc", "--filter", `label=${project}`, "--filter", "status=exited", "--filter", "status=created", "--filter", "status=dead"]);
  const expected = selected.stdout.split("\n").filter(Boolean);
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.length).toBeLessThan(manifest.containers.filter((container) => ["created", "exited", "dead"].includes(container.state)).length);
  const dashboard = new GraphPage(page);
  await dashboard.open();

  await page.getByRole("button", { name: "Stopped containers" }).click();
  const dialog = page.getByTestId("plan-dialog");
  await dialog.getByTestId("prune-filter").fill(`label=${project}`);
  await dialog.getByRole("button", { name: "Apply filters" }).click();
  const steps = dialog.locator('[data-step-action="remove-container"]');
  await expect(steps).toHaveCount(expected.length);
  for (const id of expected) {
    const name = manifest.containers.find((container) => container.id === id)?.name ?? id;
    await expect(steps.filter({ hasText: name })).toHaveCount(1);
  }

  await dialog.getByTestId("prune-filter").fill(`label=${project} until=not-a-time`);
  await dialog.getByRole("button", { name: "Apply filters" }).click();
  await expect(dialog.getByTestId("plan-error")).toContainText("until");
  await expect(dialog.getByTestId("run-plan")).toHaveCount(0);
});

test("a container started with the Docker CLI appears without a reload", async ({ page, docker }) => {
  const dashboard = new GraphPage(page);
  await dashboard.open();
  const run = await docker(["run", "-d", "--name", "started_from_cli", "hello-world:latest", "sh", "-c", "sleep 600"]);
  expect(run.code).toBe(0);
  const id = run.stdout.trim();
  await expect(dashboard.graphNode(`container:${id}`)).toHaveAttribute("data-state", "running", { timeout: 5_000 });
  await docker(["rm", "-f", id]);
  await expect(dashboard.graphNode(`container:${id}`)).toHaveCount(0, { timeout: 5_000 });
});
