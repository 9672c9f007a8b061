import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readSnapshot } from "@/lib/docker/snapshot";
import { buildGraph } from "@/lib/graph/build";
import type { GraphPayload } from "@/lib/graph/types";
import { HostModel } from "@/lib/host/host-model";
import { LONG_RUNNING } from "@/scripts/sandbox/build-context";
import { runDocker } from "@/scripts/sandbox/docker-cli";
import { createRandom } from "@/scripts/sandbox/random";
import { EventFilterRelay } from "@/test/support/event-filter-relay";
import { ensureSeeded, sandboxDockerHost } from "@/test/support/seeded-host";

/*
 * The live host model against the sandbox daemon, through a relay that can cut the connection and swallow events:
 * after a randomized sequence of changes made with the docker CLI, after a "daemon restart" (the relay closed while
 * the host changes, then opened again) and after dropped events, the model's graph equals the graph of a fresh
 * listing, and the model says in its log when it had to re-list.
 */

/** Names of this run: the host may still hold a previous run's objects. */
const RUN = Date.now().toString(36);
const CHANGES = Number(process.env.DOCKGRAPH_MODEL_CHANGES ?? "150");
const CONSISTENCY_CHECK_MS = parseConfig({ DOCKGRAPH_CONSISTENCY_CHECK_MS: "1500" }).consistencyCheckMs;

let relay: EventFilterRelay;
let model: HostModel;
/** Seeded images, which the random changes never remove: every container and build starts from one that exists. */
let seededImageIds: string[];
const log: string[] = [];

function aSeededImage(): string {
  const id = seededImageIds[0];
  if (id === undefined) throw new Error("the seeded host has no tagged image");
  return id;
}

function docker(args: readonly string[], input?: string) {
  return runDocker(sandboxDockerHost(), args, { check: false, ...(input !== undefined ? { input, env: { DOCKER_BUILDKIT: "0" } } : {}) });
}

/** The parts of a graph both sides must agree on: everything but times that move (status durations, generatedAt). */
function comparable(graph: GraphPayload) {
  return {
    nodes: graph.nodes.map((node) =>
      node.kind === "container" ? { ...node, status: node.status.replace(/(Less than a second|About an? \w+|\d+ \w+)/, "<time>") } : node,
    ),
    edges: graph.edges,
  };
}

async function freshGraph(): Promise<GraphPayload> {
  return buildGraph(await readSnapshot(createConnection(parseConfig({ DOCKER_HOST: sandboxDockerHost() }))));
}

/** Waits until the model shows what a fresh listing shows (events take a moment to arrive and be read). */
async function expectModelEqualsDaemon(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [view, fresh] = await Promise.all([model.current(), freshGraph()]);
    const modelled = comparable(view.graph);
    const listed = comparable(fresh);
    if (JSON.stringify(modelled) === JSON.stringify(listed) || Date.now() > deadline) {
      expect(modelled).toEqual(listed);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const manifest = await ensureSeeded();
  seededImageIds = manifest.images.filter((image) => !image.removed && image.tags.length > 0).map((image) => image.id);
  relay = new EventFilterRelay(path.resolve(process.env.DOCKGRAPH_SANDBOX_DIR ?? ".sandbox", "model-relay.sock"), sandboxDockerHost().replace(/^unix:\/\//, ""));
  await relay.open();
  model = new HostModel(createConnection(parseConfig({ DOCKER_HOST: relay.dockerHost })), {
    host: "test",
    consistencyCheckMs: CONSISTENCY_CHECK_MS,
    log: (line) => log.push(line),
  });
  await model.current();
});

afterAll(async () => {
  model.stop("test done");
  await relay.close();
});

interface Tracked {
  name: string;
  state: "created" | "running" | "paused" | "exited";
}

/** A random host history: containers through their lives, tags added, moved and removed, images committed, built and removed. */
async function randomChanges(count: number, seed: number): Promise<void> {
  const random = createRandom(seed);
  const pick = <T,>(values: readonly T[]): T | undefined => values[Math.floor(random() * values.length)];
  const containers: Tracked[] = [];
  const tags: string[] = [];
  const images: string[] = [];
  const seeded = () => pick(seededImageIds) ?? aSeededImage();
  const anyImage = () => pick([...images, ...tags, ...seededImageIds]) ?? seeded();
  for (let step = 0; step < count; step++) {
    const roll = random();
    const container = pick(containers);
    if (roll < 0.2 || !container) {
      const name = `hm-${RUN}-${step}`;
      if ((await docker(["create", "--pull=never", "--name", name, anyImage(), ...LONG_RUNNING])).code === 0) containers.push({ name, state: "created" });
    } else if (roll < 0.35) {
      if (container.state === "created" || container.state === "exited") {
        if ((await docker(["start", container.name])).code === 0) container.state = "running";
      } else if (container.state === "running") {
        if ((await docker(["pause", container.name])).code === 0) container.state = "paused";
      } else if ((await docker(["unpause", container.name])).code === 0) container.state = "running";
    } else if (roll < 0.45) {
      if (container.state === "running" && (await docker(["stop", "-t", "1", container.name])).code === 0) container.state = "exited";
    } else if (roll < 0.55) {
      if (container.state !== "running" && container.state !== "paused" && (await docker(["rm", container.name])).code === 0) containers.splice(containers.indexOf(container), 1);
    } else if (roll < 0.7) {
      // A new tag, or one that moves to another image (leaving the old one with one reference less).
      const tag = random() < 0.5 || tags.length === 0 ? `hm/tag:${RUN}-${step}` : (pick(tags) ?? "hm/tag:x");
      if ((await docker(["tag", anyImage(), tag])).code === 0 && !tags.includes(tag)) tags.push(tag);
    } else if (roll < 0.8) {
      const tag = pick(tags);
      if (tag && (await docker(["rmi", tag])).code === 0) tags.splice(tags.indexOf(tag), 1);
    } else if (roll < 0.88) {
      const committed = await docker(["commit", container.name, ...(random() < 0.5 ? [`hm/commit:${RUN}-${step}`] : [])]);
      if (committed.code === 0) images.push(committed.stdout.trim());
    } else if (roll < 0.93) {
      const image = pick(images);
      if (image && (await docker(["rmi", image])).code === 0) images.splice(images.indexOf(image), 1);
    } else {
      const built = await docker(["build", "-q", "-t", `hm/build:${RUN}-${step}`, "-"], `FROM ${seeded()}\nRUN echo ${step} > /step\n`);
      if (built.code === 0) images.push(built.stdout.trim().split("\n").pop() ?? "");
    }
    if ((step + 1) % 40 === 0) await expectModelEqualsDaemon();
  }
  await expectModelEqualsDaemon();
}

describe("the live host model", () => {
  it(`stays equal to a fresh listing through ${CHANGES} random changes made with the docker CLI`, async () => {
    const started = Date.now();
    await randomChanges(CHANGES, 7);
    console.info(`${CHANGES} random changes, each checked against a fresh listing every 40: ${Date.now() - started} ms`);
    const relists = log.filter((line) => line.startsWith("re-listed"));
    expect(relists, relists.join("\n")).toEqual([]);
  }, 600_000);

  it("heals after the daemon went away and came back while the host changed, and says it re-listed", async () => {
    const versionBefore = (await model.current()).version;
    const reconnectsBefore = log.filter((line) => line.startsWith("re-listed: the event stream reconnected")).length;
    await relay.close();
    for (let step = 0; step < 5; step++) await docker(["create", "--pull=never", "--name", `hm-restart-${RUN}-${step}`, aSeededImage()]);
    await docker(["rm", `hm-restart-${RUN}-0`]);
    await relay.open();
    await expect.poll(() => log.filter((line) => line.startsWith("re-listed: the event stream reconnected")).length, { timeout: 20_000 }).toBeGreaterThan(reconnectsBefore);
    await expectModelEqualsDaemon();
    expect((await model.current()).version).toBeGreaterThan(versionBefore);
  }, 60_000);

  it("catches events the daemon dropped with its consistency check, re-lists and says so", async () => {
    // Events flow through the relay again (the stream reconnected): a change shows without a re-list.
    await docker(["create", "--pull=never", "--name", `hm-flowing-${RUN}`, aSeededImage()]);
    await expect.poll(async () => (await model.current()).graph.nodes.some((node) => node.kind === "container" && node.name === `hm-flowing-${RUN}`), { timeout: 20_000 }).toBe(true);
    const relistsBefore = log.filter((line) => line.includes("consistency check found drift")).length;
    relay.drop = (event) => event.Type === "container" && event.Actor?.Attributes?.name?.startsWith("hm-dropped") === true;
    await docker(["create", "--pull=never", "--name", `hm-dropped-${RUN}-1`, aSeededImage()]);
    await docker(["create", "--pull=never", "--name", `hm-dropped-${RUN}-2`, aSeededImage()]);
    await expect.poll(() => relay.dropped, { timeout: 5_000, message: log.join("\n") }).toBeGreaterThan(0);
    const stale = (await model.current()).graph.nodes.filter((node) => node.kind === "container" && node.name.startsWith("hm-dropped"));
    expect(stale).toEqual([]);
    await expect
      .poll(() => log.filter((line) => line.includes("re-listed: the consistency check found drift")).length, { timeout: CONSISTENCY_CHECK_MS * 6 })
      .toBeGreaterThan(relistsBefore);
    relay.drop = () => false;
    await expectModelEqualsDaemon();
  }, 60_000);
});
