"use client";

import { useQuery } from "@tanstack/react-query";
import { cleanupApi } from "@/lib/cleanup-client";
import { queryKeys } from "@/lib/query-keys";
import { formatBytes } from "@/lib/format";

/** The host's disk use, like `docker system df`: totals, what is active, what could be reclaimed. */
export function DiskSummaryBar() {
  const disk = useQuery({ queryKey: queryKeys.disk(), queryFn: ({ signal }) => cleanupApi.disk({ signal }), staleTime: 30_000 });
  if (!disk.data) return null;
  const { images, containers } = disk.data;
  return (
    <div className="flex items-center gap-3 text-xs text-slate-600 dark:text-slate-300" data-testid="disk-summary" title="As docker system df counts it">
      <span>
        Images <strong data-testid="disk-images-total">{images.total}</strong> ({images.active} active) · {formatBytes(images.bytes)} ·{" "}
        <span className="text-green-700 dark:text-green-400">{formatBytes(images.reclaimableBytes)} reclaimable</span>
      </span>
      <span>
        Containers <strong data-testid="disk-containers-total">{containers.total}</strong> ({containers.running} running) · {formatBytes(containers.bytes)} ·{" "}
        <span className="text-green-700 dark:text-green-400">{formatBytes(containers.reclaimableBytes)} reclaimable</span>
      </span>
    </div>
  );
}
