"use client";

import { useEffect, useRef, useState } from "react";
import type { GraphPayload } from "@/lib/graph/types";
import { layoutGraph, type GraphLayout } from "@/components/graph/layout";
import { layoutFromAnswer, layoutRequest, type LayoutAnswer } from "@/components/graph/layout-protocol";

type ShownGraph = Pick<GraphPayload, "nodes" | "edges">;

/**
 * From this many nodes the layout runs in a Web Worker. Measured with bench/graph-render.ts (headless Chromium, a
 * shared 2-core machine): the page's first layout of the 12,000-node L host cost its main thread 52–200 ms, of the
 * 10,000-node host 138 ms; with the worker, handing over the facts and putting the answer together cost it 21–46 ms.
 * A 2,000-node host takes 13–53 ms on the main thread: below the threshold the synchronous path (also the tests')
 * draws a small host without the round trip.
 */
export const LAYOUT_WORKER_FROM = 5_000;

/** `?layout=main` keeps every layout on the main thread (benchmarks compare both). */
function workerAllowed(): boolean {
  if (typeof window === "undefined" || typeof Worker === "undefined") return false;
  return new URLSearchParams(window.location.search).get("layout") !== "main";
}

function measured(graph: ShownGraph, previous: GraphLayout | null): GraphLayout {
  const started = performance.now();
  const layout = layoutGraph(graph, previous);
  performance.measure("graph-layout", { start: started, detail: { nodes: graph.nodes.length, thread: "main" } });
  return layout;
}

/** One worker, one layout at a time; a graph that arrives meanwhile waits, and only the newest one is laid out. */
class LayoutWorker {
  private readonly worker = new Worker(new URL("./layout.worker.ts", import.meta.url));
  private busy: { id: number; graph: ShownGraph; sentAt: number; done: (layout: GraphLayout) => void } | null = null;
  private waiting: { graph: ShownGraph; done: (layout: GraphLayout) => void } | null = null;
  private nextId = 1;
  private last: GraphLayout | null = null;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
      const job = this.busy;
      if (!job || job.id !== event.data.id) return;
      this.busy = null;
      const started = performance.now();
      const layout = layoutFromAnswer(job.graph, event.data);
      performance.measure("graph-layout", { start: started, detail: { nodes: job.graph.nodes.length, thread: "worker", roundTripMs: performance.now() - job.sentAt } });
      this.last = layout;
      job.done(layout);
      const next = this.waiting;
      this.waiting = null;
      if (next) this.send(next.graph, next.done);
    };
  }

  /** `previous`: the layout on screen, which the next layout keeps families of (a waiting graph gets the newest). */
  request(graph: ShownGraph, previous: GraphLayout | null, done: (layout: GraphLayout) => void): void {
    if (this.busy) {
      this.waiting = { graph, done };
      return;
    }
    this.last = previous;
    this.send(graph, done);
  }

  private send(graph: ShownGraph, done: (layout: GraphLayout) => void): void {
    const id = this.nextId++;
    const sentAt = performance.now();
    this.busy = { id, graph, sentAt, done };
    this.worker.postMessage(layoutRequest(id, graph, this.last));
    performance.measure("graph-layout-send", { start: sentAt, detail: { nodes: graph.nodes.length } });
  }

  destroy(): void {
    this.worker.terminate();
  }
}

/**
 * The layout of the shown graph, computed from the previous one so that families stay where they were when the
 * host changes. Big graphs are laid out in a worker: until its answer comes, the previous layout stays on screen.
 */
export function useStableLayout(graph: ShownGraph | null): GraphLayout | null {
  const [current, setCurrent] = useState<{ graph: ShownGraph | null; layout: GraphLayout | null }>({ graph: null, layout: null });
  const [allowed] = useState(workerAllowed);
  const offThread = allowed && graph !== null && graph.nodes.length >= LAYOUT_WORKER_FROM;
  const worker = useRef<LayoutWorker | null>(null);
  const latest = useRef(current);

  useEffect(() => {
    latest.current = current;
  }, [current]);

  useEffect(() => {
    if (!offThread || graph === null) return;
    worker.current ??= new LayoutWorker();
    worker.current.request(graph, latest.current.layout, (layout) => setCurrent({ graph, layout }));
  }, [graph, offThread]);

  useEffect(
    () => () => {
      worker.current?.destroy();
      worker.current = null;
    },
    [],
  );

  if (offThread || current.graph === graph) return current.layout;
  const layout = graph ? measured(graph, current.layout) : null;
  // The last layout is state from an earlier render, which React allows to be set while rendering.
  setCurrent({ graph, layout });
  return layout;
}
