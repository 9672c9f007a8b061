"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Blocker } from "@/lib/cleanup/types";
import { cleanupApi } from "@/lib/cleanup-client";
import type { GraphNode, NodeId } from "@/lib/graph/types";
import { queryKeys } from "@/lib/query-keys";
import { nodeLabel } from "@/components/graph/node-style";
import { formatBytes } from "@/lib/format";

interface BlockersPanelProps {
  node: GraphNode;
  nodesById: ReadonlyMap<NodeId, GraphNode>;
  onSelect: (id: NodeId) => void;
  /** The nodes that stand in the way, for the graph to highlight (empty when nothing blocks). */
  onBlockingNodes: (ids: ReadonlySet<NodeId>) => void;
}

const KIND_LABELS: Record<Blocker["kind"], string> = {
  "running-container": "running container",
  "stopped-container": "stopped container",
  "removal-in-progress": "removal in progress",
  "child-image": "child image",
  reference: "other reference",
  "missing-image": "missing image",
};

/** Blockers listed at first: an image on a CI host can have a thousand containers, and the panel must show at once. */
const FIRST_BLOCKERS = 50;

/** What blocks removing the selected node, in the daemon's terms, and what removing it would free. */
export function BlockersPanel({ node, nodesById, onSelect, onBlockingNodes }: BlockersPanelProps) {
  const [listAll, setListAll] = useState<string | null>(null);
  // Another selection cancels the request for this one (the signal): a quick walk through the list costs one answer.
  const answer = useQuery({ queryKey: queryKeys.blockers(node.id), queryFn: ({ signal }) => cleanupApi.blockers(node.id, { signal }) });
  // Slow the first time on a big host (every image inspected), cached after: fetched beside the blockers, never waited for.
  const sizes = useQuery({ queryKey: queryKeys.sizes(), queryFn: ({ signal }) => cleanupApi.sizes({ signal }), staleTime: 30_000 });
  const space = node.kind === "image" ? sizes.data?.images[node.imageId] : undefined;
  const writable = node.kind === "container" ? sizes.data?.containers[node.containerId] : undefined;

  useEffect(() => {
    const ids = new Set<NodeId>();
    for (const blocker of answer.data?.blockers ?? []) {
      ids.add(blocker.node);
      if (blocker.via) ids.add(blocker.via);
    }
    ids.delete(node.id);
    onBlockingNodes(ids);
  }, [answer.data, node.id, onBlockingNodes]);

  if (answer.isPending) return <p className="mt-4 text-sm text-slate-500">Asking what blocks its removal…</p>;
  if (answer.error) {
    return (
      <p role="status" className="mt-4 text-sm text-red-700 dark:text-red-400">
        Could not work out the blockers: {answer.error.message}
      </p>
    );
  }
  const data = answer.data;
  const verb = data.effect === "remove" ? "removed" : "deleted";
  return (
    <section aria-label="What blocks its removal" data-testid="blockers" className="mt-5">
      <h3 className="text-sm font-semibold">Can it go?</h3>
      <p className="mt-1 text-sm" data-testid="deletable" data-deletable={data.deletable}>
        {data.deletable ? (
          <span className="text-green-700 dark:text-green-400">
            Yes: <code>docker {data.effect === "remove" ? "rm" : "rmi"}</code> would succeed now
            {data.effect === "untag" ? " (it only removes this reference: other references or child images keep the image)" : ""}.
          </span>
        ) : (
          <span className="text-red-700 dark:text-red-400">No: it cannot be {verb} as it is.</span>
        )}
      </p>

      {data.daemonMessage ? (
        <figure className="mt-3">
          <figcaption className="text-xs text-slate-500">The daemon would answer</figcaption>
          <pre className="mt-1 whitespace-pre-wrap rounded [overflow-wrap:anywhere] bg-slate-100 p-2 text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200" data-testid="daemon-message">
            Error response from daemon: {data.daemonMessage}
          </pre>
        </figure>
      ) : null}

      {data.blockers.length > 0 ? (
        <>
          <h3 className="mt-4 text-sm font-semibold">In the way ({data.blockers.length})</h3>
          <ul className="mt-1 space-y-1.5" data-testid="blocker-list">
            {(listAll === node.id ? data.blockers : data.blockers.slice(0, FIRST_BLOCKERS)).map((blocker, index) => {
              const blockerNode = nodesById.get(blocker.node);
              return (
                <li key={`${blocker.kind}-${blocker.node}-${blocker.reference ?? index}`} className="rounded border border-slate-200 p-2 text-sm dark:border-slate-700" data-blocker-kind={blocker.kind}>
                  <div className="flex items-center gap-2">
                    <span className="text-xs uppercase tracking-wide text-slate-500">{KIND_LABELS[blocker.kind]}</span>
                    {blocker.hard ? (
                      <span className="rounded bg-red-100 px-1.5 text-[11px] font-medium text-red-800 dark:bg-red-900 dark:text-red-200" title="Forcing would not get past it">
                        force won&apos;t help
                      </span>
                    ) : (
                      <span className="rounded bg-amber-100 px-1.5 text-[11px] font-medium text-amber-800 dark:bg-amber-900 dark:text-amber-200" title="The daemon refuses unless forced; dockgraph never forces: the plan removes this first">
                        force would override
                      </span>
                    )}
                  </div>
                  {blocker.node !== node.id && blockerNode ? (
                    <button type="button" onClick={() => onSelect(blocker.node)} className="mt-0.5 font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {blocker.reference ?? nodeLabel(blockerNode)}
                    </button>
                  ) : blocker.reference ? (
                    <code className="mt-0.5 block text-xs">{blocker.reference}</code>
                  ) : null}
                  <p className="text-slate-600 dark:text-slate-300">{blocker.message}</p>
                </li>
              );
            })}
          </ul>
          {data.blockers.length > FIRST_BLOCKERS && listAll !== node.id ? (
            <button type="button" onClick={() => setListAll(node.id)} className="mt-1.5 text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300" data-testid="list-all-blockers">
              List all {data.blockers.length}
            </button>
          ) : null}
        </>
      ) : null}

      <h3 className="mt-4 text-sm font-semibold">Space</h3>
      {space ? (
        <p className="text-sm" data-testid="image-space">
          {formatBytes(space.size)} in layers: <strong>{formatBytes(space.uniqueSize)}</strong> only this image uses, {formatBytes(space.sharedSize)} shared with other images.
        </p>
      ) : null}
      {writable !== undefined ? (
        <p className="text-sm" data-testid="container-space">
          Its own writable layer holds <strong>{formatBytes(writable)}</strong>.
        </p>
      ) : null}
      <p className="text-sm" data-testid="reclaimable">
        Removing it{data.removes.containerIds.length + data.removes.imageIds.length > 1 ? " with what must go first" : ""} frees{" "}
        <strong>{formatBytes(data.reclaimableBytes)}</strong>
        {data.reclaimable.complete ? "" : " or more"}
        <span className="text-slate-500">
          {" "}
          ({formatBytes(data.reclaimable.layerBytes)} of image layers, {formatBytes(data.reclaimable.containerBytes)} of container data)
        </span>
        .
      </p>
    </section>
  );
}
