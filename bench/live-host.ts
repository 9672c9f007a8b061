/**
 * Benchmark of issue 11: dockgraph on a big host, over HTTP and in the page, as ratios to raw Engine calls.
 *
 * Fills a sandbox daemon of its own (.sandbox-bench-host) with the host shape of bench/host-shape.ts at S, M or L,
 * starts a fresh production server on loopback and measures, in one run:
 *   server   /api/graph first after start, warm, and 304 with If-None-Match; /api/blockers (the image of ~951
 *            containers, first and warm; one container); POST /api/plans (one image with 5 containers); both prune
 *            plans; the server's memory (VmRSS, VmHWM of its process tree) — each against raw calls made alternately;
 *   page     headless Chromium on the dashboard: pan and zoom frame times, click → blockers in the panel, `docker
 *            create` → the row in the list, and an event storm (~20 events/s for 40 s): the page's full /api/graph
 *            and /api/health fetches, /api/graph's time meanwhile, and the time until the page shows the daemon's
 *            state again; the server's memory after it;
 *   cleanup  prune plans for stopped containers then unused images, executed through the server, against
 *            `docker container prune -f && docker image prune -a -f` on an identical freshly generated host.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { chromium, type Browser, type Page } from "@playwright/test";
import { buildIfNeeded } from "@/scripts/app-build";
import { startNextServer, type RunningServer } from "@/scripts/next-server";
import { sandboxPaths, startSandbox, stopSandbox, type SandboxInfo } from "@/scripts/sandbox/daemon";
import { docker } from "@/scripts/sandbox/docker-cli";
import { engineRequest } from "@/scripts/sandbox/engine-api";
import { runStorm, type StormResult } from "./event-storm";
import { assertGenerated, generateHost, hostCounts, killLiveContainers, type GeneratedHost } from "./host-generator";
import type { HostSize } from "./host-shape";
import { callServer, median, quantile, rawContainerList, rawLists, type ServerClient } from "./http-probe";
import { clickToBlockers, FRAME_HELPERS, listedIds, listRowHints, panAndZoom, setSearch, whenListed, type FrameStats, type ListedNode } from "./page-probe";
import { MIB, shimsOf, treeMemory, type TreeMemory } from "./process-memory";
import { ms, ratioRow, times, verdict, type Row } from "./report";

export const SANDBOX_DIR = ".sandbox-bench-host";
export type Part = "server" | "page" | "cleanup";
type Log = (line: string) => void;

export interface Cleanups {
  add: (name: string, run: () => Promise<unknown> | void) => () => void;
}

interface SizeSettings {
  rounds: number;
  drawTimeoutMs: number;
  recoveryTimeoutMs: number;
}

const SETTINGS: Record<HostSize, SizeSettings> = {
  S: { rounds: 9, drawTimeoutMs: 120_000, recoveryTimeoutMs: 120_000 },
  M: { rounds: 5, drawTimeoutMs: 300_000, recoveryTimeoutMs: 600_000 },
  L: { rounds: 3, drawTimeoutMs: 600_000, recoveryTimeoutMs: 600_000 },
};
const STORM = { durationMs: 40_000, eventsPerSecond: 20 };
// 60 frames a second is a frame every 16.7 ms; requestAnimationFrame deltas jitter around it by a few percent.
const FRAME_BUDGET_MS = 16.7;
const FRAME_JITTER = 1.05;
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface LiveHostResult {
  rows: Row[];
  notes: string[];
  hostDescription: string;
  dockerVersion: string;
  chromiumVersion: string;
  raw: Record<string, unknown>;
}

const mib = (bytes: number) => `${Math.round(bytes / MIB)} MiB`;

function expectStatus(what: string, status: number, expected: number[]): void {
  if (!expected.includes(status)) throw new Error(`${what} answered ${status}, expected ${expected.join(" or ")}`);
}

async function freshSandbox(log: Log): Promise<SandboxInfo> {
  await stopSandbox({ dir: SANDBOX_DIR, clean: true, log });
  return startSandbox({ dir: SANDBOX_DIR, log });
}

async function startServer(sandbox: SandboxInfo, token: string, cleanups: Cleanups): Promise<{ server: RunningServer; client: ServerClient; release: () => void }> {
  const server = await startNextServer({
    DOCKER_HOST: sandbox.dockerHost,
    DOCKGRAPH_TOKEN: token,
    DOCKGRAPH_DATA_DIR: `${sandboxPaths(SANDBOX_DIR).dir}/app-data`,
  });
  const release = cleanups.add("server", () => server.stop());
  return { server, client: { baseUrl: server.baseUrl, token }, release };
}

function serverMemory(server: RunningServer): TreeMemory {
  return treeMemory(server.process.pid === undefined ? [] : [server.process.pid]);
}

interface ServerFigures {
  rawListsFirst: number;
  rawLists: number[];
  rawContainerList: number[];
  graphFirst: number;
  graphWarm: number[];
  graphBytes: number;
  graphNodes: number;
  etag: string | null;
  notModified: number[];
  blockersHeavyFirst: number;
  blockersHeavy: number[];
  blockersContainer: number[];
  plan: number[];
  planSteps: number;
  pruneUnused: number[];
  pruneUnusedSteps: number;
  pruneStopped: number[];
  pruneStoppedSteps: number;
  memoryStarted: TreeMemory;
  memoryAfterRequests: TreeMemory;
}

async function measureServer(socketPath: string, client: ServerClient, host: GeneratedHost, server: RunningServer, rounds: number, log: Log): Promise<ServerFigures> {
  const heavy = `image:${host.imageIds[host.plan.heavyImage]}`;
  const planTarget = `image:${host.imageIds[host.plan.planImage]}`;
  const oneContainer = host.plan.containers.find((container) => container.state === "exited" && container.image !== host.plan.heavyImage && container.image !== host.plan.planImage);
  const containerTarget = `container:${host.containerIds[oneContainer?.index ?? 0]}`;
  const memoryStarted = serverMemory(server);

  const first = await callServer(client, "GET", "/api/graph");
  expectStatus("GET /api/graph", first.status, [200]);
  const graph = JSON.parse(first.text) as { nodes: unknown[] };
  const blockersFirst = await callServer(client, "GET", `/api/blockers?target=${encodeURIComponent(heavy)}`);
  expectStatus("GET /api/blockers", blockersFirst.status, [200]);

  const figures: ServerFigures = {
    rawListsFirst: Number.NaN,
    rawLists: [],
    rawContainerList: [],
    graphFirst: first.ms,
    graphWarm: [],
    graphBytes: first.bytes,
    graphNodes: graph.nodes.length,
    etag: first.etag,
    notModified: [],
    blockersHeavyFirst: blockersFirst.ms,
    blockersHeavy: [],
    blockersContainer: [],
    plan: [],
    planSteps: 0,
    pruneUnused: [],
    pruneUnusedSteps: 0,
    pruneStopped: [],
    pruneStoppedSteps: 0,
    memoryStarted,
    memoryAfterRequests: memoryStarted,
  };
  const steps = (text: string) => (JSON.parse(text) as { steps: unknown[] }).steps.length;
  for (let round = 0; round < rounds; round += 1) {
    log(`server: round ${round + 1} of ${rounds}`);
    figures.rawLists.push(await rawLists(socketPath));
    const warm = await callServer(client, "GET", "/api/graph");
    expectStatus("GET /api/graph", warm.status, [200]);
    figures.graphWarm.push(warm.ms);
    if (warm.etag !== null) {
      const cached = await callServer(client, "GET", "/api/graph", { headers: { "if-none-match": warm.etag } });
      // A 200 here means the model changed meanwhile or the ETag is not honoured: not a 304 figure.
      if (cached.status === 304) figures.notModified.push(cached.ms);
    }
    figures.rawContainerList.push(await rawContainerList(socketPath));
    const blockers = await callServer(client, "GET", `/api/blockers?target=${encodeURIComponent(heavy)}`);
    expectStatus("GET /api/blockers", blockers.status, [200]);
    figures.blockersHeavy.push(blockers.ms);
    const one = await callServer(client, "GET", `/api/blockers?target=${encodeURIComponent(containerTarget)}`);
    expectStatus("GET /api/blockers (container)", one.status, [200]);
    figures.blockersContainer.push(one.ms);
    figures.rawContainerList.push(await rawContainerList(socketPath));
    const plan = await callServer(client, "POST", "/api/plans", { body: { targets: [planTarget] } });
    expectStatus("POST /api/plans", plan.status, [201]);
    figures.plan.push(plan.ms);
    figures.planSteps = steps(plan.text);
    const unused = await callServer(client, "POST", "/api/prune/plan", { body: { scope: "unused-images" } });
    expectStatus("POST /api/prune/plan unused-images", unused.status, [200, 201]);
    figures.pruneUnused.push(unused.ms);
    figures.pruneUnusedSteps = steps(unused.text);
    figures.rawContainerList.push(await rawContainerList(socketPath));
    const stopped = await callServer(client, "POST", "/api/prune/plan", { body: { scope: "stopped-containers" } });
    expectStatus("POST /api/prune/plan stopped-containers", stopped.status, [200, 201]);
    figures.pruneStopped.push(stopped.ms);
    figures.pruneStoppedSteps = steps(stopped.text);
  }
  figures.memoryAfterRequests = serverMemory(server);
  return figures;
}

interface PageFigures {
  firstDrawMs: number;
  pan: FrameStats;
  zoom: FrameStats;
  clickToBlockers: number[];
  createToRow: number[];
  storm: StormResult;
  stormGraph: number[];
  stormGraphFailures: number;
  stormFullGraphFetches: number;
  stormHealthFetches: number;
  recoveryFullGraphFetches: number;
  serverErrors: number;
  recoveryMs: number | null;
  recoveryLimitMs: number;
  memoryAfterStorm: TreeMemory;
}

async function measurePage(
  browser: Browser,
  sandbox: SandboxInfo,
  client: ServerClient,
  server: RunningServer,
  host: GeneratedHost,
  settings: SizeSettings,
  log: Log,
): Promise<PageFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  try {
    const page: Page = await context.newPage();
    await page.addInitScript({ content: FRAME_HELPERS });
    // A full graph fetch is a request for /api/graph that is not answered 304 (a revalidation costs nothing).
    const counts = { graph: 0, health: 0, errors: 0 };
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/graph") counts.graph += 1;
      if (url.pathname === "/api/health") counts.health += 1;
    });
    page.on("response", (response) => {
      if (response.status() >= 500) counts.errors += 1;
      if (response.status() === 304 && new URL(response.url()).pathname === "/api/graph") counts.graph -= 1;
    });
    const opened = performance.now();
    await page.goto(`${client.baseUrl}/`, { timeout: settings.drawTimeoutMs });
    await page.waitForSelector('[data-testid="graph"][data-drawn="true"]', { timeout: settings.drawTimeoutMs });
    const firstDrawMs = performance.now() - opened;
    await page.waitForTimeout(2_000);

    log("page: pan and zoom");
    const { pan, zoom } = await panAndZoom(page);

    log("page: click → blockers");
    const plan = host.plan;
    const byState = (state: string) => plan.containers.find((container) => container.state === state && container.image !== plan.heavyImage);
    const clickTargets = [
      `image:${host.imageIds[plan.heavyImage]}`,
      ...["exited", "running", "created"].map((state) => `container:${host.containerIds[byState(state)?.index ?? 0]}`),
      `image:${host.imageIds[plan.planImage]}`,
    ];
    const clicks: number[] = [];
    // A click whose answer never comes is a figure too (NaN: "not shown"), not the end of the run.
    const hints = listRowHints((JSON.parse((await callServer(client, "GET", "/api/graph")).text) as { nodes: ListedNode[] }).nodes);
    for (const target of clickTargets) clicks.push(await clickToBlockers(page, target, hints.get(target) ?? null).catch(() => Number.NaN));

    log("page: docker create → row");
    await setSearch(page, "bench-probe-");
    await page.waitForTimeout(1_000);
    const createToRow: number[] = [];
    for (let sample = 0; sample < 3; sample += 1) {
      const id = await docker(sandbox.dockerHost, ["create", "--network", "none", "--name", `bench-probe-${sample}`, host.references[plan.heavyImage] as string, "true"], { timeoutMs: 60_000 });
      const returned = Date.now();
      const seen = await whenListed(page, `container:${id}`, 60_000).catch(() => Number.NaN);
      createToRow.push(seen - returned);
      await engineRequest(sandbox.socketPath, "DELETE", `/containers/${id}`, { timeoutMs: 60_000 });
      await page.locator(`[data-list-node-id="container:${id}"]`).waitFor({ state: "detached", timeout: 60_000 }).catch(() => undefined);
      await page.waitForTimeout(1_500);
    }
    await setSearch(page, "");
    await page.waitForTimeout(2_000);

    log(`page: event storm, ${STORM.eventsPerSecond} events/s for ${STORM.durationMs / 1000} s`);
    counts.graph = 0;
    counts.health = 0;
    counts.errors = 0;
    const stormGraph: number[] = [];
    let stormGraphFailures = 0;
    let stormDone = false;
    const timing = (async () => {
      while (!stormDone) {
        try {
          const answer = await callServer(client, "GET", "/api/graph", { timeoutMs: 120_000 });
          if (answer.status === 200) stormGraph.push(answer.ms);
          else stormGraphFailures += 1;
        } catch {
          stormGraphFailures += 1;
        }
      }
    })();
    const storm = await runStorm(sandbox.socketPath, { ...STORM, prefix: "bench-storm-", image: host.references[plan.heavyImage] as string });
    stormDone = true;
    const stormEnded = performance.now();
    const stormFullGraphFetches = counts.graph;
    const stormHealthFetches = counts.health;
    await timing;

    log("page: waiting until the page shows the daemon's state");
    const filters = encodeURIComponent(JSON.stringify({ name: ["bench-storm-"] }));
    const listed = (await engineRequest(sandbox.socketPath, "GET", `/containers/json?all=1&filters=${filters}`, { timeoutMs: 120_000 })).body as { Id: string }[];
    const expected = listed.map((container) => `container:${container.Id}`).sort().join(",");
    await setSearch(page, "bench-storm-");
    let recoveryMs: number | null = null;
    while (performance.now() - stormEnded < settings.recoveryTimeoutMs) {
      const shown = (await listedIds(page)).filter((id) => id.startsWith("container:")).sort().join(",");
      if (shown === expected) {
        recoveryMs = performance.now() - stormEnded;
        break;
      }
      await page.waitForTimeout(250);
    }
    const recoveryFullGraphFetches = counts.graph - stormFullGraphFetches;
    const memoryAfterStorm = serverMemory(server);
    return {
      firstDrawMs,
      pan,
      zoom,
      clickToBlockers: clicks,
      createToRow,
      storm,
      stormGraph,
      stormGraphFailures,
      stormFullGraphFetches,
      stormHealthFetches,
      recoveryFullGraphFetches,
      serverErrors: counts.errors,
      recoveryMs,
      recoveryLimitMs: settings.recoveryTimeoutMs,
      memoryAfterStorm,
    };
  } finally {
    await context.close();
  }
}

interface CleanupFigures {
  dockgraphMs: number;
  dockgraphSteps: number;
  cliMs: number;
  before: string;
  afterDockgraph: string;
  afterCli: string;
}

async function inventory(socketPath: string): Promise<string> {
  const counts = await hostCounts(socketPath);
  const containers = Object.values(counts.states).reduce((sum, count) => sum + count, 0);
  return `${counts.images} images, ${containers} containers`;
}

async function dockgraphCleanup(client: ServerClient, log: Log): Promise<{ ms: number; steps: number }> {
  const started = performance.now();
  let steps = 0;
  for (const scope of ["stopped-containers", "unused-images"] as const) {
    const planned = await callServer(client, "POST", "/api/prune/plan", { body: { scope }, timeoutMs: 600_000 });
    expectStatus(`POST /api/prune/plan ${scope}`, planned.status, [200, 201]);
    const plan = JSON.parse(planned.text) as { planId: string; steps: unknown[] };
    log(`cleanup: ${scope}: ${plan.steps.length} steps`);
    steps += plan.steps.length;
    const run = await callServer(client, "POST", `/api/plans/${plan.planId}/execute`, { timeoutMs: 3_600_000 });
    expectStatus("POST /api/plans/{id}/execute", run.status, [200]);
    const last = JSON.parse(run.text.trim().split("\n").at(-1) ?? "{}") as { type?: string; summary?: { outcome?: string } };
    if (last.type !== "summary" || last.summary?.outcome !== "completed") throw new Error(`the ${scope} plan did not complete: ${run.text.trim().split("\n").at(-1)}`);
  }
  return { ms: performance.now() - started, steps };
}

async function measureCleanup(
  sandbox: SandboxInfo,
  client: ServerClient,
  size: HostSize,
  seed: number,
  release: () => void,
  server: RunningServer,
  log: Log,
): Promise<{ figures: CleanupFigures; sandbox: SandboxInfo }> {
  // The benchmark's own containers (storm, probes) go first: the host is then the generated one.
  const filters = encodeURIComponent(JSON.stringify({ name: ["bench-storm-", "bench-probe-"] }));
  const leftovers = (await engineRequest(sandbox.socketPath, "GET", `/containers/json?all=1&filters=${filters}`)).body as { Id: string }[];
  for (const container of leftovers) await engineRequest(sandbox.socketPath, "DELETE", `/containers/${container.Id}`, { timeoutMs: 60_000 });
  const before = await inventory(sandbox.socketPath);
  log(`cleanup: through dockgraph on ${before}`);
  const ours = await dockgraphCleanup(client, log);
  const afterDockgraph = await inventory(sandbox.socketPath);
  server.stop();
  release();

  log("cleanup: generating an identical host for the CLI");
  const fresh = await freshSandbox(log);
  const twin = await generateHost(fresh.socketPath, size, { sandboxDir: SANDBOX_DIR, seed, log });
  await assertGenerated(fresh.socketPath, twin.plan);
  const started = performance.now();
  await docker(fresh.dockerHost, ["container", "prune", "-f"], { timeoutMs: 3_600_000 });
  await docker(fresh.dockerHost, ["image", "prune", "-a", "-f"], { timeoutMs: 3_600_000 });
  const cliMs = performance.now() - started;
  const afterCli = await inventory(fresh.socketPath);
  return { figures: { dockgraphMs: ours.ms, dockgraphSteps: ours.steps, cliMs, before, afterDockgraph, afterCli }, sandbox: fresh };
}

function serverRows(figures: ServerFigures): Row[] {
  const lists = median(figures.rawLists);
  const list = median(figures.rawContainerList);
  const notModified: Row = figures.etag === null || figures.notModified.length === 0
    ? { what: "`/api/graph`, 304 on an unchanged model", measured: figures.etag === null ? "no ETag" : "never 304", reference: `lists ${ms(lists)}`, ratio: "n/a", target: "≤ 0.01×", verdict: "n/a" }
    : ratioRow("`/api/graph`, 304 on an unchanged model", [median(figures.notModified)], lists, "lists", 0.01);
  return [
    ratioRow("`/api/graph`, warm", [median(figures.graphWarm)], lists, "image + container lists", 0.1),
    ratioRow("`/api/graph`, first after start", [figures.graphFirst], figures.rawListsFirst, "lists (just before)", 1.3),
    notModified,
    ratioRow("`/api/blockers`, image used by the most containers, first / warm", [figures.blockersHeavyFirst, median(figures.blockersHeavy)], list, "container list", 0.05),
    ratioRow("`/api/blockers`, one container, warm", [median(figures.blockersContainer)], list, "container list", 0.05),
    ratioRow("`POST /api/plans`, one image with 5 containers", [median(figures.plan)], list, "container list", 0.05),
    ratioRow("`POST /api/prune/plan` unused-images / stopped-containers", [median(figures.pruneUnused), median(figures.pruneStopped)], list, "container list", 0.5),
  ];
}

function memoryRow(figures: ServerFigures, page: PageFigures | null): Row {
  const after = page?.memoryAfterStorm;
  return {
    what: "server RSS after a few requests / after the event storm (peak)",
    measured: `${mib(figures.memoryAfterRequests.rssBytes)} / ${after ? `${mib(after.rssBytes)} (peak ${mib(after.peakBytes)})` : "n/a"}`,
    reference: `just started ${mib(figures.memoryStarted.rssBytes)}`,
    ratio: "",
    target: "≤ 250 MiB after the storm",
    verdict: after ? verdict(after.rssBytes <= 250 * MIB) : "n/a",
  };
}

/** "median (of n; max)", and how many samples never came. */
function samples(values: readonly number[], missing: string): string {
  const finite = values.filter(Number.isFinite);
  const lost = values.length - finite.length;
  const summary = finite.length > 0 ? `${ms(median(finite))} (median of ${finite.length}; max ${ms(Math.max(...finite))})` : "none";
  return lost > 0 ? `${summary}; ${lost} ${missing}` : summary;
}

function pageRows(page: PageFigures, lists: number): Row[] {
  const graphDuringStorm = median(page.stormGraph);
  const stormRate = page.storm.events / (page.storm.durationMs / 1000);
  return [
    {
      what: "`docker create` in a terminal → the row in the open page",
      measured: samples(page.createToRow, "not shown within 60 s"),
      reference: "",
      ratio: "",
      target: "≤ 300 ms",
      verdict: verdict(page.createToRow.every(Number.isFinite) && median(page.createToRow) <= 300),
    },
    {
      what: `event storm, ${stormRate.toFixed(1)} events/s for ${(page.storm.durationMs / 1000).toFixed(0)} s with the page open`,
      measured: `${page.stormFullGraphFetches} full \`/api/graph\` and ${page.stormHealthFetches} \`/api/health\` fetches by the page; \`/api/graph\` ${ms(graphDuringStorm)} meanwhile`,
      reference: `lists ${ms(lists)}`,
      ratio: times(graphDuringStorm / lists),
      target: "no full refetch; ≤ 0.1×",
      verdict: verdict(page.stormFullGraphFetches === 0 && graphDuringStorm / lists <= 0.1),
    },
    {
      what: "after that storm, until the open page shows the daemon's state again",
      measured: page.recoveryMs === null ? `not within ${page.recoveryLimitMs / 1000} s (${page.recoveryFullGraphFetches} more full fetches; ${page.serverErrors} answers ≥ 500 since the storm began)` : `${ms(page.recoveryMs)} (${page.recoveryFullGraphFetches} more full fetches; ${page.serverErrors} answers ≥ 500 since the storm began)`,
      reference: "",
      ratio: "",
      target: "",
      verdict: "n/a",
    },
    {
      what: "page: pan p50 / p95 / max",
      measured: `${page.pan.p50Ms.toFixed(1)} / ${page.pan.p95Ms.toFixed(1)} / ${page.pan.maxMs.toFixed(1)} ms`,
      reference: "",
      ratio: "",
      target: "p95 ≤ 16.7 ms",
      verdict: verdict(page.pan.p95Ms <= FRAME_BUDGET_MS * FRAME_JITTER),
    },
    {
      what: "page: zoom p50 / p95 / max",
      measured: `${page.zoom.p50Ms.toFixed(1)} / ${page.zoom.p95Ms.toFixed(1)} / ${page.zoom.maxMs.toFixed(1)} ms`,
      reference: "",
      ratio: "",
      target: "p95 ≤ 16.7 ms",
      verdict: verdict(page.zoom.p95Ms <= FRAME_BUDGET_MS * FRAME_JITTER),
    },
    {
      what: "page: click a node → blockers in the panel",
      measured: samples(page.clickToBlockers, "not shown within 60 s"),
      reference: "",
      ratio: "",
      target: "≤ 100 ms",
      verdict: verdict(page.clickToBlockers.every(Number.isFinite) && median(page.clickToBlockers) <= 100),
    },
  ];
}

function cleanupRow(figures: CleanupFigures, stoppedContainers: number, unusedImages: number): Row {
  const ratio = figures.dockgraphMs / figures.cliMs;
  return {
    what: `cleanup of ${stoppedContainers.toLocaleString("en-US")} stopped containers and their ${unusedImages.toLocaleString("en-US")} unused images through dockgraph`,
    measured: `${(figures.dockgraphMs / 1000).toFixed(1)} s (${figures.dockgraphSteps} steps)`,
    reference: `\`docker container prune -f && docker image prune -a -f\` ${(figures.cliMs / 1000).toFixed(1)} s`,
    ratio: times(ratio),
    target: "≤ 0.6×",
    verdict: verdict(ratio <= 0.6),
  };
}

export async function runLiveHostBench(options: { size: HostSize; parts: ReadonlySet<Part>; keep: boolean; seed: number; cleanups: Cleanups; log: Log }): Promise<LiveHostResult> {
  const { size, parts, log, cleanups, seed } = options;
  const settings = SETTINGS[size];
  let sandbox = await freshSandbox(log);
  // Once, whoever asks first: the end of the run, or Ctrl-C while the run still unwinds.
  let stopped: Promise<void> | null = null;
  const stopOurSandbox = () =>
    (stopped ??= (async () => {
      if (options.keep) return;
      await killLiveContainers(sandboxPaths(SANDBOX_DIR).socketPath).catch(() => undefined);
      await stopSandbox({ dir: SANDBOX_DIR, clean: true, log });
    })());
  const releaseSandbox = cleanups.add("sandbox", stopOurSandbox);
  const rows: Row[] = [];
  const notes: string[] = [];
  const raw: Record<string, unknown> = { size, seed };
  let browser: Browser | null = null;
  let chromiumVersion = "Chromium (not started)";
  try {
    const host = await generateHost(sandbox.socketPath, size, { sandboxDir: SANDBOX_DIR, seed, log });
    sandbox = await startSandbox({ dir: SANDBOX_DIR, log });
    await assertGenerated(sandbox.socketPath, host.plan);
    const counts = await hostCounts(sandbox.socketPath);
    const heavyCount = host.plan.containers.filter((container) => container.image === host.plan.heavyImage).length;
    const stoppedCount = host.plan.containers.filter((container) => container.state === "exited" || container.state === "created").length;
    const unusedAfterStopped = host.plan.images.length - host.plan.liveImages;
    const hostDescription = `${counts.images.toLocaleString("en-US")} images (${counts.withParent.toLocaleString("en-US")} with a parent), ${Object.entries(counts.states).map(([state, count]) => `${count.toLocaleString("en-US")} ${state}`).join(", ")} containers; the busiest image has ${heavyCount} containers`;
    const shims = treeMemory(shimsOf(sandboxPaths(SANDBOX_DIR).dir));
    const live = (counts.states.running ?? 0) + (counts.states.paused ?? 0);
    notes.push(`Generated in ${(host.timings.totalMs / 1000).toFixed(0)} s (images loaded ${(host.timings.loadMs / 1000).toFixed(0)} s, containers created ${(host.timings.createMs / 1000).toFixed(0)} s, exits recorded and live ones started ${(host.timings.startMs / 1000).toFixed(0)} s).`);
    notes.push(`The ${live} running and paused containers (a busybox \`sleep\` each, with its containerd shim) cost ${mib(shims.pssBytes)} PSS (${mib(shims.rssBytes)} RSS summed over ${shims.pids.length} processes).`);
    raw.host = { counts, timings: host.timings, heavyCount, stoppedCount, unusedAfterStopped, liveContainerMemory: shims };
    const dockerVersion = ((await engineRequest(sandbox.socketPath, "GET", "/version")).body as { Version?: string }).Version ?? "unknown";
    log(`host: ${hostDescription}`);

    let lists = Number.NaN;
    if (parts.has("server") || parts.has("page") || parts.has("cleanup")) {
      await buildIfNeeded(log);
      const token = randomBytes(24).toString("hex");
      const rawListsFirst = await rawLists(sandbox.socketPath);
      const { server, client, release } = await startServer(sandbox, token, cleanups);
      let serverFigures: ServerFigures | null = null;
      if (parts.has("server") || parts.has("page")) {
        serverFigures = await measureServer(sandbox.socketPath, client, host, server, parts.has("server") ? settings.rounds : 1, log);
        serverFigures.rawListsFirst = rawListsFirst;
        lists = median(serverFigures.rawLists);
        raw.server = serverFigures;
        notes.push(`\`/api/graph\`: ${serverFigures.graphNodes.toLocaleString("en-US")} nodes, ${(serverFigures.graphBytes / 1024 / 1024).toFixed(1)} MB of JSON; the plan has ${serverFigures.planSteps} steps, the prune plans ${serverFigures.pruneUnusedSteps} (unused images) and ${serverFigures.pruneStoppedSteps} (stopped containers); ${settings.rounds} rounds, medians.`);
        if (parts.has("server")) rows.push(...serverRows(serverFigures));
      }
      let pageFigures: PageFigures | null = null;
      if (parts.has("page")) {
        browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
        const launched = browser;
        cleanups.add("browser", () => launched.close());
        chromiumVersion = `Chromium ${browser.version()}`;
        pageFigures = await measurePage(browser, sandbox, client, server, host, settings, log);
        raw.page = pageFigures;
        notes.push(`The page drew the graph ${ms(pageFigures.firstDrawMs)} after navigation; the storm ran ${pageFigures.storm.cycles} create/start/stop/rm cycles (${pageFigures.storm.failures} failed) and left ${pageFigures.storm.kept.length} exited containers; \`/api/graph\` answered ${pageFigures.stormGraph.length} times during it (p95 ${ms(quantile(pageFigures.stormGraph, 0.95))}, ${pageFigures.stormGraphFailures} failures).`);
        notes.push(`Frame times are requestAnimationFrame deltas while the mouse drags the graph in circles and while the wheel zooms in and out (1280×800); a p95 within ${Math.round((FRAME_JITTER - 1) * 100)} % of 16.7 ms counts as 60 fps.`);
        notes.push("Click → blockers: a click on the node's entry in the list (scrolled into view first) until the panel's \"Can it go?\" answer is drawn, timed in the page; create → row: from the `docker create` command's return until the page's list (under a search for the name) shows the container.");
        rows.push(...pageRows(pageFigures, lists));
      }
      if (serverFigures && (parts.has("server") || parts.has("page"))) rows.splice(parts.has("server") ? 7 : 0, 0, memoryRow(serverFigures, pageFigures));
      if (parts.has("cleanup")) {
        const { figures, sandbox: fresh } = await measureCleanup(sandbox, client, size, seed, release, server, log);
        sandbox = fresh;
        raw.cleanup = figures;
        rows.push(cleanupRow(figures, stoppedCount, unusedAfterStopped));
        notes.push(`Cleanup: before ${figures.before}; after dockgraph ${figures.afterDockgraph}; after the CLI ${figures.afterCli}.`);
      } else {
        server.stop();
        release();
      }
    }
    return { rows, notes, hostDescription, dockerVersion, chromiumVersion, raw };
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await stopOurSandbox();
    releaseSandbox();
  }
}
