import fs from "node:fs";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { buildIfNeeded } from "./app-build";
import { startNextServer, type RunningServer } from "./next-server";
import { sandboxPaths, sandboxPid, startSandbox, stopSandbox } from "./sandbox/daemon";
import { compareWithHost, readManifest, type SeedManifest } from "./sandbox/manifest";
import { repoRoot } from "./sandbox/paths";
import { seedScenarios } from "./sandbox/seed";

/*
 * npm run screenshots: the README's pictures of the main states, taken from the seeded sandbox in Debian's
 * Chromium and written to docs/. Reuses a running sandbox (.sandbox, or DOCKGRAPH_SANDBOX_DIR), reseeding it
 * when it no longer matches its manifest; stops it again only when this script started it.
 */

const log = (line: string) => console.error(line);
const VIEWPORT = { width: 1440, height: 900 };
// The sandbox socket lives inside the checkout, so its path names the machine's folders: the pictures show
// the default socket instead (the only text this script changes).
const SHOWN_DOCKER_HOST = "unix:///var/run/docker.sock";

function scenarioImage(manifest: SeedManifest, scenario: string, role: string): string {
  const image = manifest.scenarios[scenario]?.images[role];
  if (!image) throw new Error(`the seed has no ${scenario}.${role} image`);
  return `image:${image.id}`;
}

async function hideSandboxPath(page: Page): Promise<void> {
  await page.evaluate(
    `document.querySelectorAll('[data-testid="daemon-status"] code').forEach((element) => { element.textContent = ${JSON.stringify(SHOWN_DOCKER_HOST)}; })`,
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  await hideSandboxPath(page);
  // Let transitions (zoom to a node, dialog fade) finish before the picture.
  await page.waitForTimeout(600);
  const file = path.join(repoRoot(), "docs", `screenshot-${name}.png`);
  await page.screenshot({ path: file });
  log(`wrote docs/screenshot-${name}.png`);
}

async function select(page: Page, nodeId: string): Promise<void> {
  await page.locator(`[data-list-node-id="${nodeId}"]`).click();
  await page.getByTestId("daemon-message").or(page.getByTestId("deletable")).first().waitFor();
}

async function takeScreenshots(baseUrl: string, manifest: SeedManifest): Promise<void> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light" });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.locator("[data-node-id]").first().waitFor();
    await page.getByTestId("daemon-status").getByText("live").waitFor();
    await shoot(page, "graph");

    await select(page, scenarioImage(manifest, "chain", "parent"));
    await shoot(page, "blockers");

    await page.getByTestId("cleanup-button").click();
    await page.getByTestId("plan-steps").or(page.getByTestId("plan-blocked")).first().waitFor();
    await shoot(page, "plan");
    await page.keyboard.press("Escape");

    const dark = await browser.newContext({ viewport: VIEWPORT, colorScheme: "dark" });
    const darkPage = await dark.newPage();
    await darkPage.goto(baseUrl);
    await darkPage.locator("[data-node-id]").first().waitFor();
    await select(darkPage, scenarioImage(manifest, "runningPaused", "web"));
    await shoot(darkPage, "dark");
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const paths = sandboxPaths();
  const startedHere = sandboxPid(paths.dir) === null;
  await startSandbox({ log });
  let server: RunningServer | null = null;
  try {
    let manifest = readManifest(paths.manifestPath);
    if (manifest === null || (await compareWithHost(paths.dockerHost, manifest)).length > 0) {
      log("Seeding the sandbox…");
      manifest = await seedScenarios(paths.dockerHost, { manifestPath: paths.manifestPath });
    }
    await buildIfNeeded(log);
    server = await startNextServer({ DOCKER_HOST: paths.dockerHost });
    fs.mkdirSync(path.join(repoRoot(), "docs"), { recursive: true });
    await takeScreenshots(server.baseUrl, manifest);
    return 0;
  } finally {
    server?.stop();
    if (startedHere) await stopSandbox({ dir: paths.dir, clean: true, log });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
