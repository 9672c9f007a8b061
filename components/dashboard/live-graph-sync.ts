import type { GraphDelta, LiveGraph, StreamConnected } from "@/lib/api-client";
import { replayDeltas } from "@/components/dashboard/graph-delta";

/*
 * What the page does with each message of /api/events, framework-free (use-live-updates.ts wires it to an
 * EventSource and the query cache). A server with a live host model sends deltas: they go straight into the cached
 * graph, and the whole graph is fetched again only on a version gap, a `connected` at another version than the
 * cache, or a reconnect.
 */

export interface LiveGraphCache {
  getGraph(): LiveGraph | undefined;
  setGraph(graph: LiveGraph): void;
  /** Fetches the whole graph again; a fetch already under way is not restarted. Settles when it is done. */
  refetchGraph(): Promise<unknown>;
  invalidateHealth(): void;
  /** Answers derived from the graph that a change may touch: blockers. */
  invalidateBlockers(): void;
  /** Slow answers about space (/api/disk, /api/sizes). */
  invalidateSpace(): void;
}

export interface LiveGraphTiming {
  /** Deltas arriving within this are applied together: one new graph, one layout. */
  flushMs: number;
  blockersEveryMs: number;
  spaceEveryMs: number;
  /** A gap found in a graph just fetched waits this long before the next fetch. */
  gapRetryMs: number;
}

export const LIVE_GRAPH_TIMING: LiveGraphTiming = { flushMs: 50, blockersEveryMs: 2_000, spaceEveryMs: 10_000, gapRetryMs: 1_000 };

/** Deltas kept to replay onto a graph fetched meanwhile (which may have been read before they were made). */
const LOG_LIMIT = 5_000;

export interface LiveGraphSync {
  delta(delta: GraphDelta): void;
  connected(message: StreamConnected): void;
  disconnected(): void;
  streamError(): void;
  /** A freshly fetched graph with every delta since its version applied. */
  withDeltas(graph: LiveGraph): LiveGraph;
  /** Whether the server sends deltas (its `connected` carries a version). */
  readonly speaksDeltas: boolean;
  /** Stops the timers; the object stays usable. */
  dispose(): void;
}

/** Runs `run` at most once per `everyMs`, at the end of the window in which it was asked for. */
function throttled(run: () => void, everyMs: number, minDelayMs: number) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  return {
    ask() {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        run();
      }, Math.max(minDelayMs, last + everyMs - Date.now()));
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

export function createLiveGraphSync(cache: LiveGraphCache, timing: LiveGraphTiming = LIVE_GRAPH_TIMING): LiveGraphSync {
  const log: GraphDelta[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let gapTimer: ReturnType<typeof setTimeout> | null = null;
  let refetching = false;
  // The stream broke since the last `connected`: deltas may have been missed.
  let lost = false;
  let speaksDeltas = false;
  const blockers = throttled(() => cache.invalidateBlockers(), timing.blockersEveryMs, timing.flushMs);
  const space = throttled(() => cache.invalidateSpace(), timing.spaceEveryMs, timing.flushMs);

  const refetch = () => {
    if (refetching) return;
    refetching = true;
    void cache.refetchGraph().finally(() => {
      refetching = false;
      // Deltas that came while the answer was being stored.
      flushTimer ??= setTimeout(flush, timing.flushMs);
    });
  };

  const flush = () => {
    flushTimer = null;
    const graph = cache.getGraph();
    // Not read yet, or being read again: the fetch's answer gets the logged deltas (withDeltas).
    if (!graph || refetching) return;
    const replayed = replayDeltas(graph, log);
    if (replayed.graph !== graph) cache.setGraph(replayed.graph);
    if (replayed.gap) refetch();
  };

  return {
    get speaksDeltas() {
      return speaksDeltas;
    },
    delta(delta) {
      speaksDeltas = true;
      log.push(delta);
      if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
      flushTimer ??= setTimeout(flush, timing.flushMs);
      blockers.ask();
      space.ask();
    },
    connected(message) {
      cache.invalidateHealth();
      if (message.version === undefined) {
        // A `connected` that says no version (unreadable data): the cached graph cannot be trusted to follow.
        speaksDeltas = false;
        lost = false;
        refetch();
        return;
      }
      speaksDeltas = true;
      const graph = cache.getGraph();
      if (graph && (lost || graph.version !== message.version)) {
        refetch();
        blockers.ask();
        space.ask();
      }
      lost = false;
    },
    disconnected() {
      lost = true;
      cache.invalidateHealth();
    },
    streamError() {
      lost = true;
    },
    withDeltas(graph) {
      const replayed = replayDeltas(graph, log);
      if (replayed.gap) {
        gapTimer ??= setTimeout(() => {
          gapTimer = null;
          refetch();
        }, timing.gapRetryMs);
      }
      return replayed.graph;
    },
    dispose() {
      for (const timer of [flushTimer, gapTimer]) if (timer !== null) clearTimeout(timer);
      flushTimer = gapTimer = null;
      blockers.cancel();
      space.cancel();
    },
  };
}
