/**
 * What dockgraph reads from one Docker host, normalised from the Engine API.
 * Plain data (JSON-serialisable) so that snapshots can be recorded as fixtures
 * and fed to the pure modules (lib/graph, lib/cleanup) in unit tests.
 */

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export const CONTAINER_STATES: readonly ContainerState[] = [
  "created",
  "running",
  "paused",
  "restarting",
  "removing",
  "exited",
  "dead",
];

export interface EngineInfo {
  /** The daemon address dockgraph talks to, e.g. "unix:///var/run/docker.sock". */
  host: string;
  /** The Docker CLI context the host came from (DOCKER_CONTEXT or the CLI's current context); absent without one. */
  context?: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  storageDriver: string;
  /** Engine with the containerd image store: no parent chains, different size accounting. */
  containerdImageStore: boolean;
}

export interface ImageRecord {
  /** "sha256:<64 hex>" */
  id: string;
  /** Tags as "repo:tag"; never the "<none>:<none>" placeholder. */
  repoTags: string[];
  /** Digest references as "repo@sha256:…"; never "<none>@<none>". */
  repoDigests: string[];
  /** "sha256:<64 hex>" of the parent (classic builder, commit, load), else null. */
  parentId: string | null;
  /** Unix seconds. */
  created: number;
  /** Total size of the image's layers in bytes. */
  size: number;
  /** Bytes shared with other images, when the daemon reports it (API ≥ 1.42 or /system/df); else null. */
  sharedSize: number | null;
  labels: Record<string, string>;
}

export interface MountRecord {
  type: string;
  /** Volume name (for volumes); anonymous volumes have a 64-hex name. */
  name: string | null;
  source: string;
  destination: string;
}

export interface ContainerRecord {
  /** 64 hex, no prefix. */
  id: string;
  /** Without the leading slash. */
  name: string;
  /** The image as the daemon reports it: the reference used at create time, or a bare ID once that image is gone. */
  image: string;
  /** "sha256:<64 hex>" */
  imageId: string;
  state: ContainerState;
  /** Human status, e.g. "Exited (3) 2 hours ago". */
  status: string;
  /** Exit code parsed from the status of an exited container, else null. */
  exitCode: number | null;
  /** Unix seconds. */
  created: number;
  labels: Record<string, string>;
  mounts: MountRecord[];
  /** Writable-layer size in bytes, only when sizes were loaded (slow); else null. */
  sizeRw: number | null;
}

export interface HostSnapshot {
  /** ISO time at which the lists were read. */
  takenAt: string;
  engine: EngineInfo;
  images: ImageRecord[];
  containers: ContainerRecord[];
}

/** One image's layers, from inspect (RootFS) and history: immutable for an image ID, so cached forever. */
export interface ImageLayers {
  imageId: string;
  /** Uncompressed layer digests, base first. */
  diffIds: string[];
  /** Bytes each layer adds, aligned with diffIds. */
  layerSizes: number[];
}
