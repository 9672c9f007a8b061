import type { DiskUsage } from "@/lib/docker/operations";

/** `docker system df`, as numbers: what the images and containers of the host take, and what could go. */
export interface DiskSummary {
  images: { total: number; active: number; bytes: number; reclaimableBytes: number };
  containers: { total: number; running: number; bytes: number; reclaimableBytes: number };
}

/**
 * The Docker CLI's arithmetic: images take LayersSize, of which everything but the unique bytes of images in use
 * (Size − SharedSize of each image with containers) is reclaimable; containers' reclaimable bytes are the writable
 * layers of the ones not running.
 */
export function summariseDiskUsage(usage: DiskUsage, runningContainerIds: ReadonlySet<string>): DiskSummary {
  const active = usage.images.filter((image) => image.containers > 0);
  const used = active.reduce((sum, image) => sum + (image.sharedSize < 0 ? 0 : image.size - image.sharedSize), 0);
  const running = usage.containers.filter((container) => runningContainerIds.has(container.id));
  const total = usage.containers.reduce((sum, container) => sum + container.sizeRw, 0);
  return {
    images: { total: usage.images.length, active: active.length, bytes: usage.layersSize, reclaimableBytes: Math.max(0, usage.layersSize - used) },
    containers: {
      total: usage.containers.length,
      running: running.length,
      bytes: total,
      reclaimableBytes: total - running.reduce((sum, container) => sum + container.sizeRw, 0),
    },
  };
}
