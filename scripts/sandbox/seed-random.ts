import fs from "node:fs";
import path from "node:path";
import { BASE_STEPS, LONG_RUNNING, prepareBuildContext } from "./build-context";
import { docker, runDocker } from "./docker-cli";
import { createRandom } from "./random";
import { markSeedUnfinished, writeManifest, type SeedManifest } from "./manifest";
import {
  assembleManifest,
  assertSandboxHost,
  buildImage,
  composeLabels,
  makeDeadContainer,
  resetHost,
  waitForState,
  workDirFor,
  type Removed,
  type ScenarioPlan,
} from "./seed-support";

/*
 * A random but reproducible host: the same seed gives the same structure (tags, parent chains,
 * dangling images, container names and states, layer sizes); only IDs and times differ between runs.
 * Images are made with `docker create` + `docker cp` + `docker commit` (no process runs), so a host of
 * dozens of images takes seconds.
 */

export type RandomState = "created" | "running" | "paused" | "exited" | "restarting" | "dead";

export interface RandomHostOptions {
  /** Committed images besides the base (default 14). */
  images?: number;
  /** Containers (default 16). */
  containers?: number;
  /** Repositories tags are drawn from. */
  repositories?: string[];
  /** Tags moved to a newer image, leaving the old one dangling (default 3). */
  rebuilds?: number;
  /** Images force-removed while a stopped container still uses them (default 1). */
  forceRemoved?: number;
  /** Relative weights of container states; restarting and dead are 0 unless asked (see seedScenarios). */
  stateWeights?: Partial<Record<RandomState, number>>;
  /** Empty the host first (default true). */
  reset?: boolean;
  /** Default <sandbox dir>/seed-manifest.json; null: do not write. */
  manifestPath?: string | null;
  allowNonSandbox?: boolean;
  log?: (line: string) => void;
}

const DEFAULT_REPOSITORIES = [
  "acme/api",
  "acme/web",
  "acme/worker",
  "tools/cli",
  "registry.example.com:5000/team/base",
  "localhost:5000/ml/trainer",
  "nginx",
];
const TAG_NAMES = ["latest", "1.0", "1.1", "2.0", "2.1.3", "dev", "stable", "edge", "2024-05", "rc1"];
const ADJECTIVES = ["admiring", "brave", "clever", "dreamy", "eager", "focused", "gallant", "hopeful", "jolly", "keen", "loving", "modest", "nifty", "optimistic", "pensive", "quirky", "relaxed", "serene", "tender", "upbeat", "vibrant", "wizardly", "youthful", "zealous"];
const SURNAMES = ["albattani", "bohr", "curie", "darwin", "euler", "fermi", "galileo", "hopper", "hypatia", "jepsen", "kepler", "lovelace", "meitner", "noether", "pasteur", "ramanujan", "shannon", "tesla", "turing", "volhard", "wozniak", "yalow", "zhukovsky"];
const COMPOSE = [
  { project: "shop", services: ["web", "worker", "cache"] },
  { project: "analytics", services: ["ingest", "query"] },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function weighted<T extends string>(random: () => number, weights: Record<T, number>): T {
  const entries = (Object.entries(weights) as [T, number][]).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [key, weight] of entries) {
    roll -= weight;
    if (roll < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

function bytesFrom(random: () => number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += 4) {
    const value = Math.floor(random() * 4294967296);
    if (offset + 4 <= length) buffer.writeUInt32LE(value, offset);
    else for (let rest = 0; offset + rest < length; rest += 1) buffer[offset + rest] = (value >>> (8 * rest)) & 0xff;
  }
  return buffer;
}

interface PlannedImage {
  key: string;
  parent: string;
  bytes: number;
  tags: string[];
}

/** Builds a random host from `seed` and returns its manifest (scenario "random" lists everything by key). */
export async function seedRandomHost(dockerHost: string, seed: number, options: RandomHostOptions = {}): Promise<SeedManifest> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const sandbox = assertSandboxHost(dockerHost, options.allowNonSandbox);
  const manifestPath = options.manifestPath === undefined ? (sandbox !== null ? path.join(sandbox, "seed-manifest.json") : null) : options.manifestPath;
  if (options.reset !== false) await resetHost(dockerHost, { allowNonSandbox: options.allowNonSandbox, log });
  // Cut off from here on, the host matches no manifest: the next reader reseeds.
  if (manifestPath !== null) markSeedUnfinished(manifestPath, dockerHost, "random", seed);
  const random = createRandom(seed);
  const imageCount = options.images ?? 14;
  const containerCount = options.containers ?? 16;
  const repositories = options.repositories ?? DEFAULT_REPOSITORIES;
  const weights: Record<RandomState, number> = { created: 1, running: 2, paused: 1, exited: 4, restarting: 0, dead: 0, ...options.stateWeights };
  const work = workDirFor(dockerHost);
  const context = prepareBuildContext(work);
  const layers = path.join(work, `random-${seed}`);
  fs.mkdirSync(layers, { recursive: true });

  const baseId = await buildImage(dockerHost, context, [...BASE_STEPS, `CMD ${JSON.stringify(LONG_RUNNING)}`], ["busybox:static"]);

  // Plan first, from the PRNG only, so the structure never depends on timing.
  const planned: PlannedImage[] = [];
  const usedTags = new Set<string>();
  const freshTag = (repository: string) => {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const tag = `${repository}:${pick(random, TAG_NAMES)}`;
      if (!usedTags.has(tag)) {
        usedTags.add(tag);
        return tag;
      }
    }
    const tag = `${repository}:build-${usedTags.size}`;
    usedTags.add(tag);
    return tag;
  };
  for (let index = 0; index < imageCount; index += 1) {
    const parent = index === 0 || random() < 0.35 ? "base" : `img-${Math.floor(random() * index)}`;
    const repository = pick(random, repositories);
    let tags: string[];
    if (index === 0) tags = [freshTag(repository), freshTag(repository)];
    else if (index === 1) tags = [freshTag(repository), freshTag(pick(random, repositories.filter((r) => r !== repository)))];
    else {
      const count = weighted(random, { zero: 2, one: 5, two: 2, three: 1 });
      tags = Array.from({ length: { zero: 0, one: 1, two: 2, three: 3 }[count] }, () => freshTag(random() < 0.7 ? repository : pick(random, repositories)));
    }
    planned.push({ key: `img-${index}`, parent, bytes: 2_048 + Math.floor(random() * 300_000), tags });
  }

  const ids = new Map<string, string>([["base", baseId]]);
  for (const image of planned) {
    ids.set(image.key, await commitImage(dockerHost, ids.get(image.parent)!, path.join(layers, `${image.key}.bin`), bytesFrom(random, image.bytes), image.key));
    for (const tag of image.tags) await docker(dockerHost, ["tag", ids.get(image.key)!, tag]);
  }

  // Moving a tag to a new image leaves the previous one dangling when that was its last tag.
  const rebuilds = options.rebuilds ?? 3;
  for (let index = 0; index < rebuilds; index += 1) {
    const tagged = planned.filter((image) => image.tags.length > 0);
    const from = pick(random, tagged);
    const tag = pick(random, from.tags);
    const key = `rebuild-${index}`;
    const id = await commitImage(dockerHost, ids.get(from.parent)!, path.join(layers, `${key}.bin`), bytesFrom(random, 2_048 + Math.floor(random() * 200_000)), key);
    await docker(dockerHost, ["tag", id, tag]);
    from.tags = from.tags.filter((t) => t !== tag);
    planned.push({ key, parent: from.parent, bytes: 0, tags: [tag] });
    ids.set(key, id);
  }

  const usedNames = new Set<string>();
  const containerNames: string[] = [];
  const runs: Promise<unknown>[] = [];
  const pauses: string[] = [];
  const restarting: string[] = [];
  for (let index = 0; index < containerCount; index += 1) {
    const image = pick(random, planned);
    const reference = image.tags.length > 0 ? pick(random, image.tags) : ids.get(image.key)!.replace(/^sha256:/, "").slice(0, 12);
    const state = weighted(random, weights);
    const composed = random() < 0.3 ? pick(random, COMPOSE) : null;
    let name: string;
    let labels: string[] = [];
    if (composed) {
      const service = pick(random, composed.services);
      let number = 1;
      while (usedNames.has(`${composed.project}-${service}-${number}`)) number += 1;
      name = `${composed.project}-${service}-${number}`;
      labels = composeLabels(composed.project, service, { number });
    } else {
      do name = `${pick(random, ADJECTIVES)}_${pick(random, SURNAMES)}`;
      while (usedNames.has(name));
    }
    usedNames.add(name);
    containerNames.push(name);
    const exitCode = pick(random, [0, 0, 0, 1, 2, 137, 143]);
    switch (state) {
      case "created":
        runs.push(docker(dockerHost, ["create", "--name", name, ...labels, reference]));
        break;
      case "running":
      case "paused":
        runs.push(docker(dockerHost, ["run", "-d", "--name", name, ...labels, reference, ...LONG_RUNNING]));
        if (state === "paused") pauses.push(name);
        break;
      case "exited":
        runs.push(runDocker(dockerHost, ["run", "--name", name, ...labels, reference, "sh", "-c", `exit ${exitCode}`], { check: false }));
        break;
      case "restarting":
        runs.push(docker(dockerHost, ["run", "-d", "--restart", "always", "--name", name, ...labels, reference, "sh", "-c", "exit 1"]));
        restarting.push(name);
        break;
      case "dead":
        runs.push(
          makeDeadContainer(dockerHost, reference, name, labels).then((made) => {
            if (!made) throw new Error(`Could not make dead container ${name} (needs a sandbox, chattr and immutable-file support)`);
          }),
        );
        break;
    }
  }
  await Promise.all(runs);
  if (pauses.length > 0) await docker(dockerHost, ["pause", ...pauses]);
  await Promise.all(restarting.map((name) => waitForState(dockerHost, name, "restarting", 15_000, 4)));

  const removed: Removed[] = [];
  for (let index = 0; index < (options.forceRemoved ?? 1); index += 1) {
    const tag = `legacy/tool-${index}:1.${Math.floor(random() * 10)}`;
    const key = `removed-${index}`;
    const id = await commitImage(dockerHost, baseId, path.join(layers, `${key}.bin`), bytesFrom(random, 4_096 + Math.floor(random() * 100_000)), key);
    await docker(dockerHost, ["tag", id, tag]);
    let name: string;
    do name = `${pick(random, ADJECTIVES)}_${pick(random, SURNAMES)}`;
    while (usedNames.has(name));
    usedNames.add(name);
    containerNames.push(name);
    await docker(dockerHost, ["run", "--name", name, tag, "true"]);
    await docker(dockerHost, ["rmi", "-f", tag]);
    removed.push({ id, tags: [tag] });
    ids.set(key, id);
  }

  const plan: ScenarioPlan = {
    description: `Random host from seed ${seed}: ${imageCount} committed images with parent chains, ${rebuilds} moved tags, ${containerNames.length} containers.`,
    sources: [],
    images: Object.fromEntries(ids),
    containers: containerNames,
  };
  const manifest = await assembleManifest(dockerHost, "random", seed, { random: plan }, removed, started);
  if (manifestPath !== null) writeManifest(manifestPath, manifest);
  log(`seed: random host ${seed}: ${manifest.images.length} images, ${manifest.containers.length} containers in ${manifest.durationMs} ms`);
  return manifest;
}

/** A child image of `parentId` whose one layer holds `data`: create (no process runs), copy, commit. */
async function commitImage(dockerHost: string, parentId: string, file: string, data: Buffer, key: string): Promise<string> {
  fs.writeFileSync(file, data);
  const container = await docker(dockerHost, ["create", parentId]);
  try {
    await docker(dockerHost, ["cp", file, `${container}:/${key}.bin`]);
    const id = await docker(dockerHost, ["commit", "--change", `LABEL org.dockgraph.seed.key=${key}`, container]);
    return id;
  } finally {
    await runDocker(dockerHost, ["rm", "-f", container], { check: false });
  }
}
