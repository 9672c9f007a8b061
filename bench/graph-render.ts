/**
 * Benchmark: drawing generated hosts of 500, 2,000, 10,000 and 12,000 nodes in headless Chromium at 1280×800
 * (12,000 is issue 11's L host: 2,000 images, 10,000 containers, one image used by 951 of them; largeHost).
 *
 * Runs the production build (`next build` first when stale) with `next start` on a free port, a throwaway token
 * and no daemon: the page's /api/graph and /api/health are answered by Playwright with a generated host
 * (bench/generated-host.ts) and the live-events channel is a stub that says "connected" and stays quiet, so
 * nothing refetches during a measurement. For each renderer and size it measures
 *   first draw  ms from navigation start to the "graph-drawn" performance mark (set by the graph view on the
 *               second animation frame after its first non-empty update: the frame with the graph was produced);
 *   pan, zoom   requestAnimationFrame deltas inside the page while the mouse drags the graph and while the
 *               wheel zooms in and out over it: median and p95 ms (16.7 ms is 60 frames a second);
 *   click       ms from the click on the busiest image (most containers) to its details in the side panel, and to
 *               its blockers listed there. /api/blockers is answered by Playwright at once with the image's
 *               containers as blockers, /api/sizes only after SIZES_DELAY_MS (a big host's first /api/sizes is
 *               slow): the page's own share of "click → blockers", which must not wait for sizes ("click→answer":
 *               until the stubbed answer had arrived, Playwright's routing included);
 *   layout      visibleGraph + layoutGraph of the same payload in Node (the same pure code the page runs), ms;
 *   main ms     what the page's first layout cost its main thread ("graph-layout" and "graph-layout-send" measures):
 *               the whole layout, or with the layout worker only the hand-over and putting the answer together.
 * Prints a table and writes test-results/bench/graph-render.json.
 *
 * `--trace` also records a Chromium performance trace of each click → blockers and prints where the renderer's main
 * thread spent that time (self time by trace event: script, style recalculation, layout, paint…); the trace itself is
 * written to test-results/bench/click-trace-<renderer>-<nodes>.json (chrome://tracing, the DevTools Performance panel).
 *
 *   npx tsx bench/graph-render.ts [--sizes 500,2000] [--renderers svg,canvas] [--layout main] [--trace]
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Browser, type Page } from "@playwright/test";
import { generatedHost, largeHost } from "@/bench/generated-host";
import { FRAME_HELPERS } from "@/bench/page-probe";
import { layoutGraph } from "@/components/graph/layout";
import { visibleGraph } from "@/components/graph/visible-graph";
import type { Blocker, BlockersAnswer } from "@/lib/cleanup/types";
import type { GraphPayload, PresentImageNode } from "@/lib/graph/types";
import { buildIfNeeded } from "@/scripts/app-build";
import { startNextServer, type RunningServer } from "@/scripts/next-server";
import { repoRoot } from "@/scripts/sandbox/paths";

const VIEWPORT = { width: 1280, height: 800 };
const SEED = 42;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const SIZES = option("sizes", "500,2000,10000,12000").split(",").map(Number);
/** The size that stands for the L host shape (largeHost) rather than a generatedHost of that many nodes. */
const LARGE_SIZE = 12_000;
const SIZES_DELAY_MS = 3_000;
const RENDERERS = option("renderers", "svg,canvas").split(",");
/** `--layout main` keeps the page's layout on the main thread (the layout worker's threshold is measured so). */
const LAYOUT = option("layout", "");
const TRACE = process.argv.includes("--trace");
const TRACE_CATEGORIES = ["devtools.timeline", "cc", "disabled-by-default-cc.debug", "gpu", "viz", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "blink.user_timing"];

/* In-page helpers, as strings: functions handed to page.evaluate would carry tsx's __name helper into the page. */
const STUBS = `
  window.EventSource = class {
    constructor(url) { this.url = url; this.readyState = 1; this.listeners = {}; setTimeout(() => this.emit("connected"), 0); }
    addEventListener(type, listener) { (this.listeners[type] ??= []).push(listener); }
    removeEventListener(type, listener) { this.listeners[type] = (this.listeners[type] ?? []).filter((l) => l !== listener); }
    emit(type) { for (const listener of this.listeners[type] ?? []) listener(new MessageEvent(type, { data: "{}" })); }
    close() { this.readyState = 2; }
  };
${FRAME_HELPERS}
  window.__watchClick = () => {
    const times = { click: null, details: null, blockers: null };
    window.__clickTimes = times;
    document.addEventListener("click", (event) => { if (times.click === null) times.click = event.timeStamp; }, { capture: true, once: true });
    const seen = () => {
      if (times.click === null) return;
      const now = performance.now();
      if (times.details === null && document.querySelector('[data-testid="node-details"]')) times.details = now;
      if (times.blockers === null && document.querySelector('[data-testid="blockers"]')) times.blockers = now;
    };
    new MutationObserver(seen).observe(document.body, { childList: true, subtree: true });
  };
`;

interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

interface Measurement {
  renderer: string;
  nodes: number;
  drawnNodes: number;
  rendererUsed: string;
  layoutMs: number;
  firstDrawMs: number;
  pan: FrameStats;
  zoom: FrameStats;
  clickToDetailsMs: number;
  clickToBlockersMs: number;
  /** Until the (stubbed, immediate) /api/blockers answer had arrived: the rest of click → blockers is the page's. */
  clickToAnswerMs: number;
  pageLayoutMainMs: number;
  layoutThread: string;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/**
 * Self time (ms) by event name on the renderer's main thread over the trace: an event's duration minus its
 * children's, so that script, style, layout and paint add up to the busy time, each counted once.
 */
function mainThreadSelfTimes(trace: Buffer): [string, number][] {
  const events = (JSON.parse(trace.toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((event) => event.ph === "M" && event.name === "thread_name" && event.args?.name === "CrRendererMain");
  if (!main) return [];
  const spans = events
    .filter((event) => event.pid === main.pid && event.tid === main.tid && event.ph === "X" && event.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const open: { end: number; name: string }[] = [];
  for (const span of spans) {
    const end = span.ts + (span.dur ?? 0);
    while (open.length > 0 && (open.at(-1)?.end ?? 0) <= span.ts) open.pop();
    const parent = open.at(-1);
    self.set(span.name, (self.get(span.name) ?? 0) + (span.dur ?? 0));
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (span.dur ?? 0));
    open.push({ end, name: span.name });
  }
  return [...self].map(([name, us]): [string, number] => [name, us / 1000]).filter(([, ms]) => ms >= 1).sort((a, b) => b[1] - a[1]);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function frameStats(deltas: number[]): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b);
  return { frames: sorted.length, medianMs: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), maxMs: sorted.at(-1) ?? 0 };
}

/** The production server with a throwaway token and no daemon: the page's data comes from the generated host. */
function startServer(): Promise<RunningServer> {
  return startNextServer({ DOCKER_HOST: "unix:///nonexistent/dockgraph-bench/docker.sock" });
}

function layoutMs(host: GraphPayload): number {
  const view = { showBuildSteps: false, collapsedProjects: new Set<string>() };
  layoutGraph(visibleGraph(host, view));
  const runs: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    layoutGraph(visibleGraph(host, view));
    runs.push(performance.now() - started);
  }
  return quantile(runs.sort((a, b) => a - b), 0.5);
}

/** The image with the most containers: the slowest blockers answer on a real host. */
function busiestImage(host: GraphPayload): PresentImageNode {
  let busiest: PresentImageNode | null = null;
  for (const node of host.nodes) if (node.kind === "image" && !node.missing && (busiest === null || node.containerCount > busiest.containerCount)) busiest = node;
  if (!busiest) throw new Error("the host has no image");
  return busiest;
}

/** A blockers answer for an image: its containers, as the server would list them. */
function blockersOf(host: GraphPayload, image: PresentImageNode): BlockersAnswer {
  const blockers: Blocker[] = [];
  for (const node of host.nodes) {
    if (node.kind !== "container" || node.imageId !== image.imageId) continue;
    const running = node.state === "running" || node.state === "paused" || node.state === "restarting";
    blockers.push({
      kind: running ? "running-container" : "stopped-container",
      node: node.id,
      hard: running,
      forceOverrides: !running,
      message: `container ${node.shortId} (${node.name}) is ${node.state}`,
      clearedBy: running ? ["stop", "remove-container"] : ["remove-container"],
      state: node.state,
      depth: 0,
    });
  }
  return {
    target: image.id,
    targetKind: "image",
    node: image.id,
    effect: "delete",
    deletable: blockers.length === 0,
    blockers,
    daemonMessage: blockers.length === 0 ? null : `conflict: unable to delete ${image.shortId} (must be forced) - image is being used by stopped container`,
    reclaimableBytes: image.size,
    reclaimable: { bytes: image.size, layerBytes: image.size, containerBytes: 0, freedLayerCount: 1, complete: true },
    removes: { containerIds: blockers.map((blocker) => blocker.node.slice("container:".length)), imageIds: [image.imageId], prunedParentIds: [] },
  };
}

/** The view transform the graph last drew with, once it has stopped changing. */
async function settledTransform(page: Page): Promise<{ x: number; y: number; k: number }> {
  let previous = "";
  for (let attempt = 0; attempt < 50; attempt += 1) {
    await page.waitForTimeout(100);
    const current = String(
      await page.evaluate(`(() => {
        const canvas = document.querySelector("canvas.graph-bitmap");
        if (canvas) return canvas.dataset.transform ?? "";
        const svg = document.querySelector("svg.graph-canvas g.viewport")?.getAttribute("transform") ?? "";
        const match = /translate\\(([-\\d.e]+),\\s*([-\\d.e]+)\\)\\s*scale\\(([-\\d.e]+)\\)/.exec(svg);
        return match ? match.slice(1).join(" ") : "";
      })()`),
    );
    if (current === previous && current !== "") break;
    previous = current;
  }
  const [x = 0, y = 0, k = 1] = previous.split(" ").map(Number);
  return { x, y, k };
}

async function measure(browser: Browser, baseUrl: string, host: GraphPayload, renderer: string): Promise<Omit<Measurement, "layoutMs">> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page: Page = await context.newPage();
  try {
    await page.addInitScript({ content: STUBS });
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") console.error(`console: ${message.text()}`);
    });
    const body = JSON.stringify(host);
    await page.route("**/api/graph", (route) => route.fulfill({ status: 200, contentType: "application/json", body }));
    const target = busiestImage(host);
    const blockers = JSON.stringify(blockersOf(host, target));
    await page.route("**/api/blockers?*", (route) => route.fulfill({ status: 200, contentType: "application/json", body: blockers }));
    await page.route("**/api/sizes", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, SIZES_DELAY_MS));
      await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ generatedAt: host.generatedAt, images: {}, containers: {} }) }).catch(() => {});
    });
    await page.route("**/api/disk", (route) => route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { code: "daemon_unreachable", message: "bench" } }) }));
    await page.route("**/api/health", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ ok: true, daemon: host.daemon, readOnly: false }) }),
    );
    await page.goto(`${baseUrl}/?renderer=${renderer}${LAYOUT ? `&layout=${LAYOUT}` : ""}`);
    await page.waitForSelector('[data-testid="graph"][data-drawn="true"]', { timeout: 180_000 });
    const drawn = JSON.parse(
      await page.evaluate(`JSON.stringify((() => {
        const mark = performance.getEntriesByName("graph-drawn")[0];
        const graph = document.querySelector('[data-testid="graph"]');
        return { at: mark.startTime, nodes: mark.detail.nodes, renderer: graph.getAttribute("data-renderer") };
      })())`),
    ) as { at: number; nodes: number; renderer: string };
    const layoutCost = JSON.parse(
      await page.evaluate(`JSON.stringify((() => {
        const [first] = performance.getEntriesByName("graph-layout");
        const [send] = performance.getEntriesByName("graph-layout-send");
        return { ms: (first?.duration ?? 0) + (send?.duration ?? 0), thread: first?.detail?.thread ?? "?" };
      })())`),
    ) as { ms: number; thread: string };

    const box = await page.locator('[data-testid="graph"]').boundingBox();
    if (!box) throw new Error("the graph has no box");
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.waitForTimeout(500);

    await page.evaluate("window.__startFrames()");
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    for (let step = 0; step < 90; step += 1) {
      const angle = (step / 90) * Math.PI * 4;
      await page.mouse.move(centre.x + Math.cos(angle) * 160, centre.y + Math.sin(angle) * 110);
    }
    await page.mouse.up();
    const pan = (await page.evaluate("window.__stopFrames()")) as number[];
    await page.waitForTimeout(300);

    await page.evaluate("window.__startFrames()");
    await page.mouse.move(centre.x, centre.y);
    for (let step = 0; step < 60; step += 1) {
      await page.mouse.wheel(0, step < 30 ? -120 : 120);
      await page.waitForTimeout(16);
    }
    await page.waitForTimeout(200);
    const zoom = (await page.evaluate("window.__stopFrames()")) as number[];

    // Click → blockers, on an image never selected before (nothing cached): zoom in on it until it is drawn
    // at full size, then click it. Its place comes from the same pure layout the page ran on the same payload.
    const placed = layoutGraph(visibleGraph(host, { showBuildSteps: false, collapsedProjects: new Set<string>() })).nodes.find((entry) => entry.id === target.id);
    if (!placed) throw new Error("the busiest image is not drawn");
    const onScreen = (transform: { x: number; y: number; k: number }) => ({ x: box.x + transform.x + placed.x * transform.k, y: box.y + transform.y + placed.y * transform.k });
    let transform = await settledTransform(page);
    for (let step = 0; step < 60 && transform.k < 1; step += 1) {
      const point = onScreen(transform);
      await page.mouse.move(point.x, point.y);
      await page.mouse.wheel(0, -240);
      await page.waitForTimeout(30);
      if (step % 5 === 4) transform = await settledTransform(page);
    }
    transform = await settledTransform(page);
    await page.evaluate("window.__watchClick()");
    const point = onScreen(transform);
    if (TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.mouse.click(point.x, point.y);
    await page.getByTestId("blockers").waitFor({ timeout: 60_000 });
    // The frames after the panel appeared belong to the click too (the graph's highlight, the list's scroll).
    if (TRACE) await page.waitForTimeout(500);
    const trace = TRACE ? await browser.stopTracing() : null;
    const clicked = JSON.parse(
      await page.evaluate(`JSON.stringify({ ...window.__clickTimes, answer: performance.getEntriesByType("resource").filter((entry) => entry.name.includes("/api/blockers")).at(-1)?.responseEnd ?? null })`),
    ) as { click: number; details: number | null; blockers: number | null; answer: number | null };
    if (trace) {
      fs.mkdirSync(path.join(repoRoot(), "test-results", "bench"), { recursive: true });
      fs.writeFileSync(path.join(repoRoot(), "test-results", "bench", `click-trace-${renderer}-${host.nodes.length}.json`), trace);
      const times = mainThreadSelfTimes(trace);
      const busy = times.reduce((sum, [, ms]) => sum + ms, 0);
      console.error(`${renderer} ${host.nodes.length}: click trace, main thread busy ${busy.toFixed(0)} ms (self time by event, ≥ 1 ms):`);
      for (const [name, ms] of times.slice(0, 15)) console.error(`  ${ms.toFixed(1).padStart(8)}  ${name}`);
    }
    return {
      renderer,
      nodes: host.nodes.length,
      drawnNodes: drawn.nodes,
      rendererUsed: drawn.renderer,
      firstDrawMs: drawn.at,
      pan: frameStats(pan),
      zoom: frameStats(zoom),
      clickToDetailsMs: clicked.details === null ? Number.NaN : clicked.details - clicked.click,
      clickToBlockersMs: clicked.blockers === null ? Number.NaN : clicked.blockers - clicked.click,
      clickToAnswerMs: clicked.answer === null ? Number.NaN : clicked.answer - clicked.click,
      pageLayoutMainMs: layoutCost.ms,
      layoutThread: layoutCost.thread,
    };
  } finally {
    await context.close();
  }
}

function table(rows: Measurement[]): string {
  const header = ["renderer", "nodes", "drawn", "layout ms", "page layout", "main ms", "first draw ms", "pan median", "pan p95", "zoom median", "zoom p95", "click→details", "click→answer", "click→blockers"];
  const lines = rows.map((row) => [
    row.rendererUsed,
    String(row.nodes),
    String(row.drawnNodes),
    row.layoutMs.toFixed(1),
    row.layoutThread,
    row.pageLayoutMainMs.toFixed(1),
    row.firstDrawMs.toFixed(0),
    row.pan.medianMs.toFixed(1),
    row.pan.p95Ms.toFixed(1),
    row.zoom.medianMs.toFixed(1),
    row.zoom.p95Ms.toFixed(1),
    row.clickToDetailsMs.toFixed(0),
    row.clickToAnswerMs.toFixed(0),
    row.clickToBlockersMs.toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

async function main(): Promise<void> {
  const root = repoRoot();
  await buildIfNeeded((line) => console.error(line), root);
  const { baseUrl, stop } = await startServer();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
  const rows: Measurement[] = [];
  try {
    for (const size of SIZES) {
      const host = size === LARGE_SIZE ? largeHost(SEED) : generatedHost(size, SEED);
      const layout = layoutMs(host);
      for (const renderer of RENDERERS) {
        const row = { ...(await measure(browser, baseUrl, host, renderer)), layoutMs: layout };
        rows.push(row);
        console.error(
          `${row.rendererUsed} ${size}: first draw ${row.firstDrawMs.toFixed(0)} ms, pan p95 ${row.pan.p95Ms.toFixed(1)} ms, zoom p95 ${row.zoom.p95Ms.toFixed(1)} ms, click → blockers ${row.clickToBlockersMs.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await browser.close();
    stop();
  }
  console.log(`\nGraph rendering, headless Chromium ${VIEWPORT.width}×${VIEWPORT.height}, generated hosts (seed ${SEED}); frame times in ms\n`);
  console.log(table(rows));
  const out = path.join(root, "test-results", "bench", "graph-render.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), viewport: VIEWPORT, seed: SEED, rows }, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(root, out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
