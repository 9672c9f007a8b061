import http from "node:http";
import { performance } from "node:perf_hooks";
import { engineRequest } from "@/scripts/sandbox/engine-api";

/*
 * An event storm such as a CI job makes: containers created, started, stopped and removed in a loop through the
 * Engine API, at a steady rate of daemon events (counted on the daemon's own event stream). Every fifth container
 * is left behind, exited, so the host after the storm differs from the host before it.
 */

const EVENTS_PER_CYCLE = 6; // create, start, kill, die, stop, destroy
// A cycle takes seconds on a loaded small machine: enough cycles in flight to hold the rate.
const MAX_IN_FLIGHT = 32;
const STOP_COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 2147483647 & wait"];

export interface StormResult {
  cycles: number;
  /** Container and image events the daemon sent while the storm ran. */
  events: number;
  durationMs: number;
  /** Containers the storm left (exited), by full ID. */
  kept: string[];
  failures: number;
}

/** Counts the daemon's container and image events until stopped. */
function countEvents(socketPath: string): { count: () => number; stop: () => void } {
  let events = 0;
  const filters = encodeURIComponent(JSON.stringify({ type: ["container", "image"] }));
  const request = http.request({ socketPath, method: "GET", path: `/events?filters=${filters}` }, (response) => {
    response.on("data", (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) events += 1;
    });
    response.on("error", () => undefined);
  });
  request.on("error", () => undefined);
  request.end();
  return { count: () => events, stop: () => request.destroy() };
}

export async function runStorm(socketPath: string, options: { durationMs: number; eventsPerSecond: number; prefix: string; image: string }): Promise<StormResult> {
  const intervalMs = (1_000 * EVENTS_PER_CYCLE) / options.eventsPerSecond;
  const counter = countEvents(socketPath);
  const kept: string[] = [];
  let cycles = 0;
  let failures = 0;
  let inFlight = 0;
  const running: Promise<void>[] = [];
  const call = async (method: "POST" | "DELETE", requestPath: string, body?: unknown) => {
    const response = await engineRequest(socketPath, method, requestPath, { body, timeoutMs: 60_000 });
    if (response.status >= 300 && response.status !== 304) throw new Error(`${method} ${requestPath}: ${response.status} ${response.text.trim()}`);
    return response.body;
  };
  const cycle = async (index: number) => {
    inFlight += 1;
    try {
      const created = (await call("POST", `/containers/create?name=${options.prefix}${index}`, {
        Image: options.image,
        Cmd: STOP_COMMAND,
        HostConfig: { NetworkMode: "none" },
      })) as { Id: string };
      await call("POST", `/containers/${created.Id}/start`);
      await call("POST", `/containers/${created.Id}/stop?t=5`);
      if (index % 5 === 0) kept.push(created.Id);
      else await call("DELETE", `/containers/${created.Id}`);
      cycles += 1;
    } catch {
      failures += 1;
    } finally {
      inFlight -= 1;
    }
  };
  const started = performance.now();
  let index = 0;
  while (performance.now() - started < options.durationMs) {
    if (inFlight < MAX_IN_FLIGHT) running.push(cycle(index));
    index += 1;
    const next = started + index * intervalMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  await Promise.all(running);
  const durationMs = performance.now() - started;
  // The last events of the last cycles are still on their way.
  await new Promise((resolve) => setTimeout(resolve, 200));
  counter.stop();
  return { cycles, events: counter.count(), durationMs, kept, failures };
}
