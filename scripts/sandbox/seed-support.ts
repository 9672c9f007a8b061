import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sandboxDirForHost } from "./daemon";
import { docker, runDocker } from "./docker-cli";
import { readHostState, type ManifestContainer, type ManifestImage, type ManifestScenario, type SeedManifest } from "./manifest";
import { pinFile, unpinAll } from "./pinned-files";

/*
 * Building blocks shared by the scenario seed and the random host: safety check, builds, labels,
 * special container states, reset, and turning what was seeded into a manifest.
 */

type Log = (line: string) => void;

export interface ResetOptions {
  allowNonSandbox?: boolean;
  log?: Log;
}

export function assertSandboxHost(dockerHost: string, allowNonSandbox = false): string | null {
  const dir = sandboxDirForHost(dockerHost);
  if (dir === null && !allowNonSandbox) {
    throw new Error(`${dockerHost} is not a dockgraph sandbox daemon (no sandbox.json beside its socket); refusing to change it.`);
  }
  return dir;
}

/** A working folder for build contexts: inside the sandbox when there is one. */
export function workDirFor(dockerHost: string): string {
  const dir = sandboxDirForHost(dockerHost);
  const work = dir !== null ? path.join(dir, "build") : fs.mkdtempSync(path.join(os.tmpdir(), "dockgraph-seed-"));
  fs.mkdirSync(work, { recursive: true });
  return work;
}

/** Builds with the classic builder (parent chains); returns the image ID. */
export async function buildImage(dockerHost: string, context: string, steps: readonly string[], tags: readonly string[] = []): Promise<string> {
  const out = await docker(dockerHost, ["build", "-q", "-f", "-", ...tags.flatMap((tag) => ["-t", tag]), context], {
    input: `${steps.join("\n")}\n`,
    env: { DOCKER_BUILDKIT: "0" },
  });
  const id = out.split("\n").pop() ?? "";
  if (!/^sha256:[0-9a-f]{64}$/.test(id)) throw new Error(`docker build printed no image ID: ${out}`);
  return id;
}

/** `docker run` that must end with `exitCode` (detached runs return at once with 0). */
export async function runToExit(dockerHost: string, args: readonly string[], exitCode = 0): Promise<string> {
  const result = await runDocker(dockerHost, ["run", ...args], { check: false });
  if (result.code !== exitCode) {
    throw new Error(`docker run ${args.join(" ")} exited ${result.code}, expected ${exitCode}: ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

export function dataStep(file: string, bytes: number): string {
  return `RUN head -c ${bytes} /dev/urandom > ${file}`;
}

export function composeLabels(project: string, service: string, options: { number?: number; oneoff?: boolean } = {}): string[] {
  const labels: Record<string, string> = {
    "com.docker.compose.project": project,
    "com.docker.compose.service": service,
    "com.docker.compose.container-number": String(options.number ?? 1),
    "com.docker.compose.oneoff": options.oneoff ? "True" : "False",
    "com.docker.compose.project.working_dir": `/srv/${project}`,
    "com.docker.compose.project.config_files": `/srv/${project}/compose.yaml`,
    "com.docker.compose.version": "2.24.6",
  };
  return Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
}

/** Creates a container and makes it dead: a pinned file in its writable layer makes `docker rm` fail half-way. */
export async function makeDeadContainer(dockerHost: string, image: string, name: string, extraArgs: readonly string[] = []): Promise<boolean> {
  const sandbox = sandboxDirForHost(dockerHost);
  if (sandbox === null) return false;
  const temporary = `${name}-dying`;
  await docker(dockerHost, ["run", "--name", temporary, ...extraArgs, image, "sh", "-c", "echo pinned > /.dockgraph-pin"]);
  const id = await docker(dockerHost, ["inspect", "-f", "{{.Id}}", temporary]);
  const dataRoot = path.join(sandbox, "data");
  let mountId: string;
  try {
    mountId = fs.readFileSync(path.join(dataRoot, "image", "overlay2", "layerdb", "mounts", id, "mount-id"), "utf8").trim();
  } catch {
    await runDocker(dockerHost, ["rm", temporary], { check: false });
    return false;
  }
  if (!pinFile(sandbox, path.join(dataRoot, "overlay2", mountId, "diff", ".dockgraph-pin"))) {
    await runDocker(dockerHost, ["rm", temporary], { check: false });
    return false;
  }
  const removal = await runDocker(dockerHost, ["rm", temporary], { check: false });
  if (removal.code === 0) return false;
  // The list endpoint keeps showing "removing" until the container is saved again; a rename saves it.
  await docker(dockerHost, ["rename", temporary, name]);
  return true;
}

/** Empties a sandbox host: every container (forced), image and volume. */
export async function resetHost(dockerHost: string, options: ResetOptions = {}): Promise<void> {
  const sandbox = assertSandboxHost(dockerHost, options.allowNonSandbox);
  const log = options.log ?? (() => undefined);
  if (sandbox !== null) unpinAll(sandbox);
  const paused = (await docker(dockerHost, ["ps", "-aq", "--no-trunc", "--filter", "status=paused"])).split("\n").filter(Boolean);
  if (paused.length > 0) await runDocker(dockerHost, ["unpause", ...paused], { check: false });
  const restarting = (await docker(dockerHost, ["ps", "-aq", "--no-trunc", "--filter", "status=restarting"])).split("\n").filter(Boolean);
  if (restarting.length > 0) await runDocker(dockerHost, ["update", "--restart", "no", ...restarting], { check: false });
  const containers = (await docker(dockerHost, ["ps", "-aq", "--no-trunc"])).split("\n").filter(Boolean);
  if (containers.length > 0) await runDocker(dockerHost, ["rm", "-f", "-v", ...containers], { check: false });
  await runDocker(dockerHost, ["image", "prune", "-a", "-f"], { check: false });
  // Prune leaves images it cannot see as unused (e.g. with children left by a failed step): remove leaves until none remain.
  for (let round = 0; round < 20; round += 1) {
    const images = (await docker(dockerHost, ["images", "-aq", "--no-trunc"])).split("\n").filter(Boolean);
    if (images.length === 0) break;
    await runDocker(dockerHost, ["rmi", "-f", ...new Set(images)], { check: false });
  }
  const volumes = (await docker(dockerHost, ["volume", "ls", "-q"])).split("\n").filter(Boolean);
  if (volumes.length > 0) await runDocker(dockerHost, ["volume", "rm", "-f", ...volumes], { check: false });
  const left = await readHostState(dockerHost);
  if (left.containers.size > 0 || left.images.size > 0) {
    throw new Error(`Reset left ${left.containers.size} containers and ${left.images.size} images on ${dockerHost}`);
  }
  if (sandbox !== null) fs.rmSync(path.join(sandbox, "seed-manifest.json"), { force: true });
  log(`reset: ${dockerHost} is empty`);
}

export interface ScenarioPlan {
  description: string;
  sources: string[];
  images: Record<string, string>;
  containers: string[];
}

/** Records image IDs that a scenario removed, with the tags they had. */
export interface Removed {
  id: string;
  tags: string[];
}

/** Waits until the container is in `state` (and, for a restarting one, has restarted `minRestarts` times). */
export async function waitForState(dockerHost: string, name: string, state: string, timeoutMs: number, minRestarts = 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [now, restarts] = (await docker(dockerHost, ["inspect", "-f", "{{.State.Status}} {{.RestartCount}}", name])).split(" ");
    if (now === state && Number(restarts) >= minRestarts) return;
    if (Date.now() > deadline) throw new Error(`Container ${name} did not reach state ${state} within ${timeoutMs} ms (is ${now})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads the host back and turns the scenario plans (roles → IDs, container names) into the manifest. */
export async function assembleManifest(
  dockerHost: string,
  kind: SeedManifest["kind"],
  seed: number | null,
  plans: Record<string, ScenarioPlan>,
  removed: readonly Removed[],
  started: number,
): Promise<SeedManifest> {
  const host = await readHostState(dockerHost, { sizes: true });
  const byName = new Map([...host.containers.values()].map((container) => [container.name, container]));
  const removedImages: ManifestImage[] = removed.map((entry) => ({
    id: entry.id,
    shortId: entry.id.replace(/^sha256:/, "").slice(0, 12),
    tags: [],
    parentId: null,
    size: null,
    removed: true,
    removedTags: entry.tags,
  }));
  const imageById = new Map<string, ManifestImage>([...host.images.values(), ...removedImages].map((image) => [image.id, image]));
  const scenarios: Record<string, ManifestScenario> = {};
  for (const [name, plan] of Object.entries(plans)) {
    const images: Record<string, ManifestImage> = {};
    for (const [role, id] of Object.entries(plan.images)) {
      const image = imageById.get(id);
      if (!image) throw new Error(`Scenario ${name}: image ${role} (${id}) is not on the host`);
      images[role] = image;
    }
    const containers: Record<string, ManifestContainer> = {};
    for (const containerName of plan.containers) {
      const container = byName.get(containerName);
      if (!container) throw new Error(`Scenario ${name}: container ${containerName} is not on the host`);
      containers[containerName] = container;
    }
    scenarios[name] = { description: plan.description, sources: plan.sources, images, containers };
  }
  const sortById = <T extends { id: string }>(items: T[]) => items.sort((a, b) => a.id.localeCompare(b.id));
  return {
    version: 1,
    kind,
    seed,
    dockerHost,
    seededAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    scenarios,
    images: sortById([...host.images.values(), ...removedImages]),
    containers: [...host.containers.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

