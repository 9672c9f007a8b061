import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import type { DockerConnection } from "@/lib/docker/client";
import { createConnection } from "@/lib/docker/client";
import { assertContainerName } from "@/lib/docker/names";
import { readContainerSizes, readImageLayers, readSnapshot } from "@/lib/docker/snapshot";
import type { HostSnapshot, ImageLayers, ImageRecord } from "@/lib/docker/types";
import { blockersFor, removalSetFor } from "@/lib/cleanup/blockers";
import { compareWithDaemonAnswer, isRunningState, predictContainerRemovalByName, predictImageRemovalByName } from "@/lib/cleanup/daemon-messages";
import type { RemovalOptions } from "@/lib/cleanup/daemon-messages";
import { imageSpace, reclaimableFor } from "@/lib/cleanup/reclaimable";
import type { HostIndex } from "@/lib/cleanup/targets";
import { indexHost, resolveTarget } from "@/lib/cleanup/targets";
import type { Blocker, DaemonAnswer } from "@/lib/cleanup/types";
import { attemptContainerRemoval, attemptImageRemoval, namesToTry, oddNames, readLayerUsage, stopNow } from "@/scripts/cleanup-fixtures/daemon-probe";
import type { NamedTarget } from "@/scripts/cleanup-fixtures/daemon-probe";
import { addCleanupCases } from "@/scripts/cleanup-fixtures/extra-cases";
import { startSandbox, stopSandbox } from "@/scripts/sandbox/daemon";
import type { SandboxInfo } from "@/scripts/sandbox/daemon";
import { unpinAll } from "@/scripts/sandbox/pinned-files";
import { createRandom, seedRandomHost, seedScenarios } from "@/scripts/sandbox/seed";

/*
 * The differential test: dockgraph's predictions against what the real daemon does, on the seeded
 * scenarios and on random hosts. In every host state it asks the daemon for every removal it predicts
 * refused (refusals change nothing) and compares word for word; then it makes one change (a removal
 * predicted to go through, a forced removal, a stop, or clearing an image's whole blocker list in the
 * listed order, checking each step and the target's refusal on the way) and compares again, until the
 * host is empty or the step budget is spent. Disk use is checked against `/system/df` after every change.
 *
 * It walks a sandbox daemon of its own, in a folder of this process (.sandbox-diff-<pid>): it empties and
 * reseeds that host many times, which neither the shared sandbox of the other tests nor a second run of
 * this file (another engineer's, at the same time) may see.
 */

const SANDBOX_DIR = `.sandbox-diff-${process.pid}`;
const RANDOM_SEEDS = [11, 23, 42];
const MAX_STEPS = 90;

interface Tally {
  host: string;
  states: number;
  attempts: number;
  agreements: number;
  disagreements: string[];
  /**
   * Answers about a container in a restart loop that differ from the prediction only in "running" versus
   * "restarting": the loop flipped between the snapshot and the attempt (the running moments last milliseconds).
   */
  raced: number;
  byCategory: Record<string, number>;
  clearings: number;
  reclaimChecks: number;
  reclaimMismatches: string[];
  sharedSizeChecks: number;
  sharedSizeMismatches: string[];
  /** Images and containers left when the walk ended. */
  left: string;
}

interface Observed {
  snapshot: HostSnapshot;
  index: HostIndex;
  imageIds: Set<string>;
  layersSize: number;
}

const tallies: Tally[] = [];
let sandbox: SandboxInfo;
let connection: DockerConnection;

beforeAll(async () => {
  sandbox = await startSandbox({ dir: SANDBOX_DIR });
  connection = createConnection(parseConfig({ DOCKER_HOST: sandbox.dockerHost }));
});

afterAll(async () => {
  const rows = tallies.map((tally) => ({
    host: tally.host,
    states: tally.states,
    attempts: tally.attempts,
    agreements: tally.agreements,
    disagreements: tally.disagreements.length,
    raced: tally.raced,
    clearings: tally.clearings,
    "df checks": tally.reclaimChecks,
    "df mismatches": tally.reclaimMismatches.length,
    "shared-size checks": tally.sharedSizeChecks,
    "shared-size mismatches": tally.sharedSizeMismatches.length,
    "left at the end": tally.left,
  }));
  console.log("differential test, dockgraph's predictions against the sandbox daemon:");
  console.table(rows);
  for (const tally of tallies) console.log(`${tally.host}: attempts by kind ${JSON.stringify(tally.byCategory)}`);
  if (sandbox && !sandbox.reused) await stopSandbox({ dir: sandbox.dir, clean: true });
}, 120_000);

class Walk {
  readonly tally: Tally;
  private readonly layers = new Map<string, ImageLayers>();

  constructor(
    host: string,
    private readonly random: () => number,
  ) {
    this.tally = {
      host,
      states: 0,
      attempts: 0,
      agreements: 0,
      disagreements: [],
      raced: 0,
      byCategory: {},
      clearings: 0,
      reclaimChecks: 0,
      reclaimMismatches: [],
      sharedSizeChecks: 0,
      sharedSizeMismatches: [],
      left: "",
    };
    tallies.push(this.tally);
  }

  /** Reads the host as the server does, and checks shared sizes against `/system/df` in passing. */
  async observe(): Promise<Observed> {
    const snapshot = await readSnapshot(connection);
    for (const [id, layers] of await readImageLayers(connection, snapshot.images.map((image) => image.id))) this.layers.set(id, layers);
    const usage = await readLayerUsage(connection);
    const space = imageSpace(snapshot, this.layers);
    for (const [imageId, sharedSize] of Object.entries(usage.sharedSizes)) {
      this.tally.sharedSizeChecks += 1;
      if (space.get(imageId)?.sharedSize !== sharedSize) {
        this.tally.sharedSizeMismatches.push(`${imageId}: predicted ${space.get(imageId)?.sharedSize}, daemon ${sharedSize}`);
      }
    }
    this.tally.states += 1;
    return { snapshot, index: indexHost(snapshot), imageIds: new Set(snapshot.images.map((image) => image.id)), layersSize: usage.layersSize };
  }

  /** One removal asked of the daemon and compared with the prediction made on `observed`. */
  async check(category: string, target: NamedTarget, observed: Observed, options: RemovalOptions = {}): Promise<DaemonAnswer> {
    const prediction =
      target.removal === "image" ? predictImageRemovalByName(observed.index, target.name, options) : predictContainerRemovalByName(observed.index, target.name, options);
    const answer =
      target.removal === "image" ? await attemptImageRemoval(connection, target.name, options) : await attemptContainerRemoval(connection, target.name);
    const comparison = compareWithDaemonAnswer(prediction, answer, observed.imageIds);
    this.tally.attempts += 1;
    this.tally.byCategory[category] = (this.tally.byCategory[category] ?? 0) + 1;
    if (comparison.agrees) this.tally.agreements += 1;
    else if (prediction.outcome === "refused" && answer.message !== null && (await this.restartLoopFlipped(target, prediction.message, answer.message))) this.tally.raced += 1;
    else this.tally.disagreements.push(`${category}: ${target.removal} ${options.force ? "-f " : ""}${target.name}: predicted ${comparison.expected}; daemon ${comparison.actual}`);
    return answer;
  }

  /** The only difference is running ↔ restarting, for a container that has been restarted by its restart policy. */
  private async restartLoopFlipped(target: NamedTarget, predicted: string, actual: string): Promise<boolean> {
    if (target.removal !== "container") return false;
    const swapped = (message: string) => message.replace(/^You cannot remove a (running|restarting) container/, "You cannot remove a * container");
    if (swapped(predicted) !== swapped(actual)) return false;
    const raw = (await connection.request("GET", `/containers/${assertContainerName(target.name)}/json`)) as { RestartCount?: number };
    return (raw.RestartCount ?? 0) > 0;
  }

  /** Asks every removal predicted refused; true when one went through after all (the host changed). */
  async refusals(observed: Observed, withOddNames: boolean): Promise<boolean> {
    const names = withOddNames ? [...namesToTry(observed.snapshot), ...oddNames(observed.snapshot)] : namesToTry(observed.snapshot);
    for (const target of names) {
      const prediction =
        target.removal === "image" ? predictImageRemovalByName(observed.index, target.name) : predictContainerRemovalByName(observed.index, target.name);
      if (prediction.outcome !== "refused") continue;
      const answer = await this.check("refusal", target, observed);
      if (answer.status < 300) return true;
    }
    return false;
  }

  async run(maxSteps: number): Promise<void> {
    let observed = await this.observe();
    let first = true;
    for (let step = 0; step < maxSteps; step += 1) {
      if (await this.refusals(observed, first)) {
        observed = await this.observe();
        continue;
      }
      first = false;
      const change = this.choose(observed);
      if (change === null) break;
      const expectedLayerBytes = await change();
      const next = await this.observe();
      if (expectedLayerBytes !== null) {
        this.tally.reclaimChecks += 1;
        const dropped = observed.layersSize - next.layersSize;
        if (dropped !== expectedLayerBytes) this.tally.reclaimMismatches.push(`step ${step}: predicted ${expectedLayerBytes} bytes freed, LayersSize dropped ${dropped}`);
      }
      observed = next;
    }
    this.tally.left = `${observed.snapshot.images.length} images, ${observed.snapshot.containers.length} containers`;
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error("pick from nothing");
    return item;
  }

  /** The next change to make, as a function returning the layer bytes it is predicted to free (null: not checked). */
  private choose(observed: Observed): (() => Promise<number | null>) | null {
    const { snapshot, index } = observed;
    const goes = namesToTry(snapshot).filter((target) => {
      const prediction = target.removal === "image" ? predictImageRemovalByName(index, target.name) : predictContainerRemovalByName(index, target.name);
      return prediction.outcome !== "refused";
    });
    const running = snapshot.containers.filter(isRunningState);
    const blocked = snapshot.images.filter((image) => blockersFor(index, resolveTarget(index, image.id)).length > 0);
    const roll = this.random();
    if (blocked.length > 0 && (roll < 0.15 || (goes.length === 0 && running.length === 0))) {
      const image = this.pick(blocked);
      return () => this.clear(observed, image);
    }
    if (snapshot.images.length > 0 && roll < 0.25) {
      const image = this.pick(snapshot.images);
      const name = this.pick([image.id, ...image.repoTags]);
      return () => this.removeImage("forced", observed, name, { force: true });
    }
    if (running.length > 0 && (roll < 0.37 || goes.length === 0)) {
      const container = this.pick(running);
      return async () => {
        await stopNow(connection, container.id, container.state);
        return null;
      };
    }
    if (goes.length === 0) return null;
    const target = this.pick(goes);
    if (target.removal === "image") return () => this.removeImage("removal", observed, target.name, {});
    return async () => {
      await this.check("removal", target, observed);
      return 0;
    };
  }

  /** An image removal; returns the layer bytes its predicted deletions free (0 when it only untags or is refused). */
  private async removeImage(category: string, observed: Observed, name: string, options: RemovalOptions): Promise<number> {
    const prediction = predictImageRemovalByName(observed.index, name, options);
    await this.check(category, { name, removal: "image" }, observed, options);
    const deleted = prediction.outcome === "deleted" ? prediction.deleted : [];
    return reclaimableFor(observed.snapshot, this.layers, { imageIds: deleted, containerIds: [] }).layerBytes;
  }

  /**
   * Clears every blocker of removing `image` in the listed order, without force, then removes it. Before
   * each step the target's removal must be refused as predicted (also with force while a hard blocker
   * remains), and the blockers left must be the listed ones not yet cleared. Returns the layer bytes the
   * whole removal set is predicted to free.
   */
  private async clear(start: Observed, image: ImageRecord): Promise<number> {
    this.tally.clearings += 1;
    const target = resolveTarget(start.index, image.id);
    const blockers = blockersFor(start.index, target);
    const removes = removalSetFor(start.index, target);
    const sizes = await readContainerSizes(connection, { fresh: true });
    const predicted = reclaimableFor(start.snapshot, this.layers, removes, sizes);
    const deleted = new Set<string>();
    const removedContainers = new Set<string>();
    const key = (blocker: Blocker) => `${blocker.kind} ${blocker.node} ${blocker.reference ?? ""}`;
    const fail = (what: string) => this.tally.disagreements.push(`clearing ${image.id.slice(7, 19)}: ${what}`);

    for (const [position, blocker] of blockers.entries()) {
      let now = await this.observe();
      if (!now.imageIds.has(image.id)) break;
      // A step's prune may have taken this blocker's image already (predicted and compared with that step).
      if (isGone(blocker, now, deleted)) continue;
      const left = blockersFor(now.index, resolveTarget(now.index, image.id));
      const expectedLeft = blockers.slice(position).filter((candidate) => !isGone(candidate, now, deleted)).map(key).sort();
      if (left.map(key).sort().join("\n") !== expectedLeft.join("\n")) fail(`blockers left ${JSON.stringify(left.map(key))}, expected ${JSON.stringify(expectedLeft)}`);
      await this.check("clearing: target refused", { name: image.id, removal: "image" }, now);
      if (left.some((candidate) => candidate.hard)) {
        await this.check("clearing: target refused even forced", { name: image.id, removal: "image" }, now, { force: true });
      }
      if (blocker.node.startsWith("container:")) {
        const id = blocker.node.slice("container:".length);
        const container = now.snapshot.containers.find((candidate) => candidate.id === id);
        if (!container) {
          fail(`container ${id.slice(0, 12)} vanished`);
          continue;
        }
        if (blocker.clearedBy.includes("stop")) {
          await stopNow(connection, id, container.state);
          now = await this.observe();
        }
        const answer = await this.check("clearing: step", { name: id, removal: "container" }, now);
        if (answer.status < 300) removedContainers.add(id);
      } else if (blocker.kind === "reference" && blocker.reference !== undefined) {
        const answer = await this.check("clearing: step", { name: blocker.reference, removal: "image" }, now);
        answer.deleted.filter((id) => now.imageIds.has(id)).forEach((id) => deleted.add(id));
      } else if (blocker.kind === "child-image") {
        const answer = await this.check("clearing: step", { name: blocker.node.slice("image:".length), removal: "image" }, now);
        answer.deleted.filter((id) => now.imageIds.has(id)).forEach((id) => deleted.add(id));
      }
    }
    const last = await this.observe();
    if (last.imageIds.has(image.id)) {
      const answer = await this.check("clearing: target removed", { name: image.id, removal: "image" }, last);
      answer.deleted.filter((id) => last.imageIds.has(id)).forEach((id) => deleted.add(id));
    }
    if ([...deleted].sort().join() !== [...removes.imageIds].sort().join()) fail(`deleted ${[...deleted].length} images, predicted ${removes.imageIds.length}`);
    if ([...removedContainers].sort().join() !== [...removes.containerIds].sort().join()) fail(`removed other containers than predicted`);
    if (!predicted.complete) fail("reclaimable bytes incomplete although every layer and size was read");
    return predicted.layerBytes;
  }
}

/** A blocker already out of the way: its container or image is gone, or its reference no longer names anything. */
function isGone(blocker: Blocker, now: Observed, deleted: ReadonlySet<string>): boolean {
  if (blocker.node.startsWith("container:")) return !now.snapshot.containers.some((container) => `container:${container.id}` === blocker.node);
  const imageId = blocker.node.slice("image:".length);
  if (deleted.has(imageId) || !now.imageIds.has(imageId)) return true;
  if (blocker.kind === "reference") return !now.snapshot.images.some((image) => image.repoTags.includes(blocker.reference ?? "") || image.repoDigests.includes(blocker.reference ?? ""));
  return false;
}

function expectAgreement(tally: Tally): void {
  console.log(
    `${tally.host}: ${tally.attempts} attempts, ${tally.agreements} agreements, ${tally.disagreements.length} disagreements, ${tally.raced} raced; ` +
      `${tally.clearings} blocker clearings; ${tally.reclaimChecks} LayersSize checks, ${tally.sharedSizeChecks} SharedSize checks; left ${tally.left}`,
  );
  expect(tally.disagreements).toEqual([]);
  expect(tally.reclaimMismatches).toEqual([]);
  expect(tally.sharedSizeMismatches).toEqual([]);
  expect(tally.agreements + tally.raced).toBe(tally.attempts);
  expect(tally.raced).toBeLessThanOrEqual(2);
}

describe("predictions against the real daemon", () => {
  it("agree on the seeded scenarios, walked until the host is empty or the step budget is spent", async () => {
    await seedScenarios(sandbox.dockerHost, { restarting: true, dead: true, manifestPath: null });
    await addCleanupCases(sandbox.dockerHost, sandbox.dir);
    // The seed's dead container has a file pinned to make its removal fail: a sandbox trick, not a daemon rule.
    unpinAll(sandbox.dir);
    const walk = new Walk("scenarios", createRandom(2024));
    await walk.run(MAX_STEPS);
    expectAgreement(walk.tally);
    expect(walk.tally.attempts).toBeGreaterThan(300);
    expect(walk.tally.clearings).toBeGreaterThan(0);
  }, 120_000);

  for (const seed of RANDOM_SEEDS) {
    it(`agree on random host ${seed}`, async () => {
      await seedRandomHost(sandbox.dockerHost, seed, { stateWeights: { restarting: 1, dead: 1 }, manifestPath: null });
      unpinAll(sandbox.dir);
      const walk = new Walk(`random ${seed}`, createRandom(seed * 7919));
      await walk.run(MAX_STEPS);
      expectAgreement(walk.tally);
      expect(walk.tally.attempts).toBeGreaterThan(100);
    }, 90_000);
  }
});
