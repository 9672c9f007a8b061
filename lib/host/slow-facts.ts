import "server-only";
import type { DockerConnection } from "@/lib/docker/client";
import { readDiskUsage, type DiskUsage } from "@/lib/docker/operations";
import { listContainers, readImageLayers } from "@/lib/docker/snapshot";
import type { ImageLayers } from "@/lib/docker/types";

/*
 * The facts that are slow to read, loaded in the background and cached by what makes them change: layers by image
 * ID (immutable), writable-layer sizes by container (read again after the container's events), `/system/df` by
 * model version. Structural answers never wait for them longer than a short grace.
 */

/** How many container IDs go into one `filters={"id":[…]}` list call; more than a few hundred lists everything. */
const IDS_PER_CALL = 100;
const MAX_IDS_FOR_FILTERED_CALLS = 300;

interface SizeEntry {
  bytes: number;
  /** When the size was read (ms). */
  readAt: number;
}

export class SlowFacts {
  readonly layers = new Map<string, ImageLayers>();
  private readonly sizes = new Map<string, SizeEntry>();
  /** Last event of each container that may have changed its files (start, die, a copy in, …). */
  private readonly changedAt = new Map<string, number>();
  private layerLoad: Promise<void> = Promise.resolve();
  private layersWanted = new Set<string>();
  private sizeLoad: Promise<void> = Promise.resolve();
  private disk: { version: number; usage: Promise<DiskUsage> } | null = null;

  constructor(
    private readonly connection: DockerConnection,
    private readonly log: (line: string) => void,
  ) {}

  /** Loads the layers of images not known yet, in the background. */
  wantLayers(imageIds: Iterable<string>): void {
    for (const id of imageIds) if (!this.layers.has(id)) this.layersWanted.add(id);
    if (this.layersWanted.size === 0) return;
    this.layerLoad = this.layerLoad.then(async () => {
      const ids = [...this.layersWanted];
      this.layersWanted = new Set();
      if (ids.length === 0) return;
      try {
        for (const [id, layers] of await readImageLayers(this.connection, ids)) this.layers.set(id, layers);
      } catch (error) {
        this.log(`layers not loaded: ${String(error)}`);
      }
    });
  }

  /** Waits up to `ms` for the layer loads under way. */
  async layersSettled(ms: number): Promise<void> {
    await Promise.race([this.layerLoad, delay(ms)]);
  }

  forgetImage(imageId: string): void {
    this.layers.delete(imageId);
  }

  containerChanged(containerId: string): void {
    this.changedAt.set(containerId, Date.now());
  }

  forgetContainer(containerId: string): void {
    this.sizes.delete(containerId);
    this.changedAt.delete(containerId);
  }

  /** Reads sizes again in the background: of these containers, or of all. */
  refreshSizes(containerIds: readonly string[] | "all"): void {
    if (containerIds !== "all" && containerIds.length === 0) return;
    this.sizeLoad = this.sizeLoad.then(async () => {
      try {
        await this.readSizes(containerIds);
      } catch (error) {
        this.log(`container sizes not loaded: ${String(error)}`);
      }
    });
  }

  async sizesSettled(ms: number): Promise<void> {
    await Promise.race([this.sizeLoad, delay(ms)]);
  }

  /** The sizes known now (stale ones included): for answers that say when sizes are still pending. */
  knownSizes(): Map<string, number> {
    return new Map([...this.sizes].map(([id, entry]) => [id, entry.bytes]));
  }

  /** Whether a container's size is unknown, or older than its last event (or it runs: it may write any time). */
  isStale(containerId: string, running: boolean): boolean {
    const entry = this.sizes.get(containerId);
    if (!entry || running) return true;
    return (this.changedAt.get(containerId) ?? 0) >= entry.readAt;
  }

  /** Current sizes of these containers, read now for those whose cached size cannot be trusted. */
  async freshSizes(containers: readonly { id: string; running: boolean }[]): Promise<Map<string, number>> {
    const stale = containers.filter((container) => this.isStale(container.id, container.running)).map((container) => container.id);
    if (stale.length > 0) await this.readSizes(stale.length > MAX_IDS_FOR_FILTERED_CALLS ? "all" : stale);
    const sizes = new Map<string, number>();
    for (const container of containers) {
      const entry = this.sizes.get(container.id);
      if (entry) sizes.set(container.id, entry.bytes);
    }
    return sizes;
  }

  /** `/system/df`, once per model version. */
  diskUsage(version: number, options: { fresh: boolean }): Promise<DiskUsage> {
    if (this.disk?.version !== version || options.fresh) {
      const usage = readDiskUsage(this.connection);
      this.disk = { version, usage };
      usage.catch(() => {
        if (this.disk?.usage === usage) this.disk = null;
      });
    }
    return this.disk.usage;
  }

  private async readSizes(containerIds: readonly string[] | "all"): Promise<void> {
    const readAt = Date.now();
    if (containerIds === "all") {
      const listed = await listContainers(this.connection, { size: true });
      for (const container of listed) this.sizes.set(container.id, { bytes: container.sizeRw ?? 0, readAt });
      return;
    }
    for (let start = 0; start < containerIds.length; start += IDS_PER_CALL) {
      const ids = containerIds.slice(start, start + IDS_PER_CALL);
      const listed = await listContainers(this.connection, { size: true, ids });
      // The id filter matches prefixes: keep only the containers asked for.
      const wanted = new Set(ids);
      for (const container of listed) if (wanted.has(container.id)) this.sizes.set(container.id, { bytes: container.sizeRw ?? 0, readAt });
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
