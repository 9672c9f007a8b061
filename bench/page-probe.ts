import type { Page } from "@playwright/test";
import { quantile } from "./http-probe";

/*
 * Measurements inside the open page (headless Chromium), as a user meets them: frame times while panning,
 * a click on a list entry until its blockers are in the panel, a row appearing after a container was created.
 * The in-page helpers are strings: functions handed to page.evaluate would carry tsx's __name helper along.
 */

/** Frame-time recording in the page (requestAnimationFrame deltas), shared with bench/graph-render.ts. */
export const FRAME_HELPERS = `
  window.__frames = null;
  window.__startFrames = () => {
    window.__frames = [];
    let last = null;
    const tick = (time) => {
      if (window.__frames === null) return;
      if (last !== null) window.__frames.push(time - last);
      last = time;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  window.__stopFrames = () => { const frames = window.__frames ?? []; window.__frames = null; return frames; };
`;

export interface FrameStats {
  frames: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function frameStats(deltas: number[]): FrameStats {
  return { frames: deltas.length, p50Ms: quantile(deltas, 0.5), p95Ms: quantile(deltas, 0.95), maxMs: Math.max(0, ...deltas) };
}

export const SEARCH_BOX = { role: "searchbox", name: "Search images and containers" } as const;

export async function setSearch(page: Page, text: string): Promise<void> {
  await page.getByRole(SEARCH_BOX.role, { name: SEARCH_BOX.name }).fill(text);
}

/** Drags the graph in circles, then zooms in and out with the wheel, recording every frame's duration. */
export async function panAndZoom(page: Page): Promise<{ pan: FrameStats; zoom: FrameStats }> {
  const box = await page.locator('[data-testid="graph"]').boundingBox();
  if (!box) throw new Error("the graph has no box");
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
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
  for (let step = 0; step < 40; step += 1) {
    await page.mouse.wheel(0, step < 20 ? -120 : 120);
    await page.waitForTimeout(16);
  }
  await page.waitForTimeout(200);
  const zoom = (await page.evaluate("window.__stopFrames()")) as number[];
  return { pan: frameStats(pan), zoom: frameStats(zoom) };
}

const CLICK_TO_BLOCKERS = `async (nodeId, rowHint) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const list = document.querySelector('[data-testid="node-list"]');
  if (!list) return { error: "no node list" };
  const find = () => document.querySelector('[data-list-node-id="' + nodeId + '"]');
  let button = null;
  if (rowHint !== null) {
    list.scrollTop = Math.max(0, rowHint * 28 - list.clientHeight / 2);
    await frame();
    await frame();
    button = find();
  }
  for (let top = 0; top <= list.scrollHeight && button === null; top += Math.max(100, list.clientHeight - 60)) {
    list.scrollTop = top;
    await frame();
    await frame();
    button = find();
  }
  if (button === null) return { error: "not in the list" };
  const label = button.children[1] ? button.children[1].textContent : "";
  const started = performance.now();
  button.click();
  for (;;) {
    await frame();
    const title = document.querySelector('[data-testid="node-details"] h2');
    if (title && title.textContent === label && document.querySelector('[data-testid="deletable"]')) return { ms: performance.now() - started };
    if (performance.now() - started > 60000) return { error: "no blockers within 60 s" };
  }
}`;

export interface ListedNode {
  id: string;
  kind: string;
  missing?: boolean;
  intermediate?: boolean;
}

/**
 * Where the list probably shows each node (row index, group titles included), from the graph as the server sends
 * it: images, containers, build-step images, each in the payload's order. Only a hint for scrolling to the entry.
 */
export function listRowHints(nodes: readonly ListedNode[]): Map<string, number> {
  const groups = [
    nodes.filter((node) => node.kind === "image" && (node.missing === true || node.intermediate !== true)),
    nodes.filter((node) => node.kind === "container"),
    nodes.filter((node) => node.kind === "image" && node.missing !== true && node.intermediate === true),
  ];
  const rows = new Map<string, number>();
  let row = 0;
  for (const group of groups) {
    row += 1;
    for (const node of group) rows.set(node.id, row++);
  }
  return rows;
}

/** A click on the node's list entry until the panel shows its blockers ("Can it go?"), in ms. */
export async function clickToBlockers(page: Page, nodeId: string, rowHint: number | null): Promise<number> {
  const result = (await page.evaluate(`(${CLICK_TO_BLOCKERS})(${JSON.stringify(nodeId)}, ${JSON.stringify(rowHint)})`)) as { ms?: number; error?: string };
  if (result.ms === undefined) throw new Error(`click → blockers for ${nodeId}: ${result.error ?? "failed"}`);
  return result.ms;
}

/** Waits until the page lists the node (wall-clock ms when it was first seen, taken in the page). */
export async function whenListed(page: Page, nodeId: string, timeoutMs: number): Promise<number> {
  // A locator wait, not waitForFunction: the page's CSP (no 'unsafe-eval') refuses the latter's string predicates.
  await page.locator(`[data-list-node-id="${nodeId}"]`).waitFor({ state: "attached", timeout: timeoutMs });
  return Date.now();
}

/** The node ids the list shows now (all of them are in the DOM while the list is short, e.g. under a search). */
export async function listedIds(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-list-node-id]')].map((entry) => entry.getAttribute('data-list-node-id'))`)) as string[];
}
