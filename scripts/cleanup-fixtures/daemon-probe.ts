import type { DockerConnection } from "@/lib/docker/client";
import { assertImageName } from "@/lib/docker/names";
import { readDiskUsage, removeContainer, removeImage, stopContainer, unpauseContainer } from "@/lib/docker/operations";
import { AppError } from "@/lib/errors";
import { indexHost, isTargetSyntax } from "@/lib/cleanup/targets";
import type { HostIndex } from "@/lib/cleanup/targets";
import type { DaemonAnswer } from "@/lib/cleanup/types";
import { shortImageId } from "@/lib/graph/build";
import type { HostSnapshot } from "@/lib/docker/types";

/*
 * Asking the real daemon, for the fixture recorder and the differential test: removals whose answer
 * (refusal or success) is captured as data instead of thrown, and the names to try on a host.
 */

function answerOfFailure(error: unknown): DaemonAnswer {
  if (error instanceof AppError) {
    const status = error.details?.status;
    const message = error.details?.daemonMessage;
    if (typeof status === "number" && typeof message === "string") return { status, message, untagged: [], deleted: [] };
  }
  throw error;
}

/**
 * `docker rmi <name>` through lib/docker/operations (never forced). `force` exists for the tests only,
 * to check which blockers force overrides: it calls the Engine API directly, as dockgraph itself never does.
 */
export async function attemptImageRemoval(connection: DockerConnection, name: string, options: { force?: boolean } = {}): Promise<DaemonAnswer> {
  try {
    if (options.force === true) {
      const raw = await connection.request("DELETE", `/images/${assertImageName(name)}`, { query: { force: true, noprune: false } });
      const entries = Array.isArray(raw) ? (raw as { Untagged?: string; Deleted?: string }[]) : [];
      return {
        status: 200,
        message: null,
        untagged: entries.flatMap((entry) => (entry.Untagged ? [entry.Untagged] : [])),
        deleted: entries.flatMap((entry) => (entry.Deleted ? [entry.Deleted] : [])),
      };
    }
    const removal = await removeImage(connection, name);
    return { status: 200, message: null, untagged: removal.untagged, deleted: removal.deleted };
  } catch (error) {
    return answerOfFailure(error);
  }
}

/** `docker rm <name>` through lib/docker/operations (never forced, anonymous volumes kept). */
export async function attemptContainerRemoval(connection: DockerConnection, name: string): Promise<DaemonAnswer> {
  try {
    await removeContainer(connection, name);
    return { status: 200, message: null, untagged: [], deleted: [] };
  } catch (error) {
    return answerOfFailure(error);
  }
}

/** Stops a container at once (unpausing it first: a paused container cannot take the signal). */
export async function stopNow(connection: DockerConnection, containerId: string, state: string): Promise<void> {
  if (state === "paused") await unpauseContainer(connection, containerId);
  await stopContainer(connection, containerId, { graceSeconds: 0 });
}

/** `/system/df`: bytes of all image layers, and SharedSize per top-level image. */
export async function readLayerUsage(connection: DockerConnection): Promise<{ layersSize: number; sharedSizes: Record<string, number> }> {
  const usage = await readDiskUsage(connection);
  return { layersSize: usage.layersSize, sharedSizes: Object.fromEntries(usage.images.map((image) => [image.id, image.sharedSize])) };
}

export interface NamedTarget {
  /** What the removal is asked with. */
  name: string;
  /** Which removal: `docker rmi` or `docker rm`. */
  removal: "image" | "container";
}

/**
 * Every name worth asking about on a host: each image by full ID, short ID and each reference, each
 * container by name, and each force-removed image by its full ID. `extras` adds odd names (unknown,
 * ambiguous prefixes) that only `docker rmi`/`docker rm` resolve.
 */
export function namesToTry(snapshot: HostSnapshot): NamedTarget[] {
  const index: HostIndex = indexHost(snapshot);
  const names: NamedTarget[] = [];
  for (const image of snapshot.images) {
    names.push({ name: image.id, removal: "image" }, { name: shortImageId(image.id), removal: "image" });
    for (const reference of [...image.repoTags, ...image.repoDigests]) names.push({ name: reference, removal: "image" });
  }
  for (const imageId of index.missingImageIds) names.push({ name: imageId, removal: "image" });
  for (const container of snapshot.containers) names.push({ name: container.name, removal: "container" });
  return names.filter((target) => isTargetSyntax(target.name));
}

/** Names the daemon must not find: an unknown tag, and the shortest ambiguous image and container ID prefixes. */
export function oddNames(snapshot: HostSnapshot): NamedTarget[] {
  const odd: NamedTarget[] = [{ name: "dockgraph-never-seeded:latest", removal: "image" }, { name: "dockgraph-never-seeded", removal: "container" }];
  const imagePrefix = sharedPrefix(snapshot.images.map((image) => image.id.slice("sha256:".length)));
  if (imagePrefix !== null) odd.push({ name: imagePrefix, removal: "image" }, { name: `sha256:${imagePrefix}`, removal: "image" });
  const containerPrefix = sharedPrefix(snapshot.containers.map((container) => container.id));
  if (containerPrefix !== null) odd.push({ name: containerPrefix, removal: "container" });
  return odd;
}

/** A one-character prefix shared by at least two of the IDs, if any. */
function sharedPrefix(ids: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id.slice(0, 1), (counts.get(id.slice(0, 1)) ?? 0) + 1);
  const shared = [...counts.entries()].filter(([, count]) => count > 1).map(([prefix]) => prefix).sort();
  return shared[0] ?? null;
}
