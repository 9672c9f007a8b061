"use client";

import type { ReactNode } from "react";
import type { GraphNode } from "@/lib/graph/types";
import { nodeLabel, STATE_LABELS } from "@/components/graph/node-style";
import { formatBytes } from "@/lib/format";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 [overflow-wrap:anywhere]">{children}</dd>
    </div>
  );
}

function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

/** What the selected node is: references, IDs, sizes, state. */
export function NodeDetails({ node }: { node: GraphNode }) {
  return (
    <section aria-label="Selected node" data-testid="node-details">
      <h2 className="text-base font-semibold [overflow-wrap:anywhere]">{nodeLabel(node)}</h2>
      <p className="text-xs uppercase tracking-wide text-slate-500">
        {node.kind === "container" ? `container · ${STATE_LABELS[node.state]}` : node.missing ? "missing image" : node.dangling ? "dangling image" : "image"}
      </p>
      <dl className="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
        {node.kind === "container" ? (
          <>
            <Row label="Name">{node.name}</Row>
            <Row label="ID"><code className="text-xs">{node.containerId}</code></Row>
            <Row label="Status">{node.status}</Row>
            {node.exitCode !== undefined ? <Row label="Exit code">{node.exitCode}</Row> : null}
            <Row label="Image">{node.image}</Row>
            <Row label="Image ID"><code className="text-xs">{node.imageId}</code></Row>
            {node.composeProject ? (
              <Row label="Compose">
                {node.composeProject}
                {node.composeService ? ` / ${node.composeService}` : ""}
              </Row>
            ) : null}
            {node.sizeRw !== undefined ? <Row label="Writable layer">{formatBytes(node.sizeRw)}</Row> : null}
            <Row label="Created">{formatTime(node.created)}</Row>
          </>
        ) : node.missing ? (
          <>
            <Row label="Image ID"><code className="text-xs">{node.imageId}</code></Row>
            <Row label="Containers">{node.containerCount}</Row>
            <Row label="Why">The image was force-removed (docker rmi -f) while containers still used it; its layers stay on disk until they go.</Row>
          </>
        ) : (
          <>
            <Row label="References">
              {node.references.length > 0 ? (
                <ul>
                  {node.references.map((reference) => (
                    <li key={reference}>
                      <code className="text-xs">{reference}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                "<none> (dangling)"
              )}
            </Row>
            <Row label="ID"><code className="text-xs">{node.imageId}</code></Row>
            <Row label="Size">{formatBytes(node.size)}</Row>
            {node.sharedSize !== undefined ? <Row label="Shared">{formatBytes(node.sharedSize)}</Row> : null}
            {node.uniqueSize !== undefined ? <Row label="Unique">{formatBytes(node.uniqueSize)}</Row> : null}
            <Row label="Parent">{node.parentId ? <code className="text-xs">{node.parentId.slice(7, 19)}</code> : "none"}</Row>
            <Row label="Children">{node.childCount}</Row>
            <Row label="Containers">{node.containerCount}</Row>
            <Row label="Created">{formatTime(node.created)}</Row>
            {node.localOnly ? <Row label="Registry">No registry digest: built here, cannot be pulled back.</Row> : null}
          </>
        )}
      </dl>
    </section>
  );
}
