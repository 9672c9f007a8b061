"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { queryKeys } from "@/lib/query-keys";

/**
 * Follows GET /api/events: every daemon event (and every reconnect, after which events may have been missed)
 * invalidates the docker queries. EventSource reconnects by itself after a server restart.
 * Returns whether changes currently arrive live.
 */
export function useLiveUpdates(): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    // A burst of events (a prune, a compose up) becomes one refetch.
    const invalidateSoon = () => {
      if (pending !== null) return;
      pending = setTimeout(() => {
        pending = null;
        void queryClient.invalidateQueries({ queryKey: queryKeys.all });
      }, 150);
    };
    const source = new EventSource("/api/events");
    source.addEventListener("change", invalidateSoon);
    source.addEventListener("connected", () => {
      setLive(true);
      invalidateSoon();
    });
    source.addEventListener("disconnected", () => {
      setLive(false);
      invalidateSoon();
    });
    source.onerror = () => setLive(false);
    return () => {
      if (pending !== null) clearTimeout(pending);
      source.close();
    };
  }, [queryClient]);

  return live;
}
