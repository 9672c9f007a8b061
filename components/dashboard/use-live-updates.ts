"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { queryKeys } from "@/lib/query-keys";

const REOPEN_MIN_MS = 1_000;
const REOPEN_MAX_MS = 15_000;

/**
 * Follows GET /api/events: every daemon event (and every reconnect, after which events may have been missed)
 * invalidates the docker queries. Returns whether changes currently arrive live.
 *
 * EventSource retries by itself after a dropped connection, but gives up for good when an answer is not an
 * event stream (a proxy error page, a server still starting): then a new one is opened, with backoff.
 */
export function useLiveUpdates(): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    let reopen: ReturnType<typeof setTimeout> | null = null;
    let reopenMs = REOPEN_MIN_MS;
    let source: EventSource | null = null;
    let disposed = false;

    // A burst of events (a prune, a compose up) becomes one refetch.
    const invalidateSoon = () => {
      if (pending !== null) return;
      pending = setTimeout(() => {
        pending = null;
        void queryClient.invalidateQueries({ queryKey: queryKeys.all });
      }, 150);
    };

    const open = () => {
      reopen = null;
      if (disposed) return;
      const current = new EventSource("/api/events");
      source = current;
      current.addEventListener("change", invalidateSoon);
      current.addEventListener("connected", () => {
        reopenMs = REOPEN_MIN_MS;
        setLive(true);
        invalidateSoon();
      });
      current.addEventListener("disconnected", () => {
        setLive(false);
        invalidateSoon();
      });
      current.onerror = () => {
        setLive(false);
        if (current.readyState !== EventSource.CLOSED || disposed) return;
        reopen = setTimeout(open, reopenMs);
        reopenMs = Math.min(REOPEN_MAX_MS, reopenMs * 2);
      };
    };
    open();

    return () => {
      disposed = true;
      if (pending !== null) clearTimeout(pending);
      if (reopen !== null) clearTimeout(reopen);
      source?.close();
    };
  }, [queryClient]);

  return live;
}
