"use client";

import { useQueryClient, type QueryFunctionContext } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, type GraphDelta, type LiveGraph, type StreamConnected } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import { createLiveGraphSync, type LiveGraphSync } from "@/components/dashboard/live-graph-sync";

const REOPEN_MIN_MS = 1_000;
const REOPEN_MAX_MS = 15_000;

export interface LiveUpdates {
  /** Changes currently arrive live. */
  live: boolean;
  /** The server sends deltas: the cached graph follows the host without being fetched again. */
  deltas: boolean;
  /** The graph query's function: the graph as fetched, with the deltas that arrived meanwhile applied. */
  fetchGraph: (context: QueryFunctionContext) => Promise<LiveGraph>;
}

function parse<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

/**
 * Follows GET /api/events (see live-graph-sync.ts for what each message does to the query cache).
 *
 * EventSource retries by itself after a dropped connection, but gives up for good when an answer is not an
 * event stream (a proxy error page, a server still starting): then a new one is opened, with backoff.
 */
export function useLiveUpdates(): LiveUpdates {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  const [deltas, setDeltas] = useState(false);
  const [sync] = useState<LiveGraphSync>(() =>
    createLiveGraphSync({
      getGraph: () => queryClient.getQueryData<LiveGraph>(queryKeys.graph()),
      setGraph: (graph) => queryClient.setQueryData(queryKeys.graph(), graph),
      refetchGraph: () => queryClient.refetchQueries({ queryKey: queryKeys.graph(), exact: true }, { cancelRefetch: false }),
      invalidateHealth: () => void queryClient.invalidateQueries({ queryKey: queryKeys.health() }),
      invalidateBlockers: () => void queryClient.invalidateQueries({ queryKey: queryKeys.allBlockers() }),
      invalidateSpace: () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.disk() });
        void queryClient.invalidateQueries({ queryKey: queryKeys.sizes() });
      },
    }),
  );
  const [fetchGraph] = useState(() => async ({ signal }: QueryFunctionContext) => sync.withDeltas(await api.graph({ signal })));

  useEffect(() => {
    let reopen: ReturnType<typeof setTimeout> | null = null;
    let reopenMs = REOPEN_MIN_MS;
    let source: EventSource | null = null;
    let disposed = false;

    const open = () => {
      reopen = null;
      if (disposed) return;
      const current = new EventSource("/api/events");
      source = current;
      current.addEventListener("delta", (event) => {
        const delta = parse<GraphDelta>(event);
        if (delta) sync.delta(delta);
      });
      current.addEventListener("connected", (event) => {
        reopenMs = REOPEN_MIN_MS;
        setLive(true);
        sync.connected(parse<StreamConnected>(event) ?? {});
        setDeltas(sync.speaksDeltas);
      });
      current.addEventListener("disconnected", () => {
        setLive(false);
        sync.disconnected();
      });
      current.onerror = () => {
        setLive(false);
        sync.streamError();
        if (current.readyState !== EventSource.CLOSED || disposed) return;
        reopen = setTimeout(open, reopenMs);
        reopenMs = Math.min(REOPEN_MAX_MS, reopenMs * 2);
      };
    };
    open();

    return () => {
      disposed = true;
      sync.dispose();
      if (reopen !== null) clearTimeout(reopen);
      source?.close();
    };
  }, [sync]);

  return { live, deltas, fetchGraph };
}
