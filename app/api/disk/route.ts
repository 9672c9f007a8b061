import { getConnection } from "@/lib/docker/client";
import { readDiskUsage } from "@/lib/docker/operations";
import { listContainers } from "@/lib/docker/snapshot";
import { summariseDiskUsage, type DiskSummary } from "@/lib/graph/disk-summary";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const TTL_MS = 10_000;
const holder = globalThis as typeof globalThis & { __dockgraphDisk?: { at: number; summary: DiskSummary } };

const RUNNING = new Set(["running", "paused", "restarting"]);

/** GET /api/disk: `docker system df` in numbers. /system/df is slow on big hosts: cached for 10 s (`?fresh` skips it). */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const cached = holder.__dockgraphDisk;
    if (cached && Date.now() - cached.at < TTL_MS && !new URL(request.url).searchParams.has("fresh")) return jsonResponse(cached.summary);
    const connection = getConnection();
    const [usage, containers] = await Promise.all([readDiskUsage(connection), listContainers(connection)]);
    const summary = summariseDiskUsage(usage, new Set(containers.filter((container) => RUNNING.has(container.state)).map((container) => container.id)));
    holder.__dockgraphDisk = { at: Date.now(), summary };
    return jsonResponse(summary);
  });
}
