import type { ContainerState } from "@/lib/docker/types";
import { createRandom } from "@/scripts/sandbox/random";
import type { ContainerNode, GraphEdge, GraphNode, GraphPayload, ImageNode, ImageNodeId, MissingImageNode, PresentImageNode } from "@/lib/graph/types";

/*
 * A generated Docker host of about N nodes, shaped like a long-lived one: base images with build-step chains,
 * application images built on them (several tags, some only local, older builds left dangling), containers in
 * every state (many in Compose projects) and a few containers whose image was force-removed. Pure and
 * deterministic: the same seed and size give the same payload, byte for byte.
 */

const STATE_WEIGHTS: [ContainerState, number][] = [
  ["running", 40],
  ["exited", 30],
  ["created", 8],
  ["paused", 7],
  ["restarting", 5],
  ["dead", 6],
  ["removing", 4],
];
const BASES = ["debian", "alpine", "ubuntu", "node", "python", "golang", "postgres", "redis", "nginx", "busybox"];
const APPS = ["api", "web", "worker", "billing", "search", "auth", "report", "ingest", "mailer", "cron", "gateway", "shop"];
const WORDS = ["brave", "calm", "eager", "fuzzy", "jolly", "keen", "lucid", "merry", "nifty", "quirky", "sharp", "witty"];
const SCIENTISTS = ["turing", "hopper", "lamarr", "noether", "curie", "feynman", "ritchie", "morse", "hawking", "lovelace"];

export function generatedHost(targetNodes: number, seed = 1): GraphPayload {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const hex = () => {
    let out = "";
    for (let index = 0; index < 8; index += 1) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, "0");
    return out;
  };
  const state = (): ContainerState => {
    let roll = random() * 100;
    for (const [name, weight] of STATE_WEIGHTS) {
      roll -= weight;
      if (roll < 0) return name;
    }
    return "running";
  };

  const images: PresentImageNode[] = [];
  const missing: MissingImageNode[] = [];
  const containers: ContainerNode[] = [];
  let created = 1_600_000_000;
  const count = () => images.length + missing.length + containers.length;

  const addImage = (parentId: string | null, tags: string[], pullable: boolean): PresentImageNode => {
    const imageId: `sha256:${string}` = `sha256:${hex()}`;
    created += between(60, 86_400);
    const digests = pullable ? tags.map((tag) => `${tag.slice(0, tag.lastIndexOf(":"))}@sha256:${hex()}`) : [];
    const image: PresentImageNode = {
      id: `image:${imageId}`,
      kind: "image",
      missing: false,
      imageId,
      shortId: imageId.slice(7, 19),
      references: [...tags, ...digests],
      tags,
      digests,
      dangling: tags.length === 0,
      intermediate: false,
      parentId,
      size: between(5, 900) * 1_000_000 + between(0, 999_999),
      created,
      containerCount: 0,
      childCount: 0,
      localOnly: tags.length > 0 && digests.length === 0,
    };
    images.push(image);
    return image;
  };

  const addContainers = (image: ImageNode, reference: string, howMany: number, project: string | null) => {
    for (let index = 0; index < howMany; index += 1) {
      const containerId = hex();
      const containerState = state();
      created += between(1, 3_600);
      const name = project ? `${project}-${reference.split(/[/:@]/)[1] ?? "app"}-${index + 1}` : `${pick(WORDS)}_${pick(SCIENTISTS)}_${containers.length}`;
      const labels: Record<string, string> = project ? { "com.docker.compose.project": project, "com.docker.compose.service": `svc${index}` } : {};
      const container: ContainerNode = {
        id: `container:${containerId}`,
        kind: "container",
        containerId,
        shortId: containerId.slice(0, 12),
        name,
        image: reference,
        imageId: image.imageId,
        state: containerState,
        status: containerState,
        created,
        labels,
      };
      if (containerState === "exited") container.exitCode = pick([0, 0, 1, 137, 143]);
      if (project) {
        container.composeProject = project;
        container.composeService = `svc${index}`;
      }
      containers.push(container);
    }
  };

  let family = 0;
  while (count() < targetNodes) {
    family += 1;
    const base = `${pick(BASES)}${family > BASES.length ? `-${family}` : ""}`;
    const root = addImage(null, [`${base}:${between(1, 20)}`, ...(random() < 0.3 ? [`${base}:latest`] : [])], true);
    // Build steps of the classic builder: untagged images whose only reason to exist is their children.
    let tip = root;
    for (let step = between(0, 3); step > 0; step -= 1) tip = addImage(tip.imageId, [], false);
    const apps = between(1, 5);
    for (let app = 0; app < apps && count() < targetNodes; app += 1) {
      const repo = `${pick(["acme", "team", "registry.example.com:5000/ops"])}/${pick(APPS)}${family}`;
      // About a dozen Compose projects, as on a developer's machine, each spread over several images.
      const project = random() < 0.5 ? pick(APPS) : null;
      let parent = tip;
      // An application chain: each version built on the previous one, older builds sometimes left untagged.
      for (let version = between(1, 3); version > 0 && count() < targetNodes; version -= 1) {
        const tags = random() < 0.15 ? [] : [`${repo}:${version}.${between(0, 9)}`, ...(random() < 0.25 ? [`${repo}:latest`] : [])];
        const image = addImage(parent.imageId, tags, random() < 0.6);
        const reference = tags[0] ?? image.imageId;
        addContainers(image, reference, random() < 0.25 ? 0 : between(1, 6), project);
        parent = image;
      }
      if (random() < 0.1) {
        const imageId: `sha256:${string}` = `sha256:${hex()}`;
        const ghost: MissingImageNode = { id: `image:${imageId}`, kind: "image", missing: true, imageId, shortId: imageId.slice(7, 19), references: [], containerCount: 0 };
        missing.push(ghost);
        addContainers(ghost, imageId, between(1, 2), null);
      }
    }
  }

  const byImageId = new Map<string, ImageNode>([...images, ...missing].map((image) => [image.imageId, image]));
  const edges: GraphEdge[] = [];
  for (const image of images) {
    if (image.parentId === null) continue;
    const parent = byImageId.get(image.parentId);
    if (parent && !parent.missing) parent.childCount += 1;
    edges.push({ source: image.id, target: `image:${image.parentId}` as ImageNodeId, kind: "child-of" });
  }
  for (const image of images) image.intermediate = image.dangling && image.childCount > 0;
  for (const container of containers) {
    const image = byImageId.get(container.imageId);
    if (image) image.containerCount += 1;
    edges.push({ source: container.id, target: `image:${container.imageId}` as ImageNodeId, kind: "uses" });
  }
  const nodes: GraphNode[] = [...images, ...missing, ...containers];
  return {
    generatedAt: new Date(created * 1000).toISOString(),
    daemon: {
      host: "unix:///generated/docker.sock",
      version: "24.0.0",
      apiVersion: "1.43",
      os: "linux",
      arch: "amd64",
      storageDriver: "overlay2",
      containerdImageStore: false,
    },
    nodes,
    edges,
  };
}

/** The L host of issue 11, as counts: images, containers by state, images with a parent. */
export const LARGE_HOST_SHAPE = {
  images: 2_000,
  imagesWithParent: 1_193,
  containers: { exited: 8_500, created: 1_000, running: 490, paused: 10 } satisfies Partial<Record<ContainerState, number>>,
  /** The busiest image: its containers, and how many of them run. */
  busiestImage: { containers: 951, running: 12 },
} as const;

/**
 * A CI runner's host of 12,000 nodes with exactly the L shape above: 2,000 images (807 roots, 1,193 built on
 * another, untagged build steps among them), 10,000 containers, most of them exited, one image used by 951 of
 * them. Deterministic like generatedHost.
 */
export function largeHost(seed = 1): GraphPayload {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const hex = () => {
    let out = "";
    for (let index = 0; index < 8; index += 1) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, "0");
    return out;
  };
  let created = 1_600_000_000;
  const shape = LARGE_HOST_SHAPE;

  const images: PresentImageNode[] = [];
  const roots = shape.images - shape.imagesWithParent;
  for (let index = 0; index < shape.images; index += 1) {
    const imageId: `sha256:${string}` = `sha256:${hex()}`;
    created += between(60, 3_600);
    const isRoot = index < roots;
    // Children are built on an earlier image, mostly a recent one: chains of CI builds.
    const parent = isRoot ? null : (images[index - 1 - Math.floor(random() * random() * Math.min(index, 400))] ?? null);
    const repo = isRoot ? `${pick(BASES)}-${index}` : `ci/${pick(APPS)}-${Math.floor(index / 7)}`;
    const tags = random() < 0.2 ? [] : [`${repo}:${between(1, 400)}`];
    const digests = random() < 0.5 ? tags.map((tag) => `${tag.slice(0, tag.lastIndexOf(":"))}@sha256:${hex()}`) : [];
    images.push({
      id: `image:${imageId}`,
      kind: "image",
      missing: false,
      imageId,
      shortId: imageId.slice(7, 19),
      references: [...tags, ...digests],
      tags,
      digests,
      dangling: tags.length === 0,
      intermediate: false,
      parentId: parent?.imageId ?? null,
      size: between(5, 900) * 1_000_000 + between(0, 999_999),
      created,
      containerCount: 0,
      childCount: 0,
      localOnly: tags.length > 0 && digests.length === 0,
    });
  }

  // States in a shuffled deck with the exact counts; the busiest image gets its running ones first.
  const deck: ContainerState[] = [];
  for (const [state, count] of Object.entries(shape.containers) as [ContainerState, number][]) for (let index = 0; index < count; index += 1) deck.push(state);
  for (let index = deck.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [deck[index], deck[other]] = [deck[other] as ContainerState, deck[index] as ContainerState];
  }
  const takeState = (wanted: ContainerState | null): ContainerState => {
    const at = wanted === null ? deck.length - 1 : deck.lastIndexOf(wanted);
    const [state] = deck.splice(at, 1);
    return state ?? "exited";
  };

  const busiest = images[roots + 17] ?? images[0];
  const containers: ContainerNode[] = [];
  const addContainer = (image: PresentImageNode, state: ContainerState) => {
    const containerId = hex();
    created += between(1, 60);
    const project = random() < 0.1 ? `ci-${pick(APPS)}` : null;
    const container: ContainerNode = {
      id: `container:${containerId}`,
      kind: "container",
      containerId,
      shortId: containerId.slice(0, 12),
      name: `${pick(WORDS)}_${pick(SCIENTISTS)}_${containers.length}`,
      image: image.tags[0] ?? image.imageId,
      imageId: image.imageId,
      state,
      status: state,
      created,
      labels: project ? { "com.docker.compose.project": project } : {},
    };
    if (state === "exited") container.exitCode = pick([0, 0, 1, 137, 143]);
    if (project) container.composeProject = project;
    containers.push(container);
  };
  if (busiest) {
    for (let index = 0; index < shape.busiestImage.containers; index += 1) addContainer(busiest, takeState(index < shape.busiestImage.running ? "running" : "exited"));
  }
  const others = images.filter((image) => image !== busiest && random() < 0.6);
  while (deck.length > 0) addContainer(others[Math.floor(random() * random() * others.length)] ?? images[0]!, takeState(null));

  const byImageId = new Map(images.map((image) => [image.imageId, image]));
  const edges: GraphEdge[] = [];
  for (const image of images) {
    if (image.parentId === null) continue;
    const parent = byImageId.get(image.parentId);
    if (parent) parent.childCount += 1;
    edges.push({ source: image.id, target: `image:${image.parentId}` as ImageNodeId, kind: "child-of" });
  }
  for (const image of images) image.intermediate = image.dangling && image.childCount > 0;
  for (const container of containers) {
    const image = byImageId.get(container.imageId);
    if (image) image.containerCount += 1;
    edges.push({ source: container.id, target: `image:${container.imageId}` as ImageNodeId, kind: "uses" });
  }
  return {
    generatedAt: new Date(created * 1000).toISOString(),
    daemon: { host: "unix:///generated/docker.sock", version: "24.0.0", apiVersion: "1.43", os: "linux", arch: "amd64", storageDriver: "overlay2", containerdImageStore: false },
    nodes: [...images, ...containers],
    edges,
  };
}
