"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Providers } from "@/app/providers";
import { api } from "@/lib/api-client";
import type { NodeId } from "@/lib/graph/types";
import { queryKeys } from "@/lib/query-keys";
import { GraphView } from "@/components/graph/graph-view";
import { useStableLayout } from "@/components/graph/use-stable-layout";
import { CollapsibleLegend } from "@/components/graph/legend";
import { DaemonStatus, DaemonUnreachable, StaleGraphNotice } from "@/components/dashboard/daemon-status";
import { NodeDetails } from "@/components/dashboard/node-details";
import { listOrder, NodeList } from "@/components/dashboard/node-list";
import { ThemeToggle } from "@/components/dashboard/theme-toggle";
import { useLiveUpdates } from "@/components/dashboard/use-live-updates";
import { shareGraph } from "@/components/dashboard/graph-delta";
import { matchesSearch } from "@/components/dashboard/search";
import { BlockersPanel } from "@/components/blockers/blockers-panel";
import { CleanupButton } from "@/components/cleanup/cleanup-button";
import { PlanDialog, type PlanRequest } from "@/components/cleanup/plan-dialog";
import { PruneToolbar } from "@/components/cleanup/prune-toolbar";
import { DiskSummaryBar } from "@/components/disk/disk-summary";
import { FilterBar } from "@/components/filters/filter-bar";
import { hasFilters, NO_FILTERS, passesFilters, visibleGraph, type NodeFilters } from "@/components/graph/visible-graph";

interface DashboardProps {
  /** The server's token for changing requests; handed over by the server component, never put in a URL. */
  token: string;
  readOnly: boolean;
}

export function Dashboard(props: DashboardProps) {
  return (
    <Providers>
      <DashboardScreen {...props} />
    </Providers>
  );
}

const NO_NODES: ReadonlySet<NodeId> = new Set();

function DashboardScreen({ token, readOnly }: DashboardProps) {
  const { live, deltas, fetchGraph } = useLiveUpdates();
  // While the stream is live nothing is polled; with deltas the cached graph is the host's (fetched again only on a gap).
  const health = useQuery({ queryKey: queryKeys.health(), queryFn: api.health, refetchInterval: live ? false : 5_000, refetchOnWindowFocus: !live });
  const graph = useQuery({
    queryKey: queryKeys.graph(),
    queryFn: fetchGraph,
    refetchInterval: live ? false : 10_000,
    staleTime: deltas && live ? Infinity : 5_000,
    refetchOnWindowFocus: !(deltas && live),
    structuralSharing: shareGraph,
  });
  const [selectedId, setSelectedId] = useState<NodeId | null>(null);
  const [search, setSearch] = useState("");
  const [fitRequest, setFitRequest] = useState(0);
  const [focusRequest, setFocusRequest] = useState(0);
  const [blocking, setBlocking] = useState<ReadonlySet<NodeId>>(new Set());
  const [planRequest, setPlanRequest] = useState<PlanRequest | null>(null);
  const [filters, setFilters] = useState<NodeFilters>(NO_FILTERS);
  const [showBuildSteps, setShowBuildSteps] = useState(false);
  const [collapsedProjects, setCollapsedProjects] = useState<ReadonlySet<string>>(new Set());
  const searchRef = useRef<HTMLInputElement>(null);

  const shownGraph = useMemo(
    () => (graph.data ? visibleGraph(graph.data, { showBuildSteps, collapsedProjects }) : null),
    [graph.data, showBuildSteps, collapsedProjects],
  );
  const layout = useStableLayout(shownGraph);
  const projects = useMemo(() => {
    const counts = new Map<string, number>();
    for (const node of graph.data?.nodes ?? []) {
      if (node.kind === "container" && node.composeProject) counts.set(node.composeProject, (counts.get(node.composeProject) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, containers]) => ({ name, containers }));
  }, [graph.data]);
  const nodes = useMemo(() => graph.data?.nodes ?? [], [graph.data]);
  const nodesById = useMemo(() => new Map(nodes.map((node) => [node.id, node])), [nodes]);
  const selected = selectedId ? (nodesById.get(selectedId) ?? null) : null;
  const matching = useMemo(() => {
    const query = search.trim();
    if (query === "" && !hasFilters(filters)) return null;
    return new Set(nodes.filter((node) => matchesSearch(node, query) && passesFilters(node, filters)).map((node) => node.id));
  }, [nodes, search, filters]);
  // In the list's own order (images, containers, build steps): the order j/k walk and Enter in the search picks from.
  const listed = useMemo(() => listOrder(matching ? nodes.filter((node) => matching.has(node.id)) : nodes), [nodes, matching]);

  const selectFromList = useCallback((id: NodeId) => {
    setSelectedId(id);
    setFocusRequest((count) => count + 1);
  }, []);

  const daemonError = health.error ?? graph.error;

  // Keyboard: "/" search, Escape clears, "f" fits, j/k or arrows walk the list, Enter focuses the graph on it.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target !== null && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
      if (planRequest !== null) return;
      if (event.key === "Escape") {
        if (typing) target.blur();
        setSelectedId(null);
        return;
      }
      if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "/") {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key === "f") {
        setFitRequest((count) => count + 1);
      } else if (["j", "k", "ArrowDown", "ArrowUp"].includes(event.key) && listed.length > 0) {
        event.preventDefault();
        const step = event.key === "j" || event.key === "ArrowDown" ? 1 : -1;
        const index = listed.findIndex((node) => node.id === selectedId);
        const next = listed[index === -1 ? 0 : (index + step + listed.length) % listed.length];
        // The list scrolls the selection into view itself.
        if (next) setSelectedId(next.id);
      } else if (event.key === "Enter" && selectedId) {
        setFocusRequest((count) => count + 1);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [listed, selectedId, planRequest]);

  return (
    <div className="flex h-screen flex-col">
      <header className="border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-center gap-x-5 gap-y-2 py-2">
          <h1 className="shrink-0 text-lg font-bold tracking-tight">
            dock<span className="text-indigo-600 dark:text-indigo-400">graph</span>
          </h1>
          <DaemonStatus health={health.data} error={daemonError} live={live} />
          <div className="ml-auto flex shrink-0 items-center gap-2">
            <input
              ref={searchRef}
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              onKeyDown={(event) => {
                const [first] = listed;
                if (event.key === "Enter" && first) selectFromList(first.id);
              }}
              placeholder="Search name, tag, ID… ( / )"
              aria-label="Search images and containers"
              className="w-64 rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
            />
            <button
              type="button"
              onClick={() => setFitRequest((count) => count + 1)}
              title="Fit the graph to the window ( f )"
              className="rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Fit
            </button>
            <ThemeToggle />
          </div>
        </div>
        {graph.data ? (
          <div className="flex flex-wrap items-center gap-x-5 gap-y-1.5 pb-2">
            <DiskSummaryBar />
            <div className="ml-auto flex items-center gap-2">
              {readOnly ? (
                <span
                  className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-900 dark:text-amber-200"
                  data-testid="read-only"
                  title="DOCKGRAPH_READ_ONLY is set: dockgraph shows the host and changes nothing"
                >
                  read-only: cleanup is off
                </span>
              ) : (
                <PruneToolbar onPrune={(scope, title) => setPlanRequest({ kind: "prune", scope, title })} />
              )}
            </div>
          </div>
        ) : null}
      </header>

      {daemonError && graph.data ? <StaleGraphNotice readAt={graph.dataUpdatedAt} /> : null}
      {graph.data ? (
        <FilterBar
          filters={filters}
          onFilters={setFilters}
          showBuildSteps={showBuildSteps}
          onShowBuildSteps={setShowBuildSteps}
          projects={projects}
          collapsedProjects={collapsedProjects}
          onToggleProject={(name) =>
            setCollapsedProjects((previous) => {
              const next = new Set(previous);
              if (next.has(name)) next.delete(name);
              else next.add(name);
              return next;
            })
          }
        />
      ) : null}
      {daemonError && !graph.data ? (
        <DaemonUnreachable
          error={daemonError}
          onRetry={() => {
            void health.refetch();
            void graph.refetch();
          }}
        />
      ) : (
        <main className="flex min-h-0 flex-1">
          <aside className="w-72 shrink-0 overflow-hidden border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <NodeList nodes={listed} selectedId={selectedId} onSelect={selectFromList} />
          </aside>
          <section className="relative min-w-0 flex-1" aria-busy={graph.isPending}>
            {layout ? (
              <GraphView
                layout={layout}
                selectedId={selectedId}
                highlighted={selected ? blocking : NO_NODES}
                matching={matching}
                onSelect={setSelectedId}
                fitRequest={fitRequest}
                focusRequest={focusRequest}
              />
            ) : (
              <p className="p-6 text-sm text-slate-500">Reading the host…</p>
            )}
            {layout && layout.nodes.length === 0 ? (
              <p className="absolute inset-x-0 top-1/3 text-center text-sm text-slate-500">This host has no images and no containers.</p>
            ) : null}
            <div className="absolute bottom-3 left-3">
              <CollapsibleLegend />
            </div>
          </section>
          {selected ? (
            <aside className="w-96 shrink-0 overflow-y-auto border-l border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
              <NodeDetails node={selected} />
              <BlockersPanel node={selected} nodesById={nodesById} onSelect={selectFromList} onBlockingNodes={setBlocking} />
              <CleanupButton node={selected} readOnly={readOnly} onPlan={setPlanRequest} />
            </aside>
          ) : null}
        </main>
      )}
      {planRequest ? <PlanDialog key={JSON.stringify(planRequest)} request={planRequest} token={token} graphFollowsHost={deltas && live} onClose={() => setPlanRequest(null)} /> : null}
    </div>
  );
}
