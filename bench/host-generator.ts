/**
 * Fills a sandbox daemon fast with a host of the shape in bench/host-shape.ts.
 *
 * Images: one docker-save tarball built here (manifest.json with Config, RepoTags, Layers and Parent), loaded by
 * one `POST /images/load`: a shared base layer holding a static busybox, then one tiny layer per image with a
 * file of its own size; a child image's layers and history are its parent's plus one, as the daemon's loader
 * checks before it records the parent. Containers: created through the Engine API with bounded concurrency,
 * then the exits of the exited ones recorded (or, with realExits, each one run), the running ones started and the
 * paused ones paused. `npm run bench -- --only generate --size S --keep` fills a sandbox and leaves it running.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { findStaticBusybox } from "@/scripts/sandbox/build-context";
import { sandboxPaths, startSandbox, stopSandbox } from "@/scripts/sandbox/daemon";
import { engineRequest } from "@/scripts/sandbox/engine-api";
import { planHost, type HostPlan, type HostSize, type PlannedImage } from "./host-shape";
import { sha256, tarArchive, type TarEntry } from "./tar-writer";

export interface GeneratedHost {
  plan: HostPlan;
  /** Image IDs (sha256:…) by planned index. */
  imageIds: string[];
  /** Container IDs by planned index. */
  containerIds: string[];
  /** The reference a container of each image names: its first tag, else its ID. */
  references: string[];
  timings: { loadMs: number; createMs: number; startMs: number; totalMs: number };
}

type Log = (line: string) => void;

const CREATED_AT = "2026-01-01T00:00:00Z";
const BASE_HISTORY = { created: CREATED_AT, created_by: "COPY busybox /bin/busybox # dockgraph bench base" };

interface LayerFile {
  diffId: string;
  path: string;
  tar: Buffer;
}

function layerFile(entries: TarEntry[]): LayerFile {
  const tar = tarArchive(entries);
  const diffId = `sha256:${sha256(tar)}`;
  return { diffId, path: `${diffId.slice(7)}/layer.tar`, tar };
}

function baseLayer(): LayerFile {
  const busybox = fs.readFileSync(findStaticBusybox());
  const links = ["sh", "sleep", "true", "cat", "echo"].map((name): TarEntry => ({ name: `bin/${name}`, type: "symlink", linkName: "busybox" }));
  return layerFile([
    { name: "bin/", type: "directory" },
    { name: "bin/busybox", type: "file", content: busybox, mode: 0o755 },
    ...links,
    { name: "tmp/", type: "directory", mode: 0o1777 },
    { name: "etc/", type: "directory" },
  ]);
}

function ownLayer(image: PlannedImage): LayerFile {
  const content = Buffer.alloc(image.fileBytes, `image ${image.index}\n`);
  return layerFile([
    { name: "bench/", type: "directory" },
    { name: `bench/image-${image.index}`, type: "file", content },
  ]);
}

/** The docker-save tarball of every planned image, and their IDs (sha256 of each config, as the daemon computes). */
export function imageTarball(plan: HostPlan): { tarball: Buffer; imageIds: string[] } {
  const base = baseLayer();
  const files: TarEntry[] = [{ name: `${base.diffId.slice(7)}/`, type: "directory" }, { name: base.path, type: "file", content: base.tar }];
  const layers: LayerFile[][] = [];
  const histories: object[][] = [];
  const imageIds: string[] = [];
  const manifest: { Config: string; RepoTags: string[]; Layers: string[]; Parent?: string }[] = [];
  for (const image of plan.images) {
    const own = ownLayer(image);
    files.push({ name: `${own.diffId.slice(7)}/`, type: "directory" }, { name: own.path, type: "file", content: own.tar });
    const parentLayers = image.parent === null ? [base] : (layers[image.parent] as LayerFile[]);
    const parentHistory = image.parent === null ? [BASE_HISTORY] : (histories[image.parent] as object[]);
    const imageLayers = [...parentLayers, own];
    const history = [...parentHistory, { created: CREATED_AT, created_by: `ADD image-${image.index} /bench/ # dockgraph bench` }];
    layers.push(imageLayers);
    histories.push(history);
    const config = JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: CREATED_AT,
      config: { Env: ["PATH=/bin"], Cmd: ["sh"], Labels: { "dockgraph.bench": "1" } },
      rootfs: { type: "layers", diff_ids: imageLayers.map((layer) => layer.diffId) },
      history,
    });
    const imageId = `sha256:${sha256(config)}`;
    imageIds.push(imageId);
    files.push({ name: `${imageId.slice(7)}.json`, type: "file", content: Buffer.from(config) });
    const parentId = image.parent === null ? undefined : imageIds[image.parent];
    manifest.push({ Config: `${imageId.slice(7)}.json`, RepoTags: image.tags, Layers: imageLayers.map((layer) => layer.path), ...(parentId ? { Parent: parentId } : {}) });
  }
  files.push({ name: "manifest.json", type: "file", content: Buffer.from(JSON.stringify(manifest)) });
  return { tarball: tarArchive(files), imageIds };
}

/** `POST /images/load` with a tarball body; fails on any error line of the progress stream. */
function loadImages(socketPath: string, tarball: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath,
        method: "POST",
        path: "/images/load?quiet=1",
        headers: { "content-type": "application/x-tar", "content-length": tarball.length },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((response.statusCode ?? 0) !== 200 || text.includes('"errorDetail"') || text.includes('"error"')) {
            reject(new Error(`docker load failed (${response.statusCode}): ${text.slice(0, 2_000)}`));
          } else resolve();
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("docker load timed out")));
    request.on("error", reject);
    request.end(tarball);
  });
}

/** Runs `run` over 0…count-1 with at most `limit` in flight. */
export async function boundedParallel(count: number, limit: number, run: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await run(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

async function post(socketPath: string, requestPath: string, body: unknown = {}, timeoutMs = 120_000): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await engineRequest(socketPath, "POST", requestPath, { body, timeoutMs });
    if (response.status < 300 || response.status === 304) return response.body;
    // A loaded daemon sometimes answers 500 to a start it then performs; retry a few times before giving up.
    if (attempt >= 2 || response.status < 500) throw new Error(`POST ${requestPath}: ${response.status} ${response.text.trim()}`);
  }
}

function containerCommand(state: string, exitCode: number): string[] {
  if (state === "exited") return ["sh", "-c", `exit ${exitCode}`];
  return ["sleep", "2147483647"];
}

export interface GenerateOptions {
  /** The sandbox folder of the daemon behind the socket (it is restarted once, see realExits). */
  sandboxDir: string;
  seed?: number;
  /** Start every exited container for real instead of writing its exit into its record. */
  realExits?: boolean;
  log?: Log;
}

export async function generateHost(socketPath: string, size: HostSize, options: GenerateOptions): Promise<GeneratedHost> {
  const log = options.log ?? (() => undefined);
  const plan = planHost(size, options.seed);
  const started = performance.now();
  const { tarball, imageIds } = imageTarball(plan);
  log(`generator: loading ${plan.images.length} images (${(tarball.length / 1024 / 1024).toFixed(1)} MiB tarball)`);
  await loadImages(socketPath, tarball, 30 * 60_000);
  const loaded = performance.now();
  const references = plan.images.map((image) => image.tags[0] ?? (imageIds[image.index] as string));

  log(`generator: creating ${plan.containers.length} containers`);
  const containerIds: string[] = new Array<string>(plan.containers.length).fill("");
  await boundedParallel(plan.containers.length, 24, async (index) => {
    const container = plan.containers[index];
    if (!container) return;
    const created = (await post(socketPath, `/containers/create?name=${container.name}`, {
      Image: references[container.image],
      Cmd: containerCommand(container.state, container.exitCode),
      Labels: container.labels,
      HostConfig: { NetworkMode: "none" },
    })) as { Id: string };
    containerIds[index] = created.Id;
  });
  const createdAt = performance.now();

  const exited = plan.containers.filter((container) => container.state === "exited");
  if (options.realExits) {
    log(`generator: running ${exited.length} containers to their exit`);
    await boundedParallel(exited.length, 12, async (index) => {
      const id = containerIds[exited[index]?.index ?? -1];
      await post(socketPath, `/containers/${id}/start`);
      await post(socketPath, `/containers/${id}/wait?condition=not-running`);
    });
  } else {
    // A real start costs about a third of a second per container on a small machine (an hour at L): write the
    // exit into each container's record while the daemon is stopped, as dockerd itself does when one exits.
    log(`generator: recording the exit of ${exited.length} containers (daemon restarted)`);
    await stopSandbox({ dir: options.sandboxDir });
    const now = Date.now();
    for (const container of exited) {
      const file = path.join(sandboxPaths(options.sandboxDir).dataRoot, "containers", containerIds[container.index] as string, "config.v2.json");
      const record = JSON.parse(fs.readFileSync(file, "utf8")) as { State: Record<string, unknown> };
      const finished = now - (container.index % 5_000) * 1_000;
      record.State = { ...record.State, Running: false, ExitCode: container.exitCode, StartedAt: new Date(finished - 1_000).toISOString(), FinishedAt: new Date(finished).toISOString() };
      fs.writeFileSync(file, JSON.stringify(record));
    }
    await startSandbox({ dir: options.sandboxDir });
  }
  const live = plan.containers.filter((container) => container.state === "running" || container.state === "paused");
  log(`generator: starting ${live.length} long-running containers`);
  await boundedParallel(live.length, 12, async (index) => {
    const container = live[index];
    if (!container) return;
    const id = containerIds[container.index];
    await post(socketPath, `/containers/${id}/start`);
    if (container.state === "paused") await post(socketPath, `/containers/${id}/pause`);
  });
  const done = performance.now();
  return {
    plan,
    imageIds,
    containerIds,
    references,
    timings: { loadMs: loaded - started, createMs: createdAt - loaded, startMs: done - createdAt, totalMs: done - started },
  };
}

/** What the daemon holds now, by the counts the shape promises. */
export async function hostCounts(socketPath: string): Promise<{ images: number; withParent: number; states: Record<string, number> }> {
  const images = (await engineRequest(socketPath, "GET", "/images/json?all=1", { timeoutMs: 120_000 })).body as { ParentId?: string }[];
  const containers = (await engineRequest(socketPath, "GET", "/containers/json?all=1", { timeoutMs: 120_000 })).body as { State: string }[];
  const states: Record<string, number> = {};
  for (const container of containers) states[container.State] = (states[container.State] ?? 0) + 1;
  return { images: images.length, withParent: images.filter((image) => (image.ParentId ?? "") !== "").length, states };
}

/** Throws unless the daemon holds exactly the planned host (counts of images, parents and container states). */
export async function assertGenerated(socketPath: string, plan: HostPlan): Promise<void> {
  const counts = await hostCounts(socketPath);
  const planned: Record<string, number> = {};
  for (const container of plan.containers) planned[container.state] = (planned[container.state] ?? 0) + 1;
  const withParent = plan.images.filter((image) => image.parent !== null).length;
  const same = counts.images === plan.images.length && counts.withParent === withParent && JSON.stringify(Object.entries(counts.states).sort()) === JSON.stringify(Object.entries(planned).sort());
  if (!same) {
    throw new Error(`the generated host differs from its plan: daemon ${JSON.stringify(counts)}, plan ${JSON.stringify({ images: plan.images.length, withParent, states: planned })}`);
  }
}

/**
 * Kills the live containers a few at a time (unpausing the paused ones first): hundreds of kills at once, as a
 * sandbox stop sends them, time out on a small machine.
 */
export async function killLiveContainers(socketPath: string): Promise<void> {
  const containers = (await engineRequest(socketPath, "GET", "/containers/json?all=1", { timeoutMs: 120_000 })).body as { Id: string; State: string }[];
  const live = containers.filter((container) => container.State === "running" || container.State === "paused");
  await boundedParallel(live.length, 16, async (index) => {
    const container = live[index];
    if (!container) return;
    if (container.State === "paused") await engineRequest(socketPath, "POST", `/containers/${container.Id}/unpause`, { timeoutMs: 60_000 }).catch(() => undefined);
    await engineRequest(socketPath, "POST", `/containers/${container.Id}/kill`, { timeoutMs: 60_000 }).catch(() => undefined);
  });
}
