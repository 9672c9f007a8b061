import { createRandom } from "@/scripts/sandbox/random";

/*
 * The shape of a big CI host, as issue 11 measured it at L: 2,000 images (1,193 with a parent) and 10,000
 * containers (8,500 exited, 1,000 created, 490 running, 10 paused), one image used by 951 containers, one with
 * exactly 5. M is half of L and S a twentieth. The live containers (running, paused) use images whose ancestry
 * is exactly a fifth of all images, so removing every stopped container leaves four fifths of the images
 * unused (M: 4,750 stopped containers and 800 unused images). Pure and deterministic for a seed.
 */

export type HostSize = "S" | "M" | "L";
export type PlannedState = "exited" | "created" | "running" | "paused";

export const SIZE_SCALE: Record<HostSize, number> = { S: 0.05, M: 0.5, L: 1 };
const MAX_DEPTH = 5;
const EXIT_CODES = [0, 0, 0, 1, 137];

export interface PlannedImage {
  index: number;
  parent: number | null;
  tags: string[];
  /** Bytes of the image's own file, so that every image has its own layer and size. */
  fileBytes: number;
}

export interface PlannedContainer {
  index: number;
  name: string;
  image: number;
  state: PlannedState;
  exitCode: number;
  labels: Record<string, string>;
}

export interface HostPlan {
  size: HostSize;
  seed: number;
  images: PlannedImage[];
  containers: PlannedContainer[];
  /** The image used by the most containers (~951 at L), some of them running. */
  heavyImage: number;
  /** A tagged image without children and with exactly 5 stopped containers. */
  planImage: number;
  /** Images kept by live containers (used or ancestors of used ones). */
  liveImages: number;
}

export interface ShapeCounts {
  images: number;
  withParent: number;
  exited: number;
  created: number;
  running: number;
  paused: number;
  heavy: number;
  heavyRunning: number;
  liveImages: number;
}

export function shapeCounts(size: HostSize): ShapeCounts {
  const scale = SIZE_SCALE[size];
  const containers = Math.round(10_000 * scale);
  const exited = Math.round(8_500 * scale);
  const created = Math.round(1_000 * scale);
  const paused = Math.max(1, Math.round(10 * scale));
  const images = Math.round(2_000 * scale);
  return {
    images,
    withParent: Math.round(1_193 * scale),
    exited,
    created,
    paused,
    running: containers - exited - created - paused,
    heavy: Math.round(951 * scale),
    heavyRunning: Math.max(1, Math.round(12 * scale)),
    liveImages: Math.round(images / 5),
  };
}

export function planHost(size: HostSize, seed = 11): HostPlan {
  const counts = shapeCounts(size);
  const random = createRandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  const shuffled = (n: number, from = 0): number[] => {
    const order = Array.from({ length: n - from }, (_, offset) => from + offset);
    for (let index = order.length - 1; index > 0; index -= 1) {
      const other = below(index + 1);
      [order[index], order[other]] = [order[other] as number, order[index] as number];
    }
    return order;
  };

  // Parents: earlier images (load order), mostly recent ones, so families form chains of a few build steps.
  const hasParent = new Set(shuffled(counts.images, 1).slice(0, counts.withParent));
  const parents: (number | null)[] = [];
  const depth: number[] = [];
  const root: number[] = [];
  for (let index = 0; index < counts.images; index += 1) {
    let parent: number | null = null;
    if (hasParent.has(index)) {
      for (let attempt = 0; attempt < 20 && parent === null; attempt += 1) {
        const candidate = random() < 0.7 ? Math.max(0, index - 1 - below(8)) : below(index);
        if ((depth[candidate] ?? 0) < MAX_DEPTH) parent = candidate;
      }
      parent ??= 0;
    }
    parents.push(parent);
    depth.push(parent === null ? 0 : (depth[parent] ?? 0) + 1);
    root.push(parent === null ? index : (root[parent] ?? index));
  }
  const childCount = new Array<number>(counts.images).fill(0);
  for (const parent of parents) if (parent !== null) childCount[parent] = (childCount[parent] ?? 0) + 1;

  const images: PlannedImage[] = parents.map((parent, index) => {
    // Build steps (images with children) are often untagged; a few leaves are dangling.
    const untagged = index > 0 && random() < ((childCount[index] ?? 0) > 0 ? 0.3 : 0.05);
    const tags = untagged ? [] : [`bench/family${root[index]}:v${index}`];
    if (!untagged && random() < 0.08) tags.push(`bench/extra${index}:latest`);
    return { index, parent, tags, fileBytes: 1 + below(20_000) };
  });

  const leaves = images.filter((image) => childCount[image.index] === 0 && image.tags.length > 0).map((image) => image.index);
  const heavyImage = leaves[below(leaves.length)] as number;
  const planCandidates = leaves.filter((index) => index !== heavyImage);

  // The live set: the heavy image and its ancestry, then whole ancestries of random images while they fit.
  const live = new Set<number>();
  const selected: number[] = [];
  const ancestry = (index: number): number[] => {
    const chain: number[] = [];
    for (let at: number | null = index; at !== null; at = parents[at] ?? null) chain.push(at);
    return chain;
  };
  const liveContainers = counts.running + counts.paused;
  const trySelect = (index: number) => {
    const added = ancestry(index).filter((member) => !live.has(member));
    if (live.size + added.length > counts.liveImages || selected.includes(index)) return;
    for (const member of added) live.add(member);
    selected.push(index);
  };
  trySelect(heavyImage);
  for (const index of shuffled(counts.images)) {
    if (live.size >= counts.liveImages || selected.length >= liveContainers - counts.heavyRunning + 1) break;
    if (planCandidates[0] !== undefined && index === planCandidates[0]) continue;
    trySelect(index);
  }
  const planImage = planCandidates.find((index) => !live.has(index)) ?? (planCandidates[0] as number);

  const states: PlannedState[] = [];
  // Live containers: the heavy image's running ones, one on every other selected image, the rest at random.
  const liveOn: number[] = [];
  for (let count = 0; count < counts.heavyRunning; count += 1) liveOn.push(heavyImage);
  for (const index of selected.slice(1)) if (liveOn.length < liveContainers) liveOn.push(index);
  while (liveOn.length < liveContainers) liveOn.push(selected[below(selected.length)] as number);
  for (let count = 0; count < liveContainers; count += 1) states.push(count < counts.paused ? "paused" : "running");
  // The paused ones are not on the heavy image: its live containers are all running.
  liveOn.reverse();

  const stoppedOn: number[] = [];
  for (let count = 0; count < counts.heavy - counts.heavyRunning; count += 1) stoppedOn.push(heavyImage);
  for (let count = 0; count < 5; count += 1) stoppedOn.push(planImage);
  // The rest, skewed: a few images carry many containers, many carry none.
  const spread = shuffled(counts.images).filter((index) => index !== heavyImage && index !== planImage);
  while (stoppedOn.length < counts.exited + counts.created) stoppedOn.push(spread[Math.floor(random() ** 2 * spread.length)] as number);
  // The plan image's containers all exited (nothing for its plan to wait for); the others are shuffled.
  const pool: PlannedState[] = [...new Array<PlannedState>(counts.exited - 5).fill("exited"), ...new Array<PlannedState>(counts.created).fill("created")];
  const poolOrder = shuffled(pool.length);
  let next = 0;
  const stoppedStates = stoppedOn.map((image): PlannedState => (image === planImage ? "exited" : (pool[poolOrder[next++] as number] as PlannedState)));

  const containers: PlannedContainer[] = [];
  const add = (image: number, state: PlannedState) => {
    const index = containers.length;
    const project = random() < 0.3 ? `project${below(20)}` : null;
    containers.push({
      index,
      name: `bench-${index}`,
      image,
      state,
      exitCode: state === "exited" ? (EXIT_CODES[below(EXIT_CODES.length)] ?? 0) : 0,
      labels: project ? { "com.docker.compose.project": project, "com.docker.compose.service": `service${below(5)}` } : {},
    });
  };
  liveOn.forEach((image, index) => add(image, states[index] as PlannedState));
  stoppedOn.forEach((image, index) => add(image, stoppedStates[index] as PlannedState));
  return { size, seed, images, containers, heavyImage, planImage, liveImages: live.size };
}
