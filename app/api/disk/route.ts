import { getConnection } from "@/lib/docker/client";
import { readDiskUsage } from "@/lib/docker/operations";
import { listContainers, listImages } from "@/lib/docker/snapshot";
import { summariseDiskUsage, type DiskSummary } from "@/lib/graph/disk-summary";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const TTL_MS = 10_000;
const holder = globalThis as typeof globalThis & { __dockgraphDisk?: { at: number; hostKey: string; summary: DiskSummary } };

const RUNNING = new Set(["running", "paused", "restarting"]);

/**
 * GET /api/disk: `docker system df` in numbers. /system/df is slow on big hosts: the answer is cached for 10 s, but
 * only while the host holds the same images and containers in the same states (the two lists are cheap), so a
 * cleanup or a `docker run` shows at once. `?fresh` skips the cache.
 */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const connection = getConnection();
    const [images, containers] = await Promise.all([listImages(connection), listContainers(connection)]);
    const hostKey = [...images.map((image) => image.id), ...containers.map((container) => `${container.id}:${container.state}`)].sort().join(",");
    const cached = holder.__dockgraphDisk;
    const fresh = new URL(request.url).searchParams.has("fresh");
    if (cached && cached.hostKey === hostKey && Date.now() - cached.at < TTL_MS && !fresh) return jsonResponse(cached.summary);
    const usage = await readDiskUsage(connection);
    const summary = summariseDiskUsage(usage, new Set(containers.filter((container) => RUNNING.has(container.state)).map((container) => container.id)));
    holder.__dockgraphDisk = { at: Date.now(), hostKey, summary };
    return jsonResponse(summary);
  });
}
