import { defineConfig } from "@playwright/test";
import { sandboxPid } from "./scripts/sandbox/daemon";
import { E2E_BASE_URL, E2E_PORT, E2E_TOKEN, OWNER_ENV, e2eSandbox } from "./e2e/fixtures/e2e-env";

const sandbox = e2eSandbox();
// Decided once, in the runner process, before the web server starts the sandbox: workers inherit it.
process.env[OWNER_ENV] ??= sandboxPid(sandbox.dir) === null ? "1" : "0";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/playwright",
  // One sandbox daemon and one server for every spec: run them one at a time.
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.DOCKGRAPH_E2E_JSON ?? "test-results/reports/playwright-e2e.json" }]],
  globalSetup: "./e2e/fixtures/global-setup.ts",
  use: {
    baseURL: E2E_BASE_URL,
    browserName: "chromium",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser downloads are never used.
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: {
    // Starts (or reuses) the sandbox, builds when the build is stale, then `next start` against the sandbox.
    command: "node_modules/.bin/tsx scripts/serve.ts --sandbox",
    port: E2E_PORT,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    env: {
      PORT: String(E2E_PORT),
      DOCKGRAPH_BIND: "127.0.0.1",
      DOCKER_HOST: sandbox.dockerHost,
      DOCKGRAPH_TOKEN: E2E_TOKEN,
      DOCKGRAPH_SANDBOX_DIR: sandbox.dir,
      DOCKGRAPH_DATA_DIR: `${sandbox.dir}/app-data`,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
