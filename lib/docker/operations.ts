import "server-only";
import { z } from "zod";
import type { DockerConnection } from "@/lib/docker/client";
import { assertContainerName, assertImageName } from "@/lib/docker/names";
import { AppError, isAppError } from "@/lib/errors";

/*
 * The changes dockgraph makes to a host. None of them ever asks the daemon to force anything:
 * where the daemon refuses, its conflict is the answer (an AppError with code "conflict" and its words).
 */

const imageDeleteSchema = z.array(z.object({ Untagged: z.string().optional(), Deleted: z.string().optional() }));

export interface ImageRemoval {
  /** References removed ("Untagged: …"). */
  untagged: string[];
  /** "Deleted: …" entries: the image IDs deleted (the target, then parents pruned with it) and the chain IDs of freed layers. */
  deleted: string[];
}

/** `docker rmi <name>` without -f. The daemon also prunes untagged, unused parents (noprune is not set). */
export async function removeImage(connection: DockerConnection, name: string): Promise<ImageRemoval> {
  const safeName = assertImageName(name);
  const raw = await connection.request("DELETE", `/images/${safeName}`, { query: { force: false, noprune: false } });
  const parsed = imageDeleteSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("daemon_error", `Unexpected answer from the Docker daemon at ${connection.host} to DELETE /images/${safeName}`);
  }
  return {
    untagged: parsed.data.flatMap((entry) => (entry.Untagged ? [entry.Untagged] : [])),
    deleted: parsed.data.flatMap((entry) => (entry.Deleted ? [entry.Deleted] : [])),
  };
}

/** `docker rm <id>` without -f. Anonymous volumes are kept unless asked (`docker rm -v`); named volumes always are. */
export async function removeContainer(
  connection: DockerConnection,
  id: string,
  options: { removeAnonymousVolumes?: boolean } = {},
): Promise<void> {
  const safeId = assertContainerName(id);
  await connection.request("DELETE", `/containers/${safeId}`, {
    query: { force: false, v: options.removeAnonymousVolumes === true },
  });
}

/** `docker stop`: SIGTERM, then SIGKILL after the grace period. A container already stopped answers 304, which is fine. */
export async function stopContainer(connection: DockerConnection, id: string, options: { graceSeconds?: number } = {}): Promise<void> {
  const safeId = assertContainerName(id);
  const graceSeconds = options.graceSeconds ?? 10;
  // The request lasts as long as the grace period: give it that plus the usual timeout.
  await connection.request("POST", `/containers/${safeId}/stop`, {
    query: { t: graceSeconds },
    timeoutMs: connection.timeoutMs + graceSeconds * 1000,
  });
}

export async function unpauseContainer(connection: DockerConnection, id: string): Promise<void> {
  const safeId = assertContainerName(id);
  await connection.request("POST", `/containers/${safeId}/unpause`);
}

const containerInspectSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  Image: z.string(),
  State: z.object({ Status: z.string(), Running: z.boolean().optional(), Paused: z.boolean().optional() }),
});

export interface ContainerFacts {
  id: string;
  name: string;
  imageId: string;
  state: string;
}

/** The current facts of one container, or null when it no longer exists. */
export async function inspectContainer(connection: DockerConnection, id: string): Promise<ContainerFacts | null> {
  const safeId = assertContainerName(id);
  try {
    const raw = containerInspectSchema.parse(await connection.request("GET", `/containers/${safeId}/json`));
    return { id: raw.Id, name: raw.Name.replace(/^\//, ""), imageId: raw.Image, state: raw.State.Status };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

const imageInspectSchema = z.object({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  RepoDigests: z.array(z.string()).nullish(),
  Parent: z.string().nullish(),
});

export interface ImageFacts {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  parentId: string | null;
}

/** The current facts of one image (by ID or reference), or null when the daemon does not know it. */
export async function inspectImage(connection: DockerConnection, name: string): Promise<ImageFacts | null> {
  const safeName = assertImageName(name);
  try {
    const raw = imageInspectSchema.parse(await connection.request("GET", `/images/${safeName}/json`));
    return {
      id: raw.Id,
      repoTags: raw.RepoTags ?? [],
      repoDigests: raw.RepoDigests ?? [],
      parentId: raw.Parent ? raw.Parent : null,
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

const diskUsageSchema = z.object({
  LayersSize: z.number(),
  Images: z.array(z.object({ Id: z.string(), Size: z.number(), SharedSize: z.number(), Containers: z.number() })).nullish(),
  Containers: z.array(z.object({ Id: z.string(), SizeRw: z.number().nullish() })).nullish(),
});

export interface DiskUsage {
  /** Bytes of all image layers on disk, as `docker system df` counts them. */
  layersSize: number;
  images: { id: string; size: number; sharedSize: number; containers: number }[];
  containers: { id: string; sizeRw: number }[];
}

// The daemon computes one /system/df at a time and refuses another meanwhile (even one from `docker system df`).
const DISK_USAGE_BUSY = /disk usage operation is already running/;
const DISK_USAGE_RETRY_MS = 250;
const DISK_USAGE_ATTEMPTS = 40;
const diskUsageInFlight = new WeakMap<DockerConnection, Promise<DiskUsage>>();

/**
 * `GET /system/df`: slow on big hosts, so never on a hot path. Callers at the same time share one request; when
 * another client holds the daemon's one slot, this waits for it (up to ten seconds) instead of failing.
 */
export function readDiskUsage(connection: DockerConnection): Promise<DiskUsage> {
  const running = diskUsageInFlight.get(connection);
  if (running) return running;
  const reading = readDiskUsageWhenFree(connection).finally(() => diskUsageInFlight.delete(connection));
  diskUsageInFlight.set(connection, reading);
  return reading;
}

async function readDiskUsageWhenFree(connection: DockerConnection): Promise<DiskUsage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return parseDiskUsage(await connection.request("GET", "/system/df", { timeoutMs: connection.timeoutMs * 4 }));
    } catch (error) {
      const busy = isAppError(error) && DISK_USAGE_BUSY.test(error.message);
      if (!busy || attempt >= DISK_USAGE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, DISK_USAGE_RETRY_MS));
    }
  }
}

function parseDiskUsage(answer: unknown): DiskUsage {
  const raw = diskUsageSchema.parse(answer);
  return {
    layersSize: raw.LayersSize,
    images: (raw.Images ?? []).map((image) => ({
      id: image.Id,
      size: image.Size,
      sharedSize: image.SharedSize,
      containers: image.Containers,
    })),
    containers: (raw.Containers ?? []).map((container) => ({ id: container.Id, sizeRw: container.SizeRw ?? 0 })),
  };
}
