import "server-only";
import { z } from "zod";
import type { DockerConnection, Query } from "@/lib/docker/client";
import type { ContainerRecord, ContainerState, EngineInfo, HostSnapshot, ImageLayers, ImageRecord, MountRecord } from "@/lib/docker/types";
import { CONTAINER_STATES } from "@/lib/docker/types";
import { assertImageName } from "@/lib/docker/names";
import { AppError } from "@/lib/errors";

/*
 * Reads what the daemon knows, in the fewest and cheapest calls: the graph needs only the two list calls
 * (engine facts are cached briefly); layers (immutable per image ID) and container sizes (slow) are loaded
 * separately and cached, never on the graph's hot path.
 */

const stringRecord = z.record(z.string(), z.string()).nullish().transform((value) => value ?? {});

const imageSummarySchema = z.object({
  Id: z.string(),
  ParentId: z.string().nullish(),
  RepoTags: z.array(z.string()).nullish(),
  RepoDigests: z.array(z.string()).nullish(),
  Created: z.number(),
  Size: z.number(),
  SharedSize: z.number().nullish(),
  Labels: stringRecord,
});

const containerSummarySchema = z.object({
  Id: z.string(),
  Names: z.array(z.string()).nullish(),
  Image: z.string(),
  ImageID: z.string(),
  State: z.string(),
  Status: z.string().nullish(),
  Created: z.number(),
  Labels: stringRecord,
  SizeRw: z.number().nullish(),
  Mounts: z
    .array(
      z.object({
        Type: z.string().nullish(),
        Name: z.string().nullish(),
        Source: z.string().nullish(),
        Destination: z.string().nullish(),
      }),
    )
    .nullish(),
});

const versionSchema = z.object({
  Version: z.string(),
  ApiVersion: z.string(),
  Os: z.string().nullish(),
  Arch: z.string().nullish(),
});

const infoSchema = z.object({
  Driver: z.string().nullish(),
  DriverStatus: z.array(z.array(z.string())).nullish(),
});

const inspectImageSchema = z.object({
  Id: z.string(),
  RootFS: z.object({ Layers: z.array(z.string()).nullish() }).nullish(),
});

const historySchema = z.array(z.object({ Size: z.number(), CreatedBy: z.string().nullish() }));

function parseResponse<T>(schema: z.ZodType<T>, value: unknown, call: string, host: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("daemon_error", `Unexpected answer from the Docker daemon at ${host} to ${call}: ${parsed.error.issues[0]?.message ?? "invalid"}`, {
      call,
      host,
    });
  }
  return parsed.data;
}

const NONE_TAG = "<none>:<none>";
const NONE_DIGEST = "<none>@<none>";

export function normaliseImage(raw: z.infer<typeof imageSummarySchema>): ImageRecord {
  return {
    id: raw.Id,
    repoTags: (raw.RepoTags ?? []).filter((tag) => tag !== NONE_TAG),
    repoDigests: (raw.RepoDigests ?? []).filter((digest) => digest !== NONE_DIGEST),
    parentId: raw.ParentId ? raw.ParentId : null,
    created: raw.Created,
    size: raw.Size,
    // API 1.41 reports -1 ("not computed").
    sharedSize: raw.SharedSize !== undefined && raw.SharedSize !== null && raw.SharedSize >= 0 ? raw.SharedSize : null,
    labels: raw.Labels,
  };
}

function toState(value: string): ContainerState {
  const lower = value.toLowerCase();
  return (CONTAINER_STATES as readonly string[]).includes(lower) ? (lower as ContainerState) : "dead";
}

const EXIT_CODE = /^Exited \((-?\d+)\)/;

export function normaliseContainer(raw: z.infer<typeof containerSummarySchema>): ContainerRecord {
  const state = toState(raw.State);
  const status = raw.Status ?? "";
  const exit = state === "exited" ? EXIT_CODE.exec(status) : null;
  const mounts: MountRecord[] = (raw.Mounts ?? []).map((mount) => ({
    type: mount.Type ?? "",
    name: mount.Name ?? null,
    source: mount.Source ?? "",
    destination: mount.Destination ?? "",
  }));
  return {
    id: raw.Id,
    name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ""),
    image: raw.Image,
    imageId: raw.ImageID,
    state,
    status,
    exitCode: exit?.[1] !== undefined ? Number(exit[1]) : null,
    created: raw.Created,
    labels: raw.Labels,
    mounts,
    sizeRw: raw.SizeRw ?? null,
  };
}

export async function listImages(connection: DockerConnection): Promise<ImageRecord[]> {
  const raw = await connection.request("GET", "/images/json", { query: { all: 1 } });
  return parseResponse(z.array(imageSummarySchema), raw, "GET /images/json", connection.host).map(normaliseImage);
}

export async function listContainers(connection: DockerConnection, options: { size?: boolean } = {}): Promise<ContainerRecord[]> {
  const query: Query = options.size ? { all: 1, size: 1 } : { all: 1 };
  const raw = await connection.request("GET", "/containers/json", { query });
  return parseResponse(z.array(containerSummarySchema), raw, "GET /containers/json", connection.host).map(normaliseContainer);
}

const ENGINE_INFO_TTL_MS = 30_000;
const engineInfoCache = new WeakMap<DockerConnection, { at: number; info: EngineInfo }>();

/** Engine version, API version and storage facts; cached briefly since they change only when the daemon restarts. */
export async function readEngineInfo(connection: DockerConnection, options: { fresh?: boolean } = {}): Promise<EngineInfo> {
  const cached = engineInfoCache.get(connection);
  if (!options.fresh && cached && Date.now() - cached.at < ENGINE_INFO_TTL_MS) return cached.info;
  const [versionRaw, infoRaw] = await Promise.all([
    connection.request("GET", "/version"),
    connection.request("GET", "/info"),
  ]);
  const version = parseResponse(versionSchema, versionRaw, "GET /version", connection.host);
  const info = parseResponse(infoSchema, infoRaw, "GET /info", connection.host);
  const driverStatus = info.DriverStatus ?? [];
  const engine: EngineInfo = {
    host: connection.host,
    version: version.Version,
    apiVersion: version.ApiVersion,
    os: version.Os ?? "",
    arch: version.Arch ?? "",
    storageDriver: info.Driver ?? "",
    containerdImageStore: driverStatus.some(
      ([key, value]) => key === "driver-type" && value === "io.containerd.snapshotter.v1",
    ),
  };
  engineInfoCache.set(connection, { at: Date.now(), info: engine });
  return engine;
}

export async function readSnapshot(connection: DockerConnection): Promise<HostSnapshot> {
  const [engine, images, containers] = await Promise.all([
    readEngineInfo(connection),
    listImages(connection),
    listContainers(connection),
  ]);
  return { takenAt: new Date().toISOString(), engine, images, containers };
}

// Image IDs are content-addressed: an ID's layers never change, so they are cached for the life of the process.
const LAYER_CACHE_LIMIT = 50_000;
const layerCache = new Map<string, ImageLayers>();

async function readOneImageLayers(connection: DockerConnection, imageId: string): Promise<ImageLayers> {
  const name = assertImageName(imageId);
  const inspectCall = `GET /images/${name}/json`;
  const historyCall = `GET /images/${name}/history`;
  const [inspectRaw, historyRaw] = await Promise.all([
    connection.request("GET", `/images/${name}/json`),
    connection.request("GET", `/images/${name}/history`),
  ]);
  const inspect = parseResponse(inspectImageSchema, inspectRaw, inspectCall, connection.host);
  const history = parseResponse(historySchema, historyRaw, historyCall, connection.host);
  const diffIds = inspect.RootFS?.Layers ?? [];
  return { imageId, diffIds, layerSizes: layerSizesFromHistory(diffIds.length, history) };
}

/**
 * History lists steps newest first; steps that made a layer are the ones with a size, or "empty layer"
 * steps the daemon still counts. Aligns the last N sized steps with the N layers (base first).
 */
export function layerSizesFromHistory(layerCount: number, history: { Size: number; CreatedBy?: string | null }[]): number[] {
  const oldestFirst = [...history].reverse();
  const layerSteps = oldestFirst.filter((step) => !isEmptyLayerStep(step));
  const aligned = layerSteps.slice(Math.max(0, layerSteps.length - layerCount)).map((step) => step.Size);
  while (aligned.length < layerCount) aligned.unshift(0);
  return aligned;
}

function isEmptyLayerStep(step: { Size: number; CreatedBy?: string | null }): boolean {
  // The classic builder marks metadata-only steps with "#(nop)" and no size; COPY/ADD are "#(nop)" too but have a size.
  return step.Size === 0 && (step.CreatedBy ?? "").includes("#(nop)");
}

export async function readImageLayers(connection: DockerConnection, imageIds: readonly string[]): Promise<Map<string, ImageLayers>> {
  const result = new Map<string, ImageLayers>();
  const toLoad: string[] = [];
  for (const id of new Set(imageIds)) {
    const cached = layerCache.get(id);
    if (cached) result.set(id, cached);
    else toLoad.push(id);
  }
  // A few at a time: the daemon serialises much of this anyway, and a burst of hundreds helps nobody.
  const concurrency = 8;
  for (let index = 0; index < toLoad.length; index += concurrency) {
    const batch = toLoad.slice(index, index + concurrency);
    const loaded = await Promise.all(batch.map((id) => readOneImageLayers(connection, id)));
    for (const layers of loaded) {
      if (layerCache.size >= LAYER_CACHE_LIMIT) layerCache.clear();
      layerCache.set(layers.imageId, layers);
      result.set(layers.imageId, layers);
    }
  }
  return result;
}

const CONTAINER_SIZE_TTL_MS = 30_000;
const containerSizeCache = new WeakMap<DockerConnection, { at: number; sizes: Map<string, number> }>();

/** Writable-layer sizes of all containers (`size=1` is slow on real hosts): cached for a short while. */
export async function readContainerSizes(connection: DockerConnection, options: { fresh?: boolean } = {}): Promise<Map<string, number>> {
  const cached = containerSizeCache.get(connection);
  if (!options.fresh && cached && Date.now() - cached.at < CONTAINER_SIZE_TTL_MS) return cached.sizes;
  const containers = await listContainers(connection, { size: true });
  const sizes = new Map(containers.map((container) => [container.id, container.sizeRw ?? 0]));
  containerSizeCache.set(connection, { at: Date.now(), sizes });
  return sizes;
}

export async function ping(connection: DockerConnection): Promise<void> {
  await connection.request("GET", "/_ping");
}
