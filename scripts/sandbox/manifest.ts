import fs from "node:fs";
import path from "node:path";
import { engineRequest } from "./engine-api";

/*
 * The seed manifest: what a seed put on the host, read back from the daemon after seeding, so that
 * tests can name things by role ("the paused container", "the grandchild image") instead of by ID.
 * Plain JSON; written to <sandbox dir>/seed-manifest.json, always whole (a temporary file renamed over it). While a
 * seed runs, the file says so (unfinished): a seed cut off half-way leaves a manifest that matches no host, so the
 * next reader reseeds instead of finding no manifest at all.
 */

export type SeededState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ManifestImage {
  /** "sha256:<64 hex>" */
  id: string;
  /** 12 hex, as `docker images` shows it. */
  shortId: string;
  /** Tags ("repo:tag") on the host now; empty for dangling and intermediate images. */
  tags: string[];
  /** "sha256:<64 hex>" or null. */
  parentId: string | null;
  /** Bytes, as `GET /images/json` reports; null for a removed image. */
  size: number | null;
  /** True for an image the seed force-removed (`docker rmi -f`) while a stopped container still uses it. */
  removed: boolean;
  /** The tags a removed image had before it was removed. */
  removedTags?: string[];
}

export interface ManifestMount {
  type: string;
  name: string | null;
  destination: string;
}

export interface ManifestContainer {
  /** 64 hex. */
  id: string;
  shortId: string;
  /** Without the leading slash. */
  name: string;
  /** The image as the daemon lists it: the reference used at create time, or a bare ID once that image is gone. */
  image: string;
  /** "sha256:<64 hex>" */
  imageId: string;
  state: SeededState;
  /** Exit code of an exited (or dead) container, else null. */
  exitCode: number | null;
  labels: Record<string, string>;
  mounts: ManifestMount[];
  /** Writable-layer bytes. */
  sizeRw: number | null;
}

export interface ManifestScenario {
  description: string;
  /** The seed documents (shared/seeds) the scenario reproduces. */
  sources: string[];
  /** By role, e.g. "image", "parent", "child", "grandchild", "dangling1". */
  images: Record<string, ManifestImage>;
  /** By container name. */
  containers: Record<string, ManifestContainer>;
}

export interface SeedManifest {
  version: 1;
  kind: "scenarios" | "random";
  /** The PRNG seed of a random host, else null. */
  seed: number | null;
  dockerHost: string;
  seededAt: string;
  durationMs: number;
  scenarios: Record<string, ManifestScenario>;
  /** Every image on the host after seeding (intermediate ones included), plus removed ones (removed: true). */
  images: ManifestImage[];
  /** Every container on the host after seeding. */
  containers: ManifestContainer[];
  /** Written when a seed began emptying the host: that seed has not finished (or was cut off), so nothing is seeded. */
  unfinished?: true;
}

interface RawImage {
  Id: string;
  ParentId?: string;
  RepoTags?: string[] | null;
  Size?: number;
}

interface RawContainer {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID: string;
  State: string;
  Status?: string;
  Labels?: Record<string, string> | null;
  Mounts?: { Type?: string; Name?: string; Destination?: string }[] | null;
  SizeRw?: number;
}

export interface HostState {
  images: Map<string, ManifestImage>;
  containers: Map<string, ManifestContainer>;
}

export function socketPathOf(dockerHost: string): string {
  if (!dockerHost.startsWith("unix://")) throw new Error(`Seeding reads the host through a unix socket; got DOCKER_HOST=${dockerHost}`);
  return dockerHost.slice("unix://".length);
}

function shortOf(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

function exitCodeOf(state: string, status: string): number | null {
  if (state !== "exited" && state !== "dead") return null;
  const match = /^Exited \((-?\d+)\)/.exec(status);
  return match ? Number(match[1]) : null;
}

/** Reads every image and container of the host (with writable-layer sizes: fine on a small sandbox). */
export async function readHostState(dockerHost: string, options: { sizes?: boolean } = {}): Promise<HostState> {
  const socket = socketPathOf(dockerHost);
  const [imagesResponse, containersResponse] = await Promise.all([
    engineRequest(socket, "GET", "/images/json?all=1"),
    engineRequest(socket, "GET", `/containers/json?all=1${options.sizes ? "&size=1" : ""}`, { timeoutMs: 60_000 }),
  ]);
  if (imagesResponse.status !== 200 || containersResponse.status !== 200) {
    throw new Error(`Reading the host failed: images ${imagesResponse.status}, containers ${containersResponse.status}`);
  }
  const images = new Map<string, ManifestImage>();
  for (const raw of imagesResponse.body as RawImage[]) {
    images.set(raw.Id, {
      id: raw.Id,
      shortId: shortOf(raw.Id),
      tags: (raw.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>").sort(),
      parentId: raw.ParentId ? raw.ParentId : null,
      size: raw.Size ?? null,
      removed: false,
    });
  }
  const containers = new Map<string, ManifestContainer>();
  for (const raw of containersResponse.body as RawContainer[]) {
    const status = raw.Status ?? "";
    containers.set(raw.Id, {
      id: raw.Id,
      shortId: raw.Id.slice(0, 12),
      name: (raw.Names?.[0] ?? "").replace(/^\//, ""),
      image: raw.Image,
      imageId: raw.ImageID,
      state: raw.State as SeededState,
      exitCode: exitCodeOf(raw.State, status),
      labels: raw.Labels ?? {},
      mounts: (raw.Mounts ?? []).map((mount) => ({ type: mount.Type ?? "", name: mount.Name ? mount.Name : null, destination: mount.Destination ?? "" })),
      sizeRw: raw.SizeRw ?? (options.sizes ? 0 : null),
    });
  }
  return { images, containers };
}

/** Differences between a manifest and the host now; empty when the host is exactly as seeded. */
export async function compareWithHost(dockerHost: string, manifest: SeedManifest): Promise<string[]> {
  if (manifest.unfinished) return [`the seed that began at ${manifest.seededAt} did not finish`];
  const host = await readHostState(dockerHost);
  const problems: string[] = [];
  for (const image of manifest.images) {
    const now = host.images.get(image.id);
    if (image.removed) {
      if (now) problems.push(`image ${image.shortId} should be absent (force-removed) but exists`);
    } else if (!now) {
      problems.push(`image ${image.shortId} (${image.tags.join(", ") || "untagged"}) is gone`);
    } else if (now.tags.join(",") !== image.tags.join(",")) {
      problems.push(`image ${image.shortId} has tags [${now.tags.join(", ")}], expected [${image.tags.join(", ")}]`);
    }
  }
  const presentImages = manifest.images.filter((image) => !image.removed).length;
  if (host.images.size !== presentImages) problems.push(`host has ${host.images.size} images, manifest ${presentImages}`);
  for (const container of manifest.containers) {
    const now = host.containers.get(container.id);
    if (!now) problems.push(`container ${container.name} is gone`);
    else if (now.state !== container.state) problems.push(`container ${container.name} is ${now.state}, expected ${container.state}`);
  }
  if (host.containers.size !== manifest.containers.length) {
    problems.push(`host has ${host.containers.size} containers, manifest ${manifest.containers.length}`);
  }
  return problems;
}

/** Differences between the manifest (if any) and the host; a missing manifest is one difference, like a changed host. */
export async function manifestDifferences(dockerHost: string, manifest: SeedManifest | null): Promise<string[]> {
  return manifest === null ? ["no seed manifest"] : compareWithHost(dockerHost, manifest);
}

export function readManifest(file: string): SeedManifest | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as SeedManifest;
  } catch {
    return null;
  }
}

/** Replaces the file in one step: a reader sees the old manifest or the new one, never a part. */
export function writeManifest(file: string, manifest: SeedManifest): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Marks the host as being seeded: until the seed writes its manifest, every comparison reports a difference. */
export function markSeedUnfinished(file: string, dockerHost: string, kind: SeedManifest["kind"], seed: number | null): void {
  writeManifest(file, {
    version: 1,
    kind,
    seed,
    dockerHost,
    seededAt: new Date().toISOString(),
    durationMs: 0,
    scenarios: {},
    images: [],
    containers: [],
    unfinished: true,
  });
}
