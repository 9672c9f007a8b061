import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generatedHost } from "@/bench/generated-host";
import type { GraphDelta, LiveGraph } from "@/lib/api-client";
import type { ContainerNode } from "@/lib/graph/types";
import { createLiveGraphSync, LIVE_GRAPH_TIMING, type LiveGraphCache } from "@/components/dashboard/live-graph-sync";

const host: LiveGraph = { ...generatedHost(60, 4), version: 5 };
const container = host.nodes.find((node): node is ContainerNode => node.kind === "container");
if (!container) throw new Error("no container");

function restate(baseVersion: number, version: number, state: ContainerNode["state"]): GraphDelta {
  return { host: "test", baseVersion, version, upserts: [{ ...container!, state, status: state }], removals: [], edgeUpserts: [], edgeRemovals: [] };
}

function stateOf(graph: LiveGraph | undefined): string | undefined {
  const node = graph?.nodes.find((candidate) => candidate.id === container!.id);
  return node?.kind === "container" ? node.state : undefined;
}

/** A query cache in a variable; refetches resolve when the test says so. */
function fakeCache(initial: LiveGraph | undefined) {
  let resolveRefetch: (() => void) | null = null;
  const calls = { setGraph: 0, refetchGraph: 0, invalidateHealth: 0, invalidateBlockers: 0, invalidateSpace: 0 };
  const state = { graph: initial };
  const cache: LiveGraphCache = {
    getGraph: () => state.graph,
    setGraph: (graph) => {
      calls.setGraph += 1;
      state.graph = graph;
    },
    refetchGraph: () => {
      calls.refetchGraph += 1;
      return new Promise<void>((resolve) => {
        resolveRefetch = resolve;
      });
    },
    invalidateHealth: () => void (calls.invalidateHealth += 1),
    invalidateBlockers: () => void (calls.invalidateBlockers += 1),
    invalidateSpace: () => void (calls.invalidateSpace += 1),
  };
  return { cache, calls, state, finishRefetch: () => resolveRefetch?.() };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("live graph sync with a server that sends deltas", () => {
  it("puts deltas into the cached graph without a refetch, a burst as one new graph", async () => {
    const { cache, calls, state } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    sync.connected({ host: "test", version: 5 });
    sync.delta(restate(5, 6, "paused"));
    sync.delta(restate(6, 7, "exited"));
    await vi.advanceTimersByTimeAsync(LIVE_GRAPH_TIMING.flushMs);
    expect(state.graph?.version).toBe(7);
    expect(stateOf(state.graph)).toBe("exited");
    expect(calls.setGraph).toBe(1);
    expect(calls.refetchGraph).toBe(0);
  });

  it("ignores a delta the cache already has", async () => {
    const { cache, calls, state } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    sync.delta(restate(4, 5, "dead"));
    await vi.advanceTimersByTimeAsync(LIVE_GRAPH_TIMING.flushMs);
    expect(state.graph).toBe(host);
    expect(calls.setGraph + calls.refetchGraph).toBe(0);
  });

  it("does not apply a delta after a gap, and refetches once however many such deltas come", async () => {
    const { cache, calls, state, finishRefetch } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    sync.delta(restate(6, 7, "exited"));
    await vi.advanceTimersByTimeAsync(LIVE_GRAPH_TIMING.flushMs);
    sync.delta(restate(7, 8, "running"));
    await vi.advanceTimersByTimeAsync(LIVE_GRAPH_TIMING.flushMs);
    expect(state.graph).toBe(host);
    expect(calls.refetchGraph).toBe(1);

    // The refetched graph is at 6: the logged deltas after it are applied to it as it arrives.
    const refetched = sync.withDeltas({ ...host, version: 6 });
    expect(refetched.version).toBe(8);
    expect(stateOf(refetched)).toBe("running");
    state.graph = refetched;
    finishRefetch();
    await vi.advanceTimersByTimeAsync(LIVE_GRAPH_TIMING.flushMs);
    expect(calls.refetchGraph).toBe(1);
  });

  it("refetches on a connected at another version than the cache, not at the same one", () => {
    const { cache, calls, finishRefetch } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    sync.connected({ host: "test", version: 5 });
    expect(calls.refetchGraph).toBe(0);
    expect(sync.speaksDeltas).toBe(true);
    sync.connected({ host: "test", version: 9 });
    expect(calls.refetchGraph).toBe(1);
    finishRefetch();
  });

  it("refetches after the stream broke, even at the same version", async () => {
    const { cache, calls } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    sync.connected({ host: "test", version: 5 });
    sync.streamError();
    sync.connected({ host: "test", version: 5 });
    expect(calls.refetchGraph).toBe(1);
    await vi.runAllTimersAsync();
  });

  it("reads blockers and space again at most once per window, never per delta", async () => {
    const { cache, calls } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    for (let version = 6; version < 46; version += 1) {
      sync.delta(restate(version - 1, version, version % 2 === 0 ? "running" : "exited"));
      await vi.advanceTimersByTimeAsync(100);
    }
    // 4 s of deltas: blockers every 2 s, space every 10 s.
    expect(calls.invalidateBlockers).toBeLessThanOrEqual(3);
    expect(calls.invalidateBlockers).toBeGreaterThanOrEqual(1);
    expect(calls.invalidateSpace).toBe(1);
    expect(calls.refetchGraph).toBe(0);
  });

  it("keeps deltas that come before the first graph, for the graph when it arrives", async () => {
    const { cache, calls } = fakeCache(undefined);
    const sync = createLiveGraphSync(cache);
    sync.delta(restate(5, 6, "paused"));
    await vi.advanceTimersByTimeAsync(LIVE_GRAPH_TIMING.flushMs);
    expect(calls.setGraph + calls.refetchGraph).toBe(0);
    expect(stateOf(sync.withDeltas(host))).toBe("paused");
  });
});

describe("live graph sync on a connected without a version", () => {
  it("refetches the graph once instead of trusting the cache", () => {
    const { cache, calls } = fakeCache(host);
    const sync = createLiveGraphSync(cache);
    sync.connected({});
    expect(sync.speaksDeltas).toBe(false);
    expect(calls.refetchGraph).toBe(1);
    sync.connected({});
    expect(calls.refetchGraph).toBe(1);
  });
});
