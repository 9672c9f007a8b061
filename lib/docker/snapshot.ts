import "server-only";
import { z } from "zod";
import type { DockerConnection, Query } from "@/lib/docker/client";
import type { ContainerRecord, ContainerState, EngineInfo, HostSnapshot, ImageLayers, ImageRecord, MountRecord } from "@/lib/docker/types";
import { CONTAINER_STATES } from "@/lib/docker/types";
import { assertContainerName, assertImageName } from "@/lib/docker/names";
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
  Parent: z.string().nullish(),
  Size: z.number().nullish(),
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
    // The list names a volume's folder only while it is mounted, inspect always: neither is the container's business.
    source: mount.Type === "volume" ? "" : (mount.Source ?? ""),
    destination: mount.Destination ?? "",
  }));
  // The daemon lists mounts from a map, in no fixed order.
  mounts.sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
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

const goTime = z.string().nullish();

const inspectContainerSchema = z.object({
  Id: z.string(),
  Created: z.string(),
  Name: z.string().nullish(),
  Image: z.string(),
  State: z.object({
    Status: z.string(),
    Running: z.boolean().nullish(),
    Paused: z.boolean().nullish(),
    Restarting: z.boolean().nullish(),
    Dead: z.boolean().nullish(),
    ExitCode: z.number().nullish(),
    StartedAt: goTime,
    FinishedAt: goTime,
    Health: z.object({ Status: z.string() }).nullish(),
  }),
  Config: z.object({ Image: z.string().nullish(), Labels: stringRecord }).nullish(),
  Mounts: containerSummarySchema.shape.Mounts,
});

const inspectImageRecordSchema = z.object({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  RepoDigests: z.array(z.string()).nullish(),
  Parent: z.string().nullish(),
  Created: z.string(),
  Size: z.number(),
  Config: z.object({ Labels: stringRecord }).nullish(),
});

/** Go's RFC 3339 time (nanoseconds, "0001-01-01T00:00:00Z" for none) → milliseconds, or null for the zero time. */
function goTimeMs(value: string | null | undefined): number | null {
  if (!value || value.startsWith("0001-01-01")) return null;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? null : ms;
}

/** docker/go-units HumanDuration, which the daemon's status strings use. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** The status string the container list shows, from inspect's State (moby's State.String()). */
function statusOf(state: z.infer<typeof inspectContainerSchema>["State"], now: number): string {
  const started = goTimeMs(state.StartedAt);
  const finished = goTimeMs(state.FinishedAt);
  const since = (ms: number | null) => humanDuration(Math.max(0, now - (ms ?? now)));
  if (state.Running) {
    if (state.Paused) return `Up ${since(started)} (Paused)`;
    if (state.Restarting) return `Restarting (${state.ExitCode ?? 0}) ${since(finished)} ago`;
    const health = state.Health?.Status;
    if (health && health !== "none") return `Up ${since(started)} (${health === "starting" ? "health: starting" : health})`;
    return `Up ${since(started)}`;
  }
  if (state.Status === "removing") return "Removal In Progress";
  if (state.Dead) return "Dead";
  if (started === null) return "Created";
  if (finished === null) return "";
  return `Exited (${state.ExitCode ?? 0}) ${since(finished)} ago`;
}

/**
 * A container's inspect answer as the record the list gives, plus `configImage` (the reference it was created
 * with): the list shows that reference only while it still names the container's image, else the image ID, so the
 * model derives `image` itself (`record.image` here is the reference as created).
 */
export function containerFromInspect(raw: unknown, now: number = Date.now()): { record: ContainerRecord; configImage: string } {
  return containerFromParsed(inspectContainerSchema.parse(raw), now);
}

function containerFromParsed(value: z.infer<typeof inspectContainerSchema>, now: number): { record: ContainerRecord; configImage: string } {
  const configImage = value.Config?.Image ? value.Config.Image : value.Image;
  const record = normaliseContainer({
    Id: value.Id,
    Names: value.Name ? [value.Name] : null,
    Image: configImage,
    ImageID: value.Image,
    State: value.State.Status,
    Status: statusOf(value.State, now),
    Created: Math.floor((goTimeMs(value.Created) ?? 0) / 1000),
    Labels: value.Config?.Labels ?? {},
    SizeRw: null,
    Mounts: value.Mounts,
  });
  return { record, configImage };
}

export function imageFromInspect(raw: unknown): ImageRecord {
  return imageFromParsed(inspectImageRecordSchema.parse(raw));
}

function imageFromParsed(value: z.infer<typeof inspectImageRecordSchema>): ImageRecord {
  return normaliseImage({
    Id: value.Id,
    ParentId: value.Parent,
    RepoTags: value.RepoTags,
    RepoDigests: value.RepoDigests,
    Created: Math.floor((goTimeMs(value.Created) ?? 0) / 1000),
    Size: value.Size,
    SharedSize: null,
    Labels: value.Config?.Labels ?? {},
  });
}

/** One container, read again (an event named it); null when it is gone. */
export async function inspectContainer(connection: DockerConnection, containerId: string): Promise<{ record: ContainerRecord; configImage: string } | null> {
  const name = assertContainerName(containerId);
  try {
    const raw = await connection.request("GET", `/containers/${name}/json`);
    return containerFromParsed(parseResponse(inspectContainerSchema, raw, `GET /containers/${name}/json`, connection.host), Date.now());
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

/** One image, by ID or reference, read again (an event named it); null when it is gone. */
export async function inspectImage(connection: DockerConnection, imageName: string): Promise<ImageRecord | null> {
  const name = assertImageName(imageName);
  try {
    const raw = await connection.request("GET", `/images/${name}/json`);
    return imageFromParsed(parseResponse(inspectImageRecordSchema, raw, `GET /images/${name}/json`, connection.host));
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

/** One entry of the container list, as a record (recorded answers in tests). */
export function containerFromListEntry(raw: unknown): ContainerRecord {
  return normaliseContainer(containerSummarySchema.parse(raw));
}

export function imageFromListEntry(raw: unknown): ImageRecord {
  return normaliseImage(imageSummarySchema.parse(raw));
}

export async function listImages(connection: DockerConnection): Promise<ImageRecord[]> {
  const raw = await connection.request("GET", "/images/json", { query: { all: 1 } });
  return parseResponse(z.array(imageSummarySchema), raw, "GET /images/json", connection.host).map(normaliseImage);
}

export async function listContainers(
  connection: DockerConnection,
  options: { size?: boolean; ancestorImageId?: string; ids?: readonly string[] } = {},
): Promise<ContainerRecord[]> {
  const query: Query = options.size ? { all: 1, size: 1 } : { all: 1 };
  // Containers created from this image or from any image built on it (the daemon's "ancestor" filter).
  if (options.ancestorImageId !== undefined) query.filters = JSON.stringify({ ancestor: [assertImageName(options.ancestorImageId)] });
  if (options.ids !== undefined) query.filters = JSON.stringify({ id: options.ids.map((id) => assertContainerName(id)) });
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
    ...(connection.context !== null ? { context: connection.context } : {}),
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

/** One step of `GET /images/{id}/history`. */
export interface HistoryStep {
  Size: number;
  CreatedBy?: string | null;
}

/** What an image's layer sizes are derived from: inspect (RootFS, Size, Parent) and history. */
export interface ImageLayerFacts {
  imageId: string;
  parentId: string | null;
  /** Total bytes of the image's layers, or null when the daemon did not say. */
  size: number | null;
  diffIds: string[];
  /** Oldest first. */
  history: HistoryStep[];
}

/** A computed entry: the layers, plus what a child needs to derive its own sizes from them. */
interface LayerEntry {
  layers: ImageLayers;
  size: number;
  historyLength: number;
}

// Image IDs are content-addressed: an ID's layers never change, so they are cached for the life of the process.
const LAYER_CACHE_LIMIT = 50_000;
const layerCache = new Map<string, LayerEntry>();

/** The facts of one image, or null when it is gone (removed since the list was read). */
async function readImageLayerFacts(connection: DockerConnection, imageId: string): Promise<ImageLayerFacts | null> {
  const name = assertImageName(imageId);
  const inspectCall = `GET /images/${name}/json`;
  const historyCall = `GET /images/${name}/history`;
  let inspectRaw: unknown;
  let historyRaw: unknown;
  try {
    [inspectRaw, historyRaw] = await Promise.all([
      connection.request("GET", `/images/${name}/json`),
      connection.request("GET", `/images/${name}/history`),
    ]);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
  const inspect = parseResponse(inspectImageSchema, inspectRaw, inspectCall, connection.host);
  const history = parseResponse(historySchema, historyRaw, historyCall, connection.host);
  return {
    imageId,
    parentId: inspect.Parent ? inspect.Parent : null,
    size: inspect.Size ?? null,
    diffIds: inspect.RootFS?.Layers ?? [],
    history: [...history].reverse(),
  };
}

/**
 * Bytes each layer adds, aligned with diffIds. The history API does not say which steps made a layer
 * (the image config's `empty_layer` flag is not exposed), and a step of size 0 may or may not be one:
 * an unchanged `docker commit` or `RUN true` makes none, a `RUN rm …` or a WORKDIR that creates a
 * folder makes a layer of 0 bytes. So where the parent image is known, the sizes come from it exactly:
 * the parent's layers are a prefix of the child's, and the child adds `size − parent size` bytes.
 * History is only the fallback for images without a local parent (pulled, loaded, the first build step).
 */
export function layerSizesOf(image: ImageLayerFacts, parent: { diffIds: readonly string[]; layerSizes: readonly number[]; size: number; historyLength: number } | null): number[] {
  if (parent !== null && image.size !== null && startsWith(image.diffIds, parent.diffIds) && image.history.length >= parent.historyLength) {
    const extra = image.diffIds.length - parent.diffIds.length;
    const added = image.size - parent.size;
    if (extra === 0 && added === 0) return [...parent.layerSizes];
    if (extra === 1 && added >= 0) return [...parent.layerSizes, added];
    if (extra > 1) {
      // The child's history is the parent's plus its own steps (builder and commit both append).
      const own = layerSizesFromHistory(extra, image.history.slice(parent.historyLength));
      if (own.reduce((total, bytes) => total + bytes, 0) === added) return [...parent.layerSizes, ...own];
    }
  }
  return layerSizesFromHistory(image.diffIds.length, image.history);
}

function startsWith(values: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= values.length && prefix.every((value, index) => values[index] === value);
}

/**
 * Aligns history steps (oldest first) with `layerCount` layers. Steps with a size made a layer; of the
 * 0-byte steps, as many as layers remain unaccounted for are taken as 0-byte layers, most likely first:
 * commands that ran (a RUN that deleted files or made folders), then WORKDIR/COPY/ADD, then metadata
 * steps (ENV, CMD, …), which almost never make a layer. Which 0-byte steps are taken changes nothing
 * but the position of 0s, and only for images without a local parent.
 */
export function layerSizesFromHistory(layerCount: number, history: readonly HistoryStep[]): number[] {
  const sized = history.flatMap((step, position) => (step.Size > 0 ? [position] : []));
  if (sized.length >= layerCount) return sized.slice(sized.length - layerCount).map((position) => history[position]?.Size ?? 0);
  const zeroSteps = history
    .flatMap((step, position) => (step.Size > 0 ? [] : [{ position, likelihood: zeroLayerLikelihood(step) }]))
    .sort((a, b) => a.likelihood - b.likelihood || a.position - b.position)
    .slice(0, layerCount - sized.length)
    .map((step) => step.position);
  const aligned = [...sized, ...zeroSteps].sort((a, b) => a - b).map((position) => history[position]?.Size ?? 0);
  // Fewer steps than layers (history cut short, e.g. by `docker import`): the missing ones are the oldest.
  while (aligned.length < layerCount) aligned.unshift(0);
  return aligned;
}

function zeroLayerLikelihood(step: HistoryStep): number {
  const createdBy = step.CreatedBy ?? "";
  if (!createdBy.includes("#(nop)")) return 0;
  return /#\(nop\)\s+(WORKDIR|COPY|ADD)\b/.test(createdBy) ? 1 : 2;
}

/** Each image's layers with their sizes; images removed meanwhile are left out. Cached per image ID. */
export async function readImageLayers(connection: DockerConnection, imageIds: readonly string[]): Promise<Map<string, ImageLayers>> {
  const wanted = [...new Set(imageIds)];
  const facts = new Map<string, ImageLayerFacts | null>();
  let toLoad = wanted.filter((id) => !layerCache.has(id));
  // A few at a time: the daemon serialises much of this anyway, and a burst of hundreds helps nobody.
  const concurrency = 8;
  while (toLoad.length > 0) {
    for (let index = 0; index < toLoad.length; index += concurrency) {
      const batch = toLoad.slice(index, index + concurrency);
      const loaded = await Promise.all(batch.map((id) => readImageLayerFacts(connection, id)));
      batch.forEach((id, position) => facts.set(id, loaded[position] ?? null));
    }
    // Parents give exact sizes: load those that were not asked for (rare: callers usually ask for every image).
    toLoad = [
      ...new Set(
        [...facts.values()].flatMap((fact) =>
          fact?.parentId && !layerCache.has(fact.parentId) && !facts.has(fact.parentId) ? [fact.parentId] : [],
        ),
      ),
    ];
  }

  const entryOf = (id: string): LayerEntry | null => {
    const cached = layerCache.get(id);
    if (cached) return cached;
    const fact = facts.get(id);
    if (!fact) return null;
    const parent = fact.parentId !== null ? entryOf(fact.parentId) : null;
    const layerSizes = layerSizesOf(
      fact,
      parent && { diffIds: parent.layers.diffIds, layerSizes: parent.layers.layerSizes, size: parent.size, historyLength: parent.historyLength },
    );
    const entry: LayerEntry = {
      layers: { imageId: id, diffIds: fact.diffIds, layerSizes },
      size: fact.size ?? layerSizes.reduce((total, bytes) => total + bytes, 0),
      historyLength: fact.history.length,
    };
    if (layerCache.size >= LAYER_CACHE_LIMIT) layerCache.clear();
    layerCache.set(id, entry);
    return entry;
  };

  const result = new Map<string, ImageLayers>();
  for (const id of wanted) {
    const entry = entryOf(id);
    if (entry) result.set(id, entry.layers);
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
