"use client";

import { useState } from "react";
import type { GraphPayload } from "@/lib/graph/types";
import { layoutGraph, type GraphLayout } from "@/components/graph/layout";

/** The layout of the shown graph, computed from the previous one so that families stay where they were when the host changes. */
export function useStableLayout(graph: Pick<GraphPayload, "nodes" | "edges"> | null): GraphLayout | null {
  const [current, setCurrent] = useState<{ graph: typeof graph; layout: GraphLayout | null }>({ graph: null, layout: null });
  if (current.graph === graph) return current.layout;
  const layout = graph ? layoutGraph(graph, current.layout) : null;
  // The last layout is state from an earlier render, which React allows to be set while rendering.
  setCurrent({ graph, layout });
  return layout;
}
