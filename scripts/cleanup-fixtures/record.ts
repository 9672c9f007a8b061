import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { parseConfig } from "@/lib/config";
import type { DockerConnection } from "@/lib/docker/client";
import { createConnection } from "@/lib/docker/client";
import { readContainerSizes, readImageLayers, readSnapshot } from "@/lib/docker/snapshot";
import type { ImageLayers } from "@/lib/docker/types";
import { isRunningState, predictContainerRemovalByName, predictImageRemovalByName } from "@/lib/cleanup/daemon-messages";
import { indexHost } from "@/lib/cleanup/targets";
import { sandboxPaths, startSandbox, stopSandbox } from "@/scripts/sandbox/daemon";
import { unpinAll } from "@/scripts/sandbox/pinned-files";
import { createRandom, seedRandomHost, seedScenarios } from "@/scripts/sandbox/seed";
import type { CleanupFixture, RecordedAnswer, RecordedState } from "@/lib/cleanup/__fixtures__/fixture";
import { FIXTURE_DIR } from "@/lib/cleanup/__fixtures__/fixture";
import { addCleanupCases } from "./extra-cases";
import { attemptContainerRemoval, attemptImageRemoval, namesToTry, oddNames, readLayerUsage, stopNow } from "./daemon-probe";
import type { NamedTarget } from "./daemon-probe";

/*
 * Records the fixtures of lib/cleanup's unit tests from a real daemon, in a sandbox of its own:
 *   scenarios-walk.json.gz  the seeded scenarios (plus a few extra cases), walked through scripted removals
 *   random-walk-7.json.gz   a random host (seed 7), walked through removals picked by a seeded PRNG
 * In every state, every refusal the daemon gives is recorded (they change nothing); the removal that
 * goes through leads to the next state. Test tooling, not product code: it forces removals (as the seed
 * documents did) to record what the daemon answers then. Run:
 *   npm run fixtures:record -- --cleanup
 */

const NEUTRAL_HOST = "unix:///var/run/docker.sock";
const log = (line: string) => console.error(line);

type Action = { do: "rmi"; name: string; force?: boolean } | { do: "rm"; name: string } | { do: "stop"; name: string } | { do: "unpin" };

class Recorder {
  readonly layers = new Map<string, ImageLayers>();
  readonly states: RecordedState[] = [];
  unexpected = 0;

  constructor(
    private readonly connection: DockerConnection,
    private readonly sandboxDir: string,
  ) {}

  async recordState(label: string): Promise<RecordedState> {
    const snapshot = await readSnapshot(this.connection);
    for (const [id, layers] of await readImageLayers(this.connection, snapshot.images.map((image) => image.id))) this.layers.set(id, layers);
    const sizes = await readContainerSizes(this.connection, { fresh: true });
    const usage = await readLayerUsage(this.connection);
    // Labels and mounts play no part in removal rules: left out to keep the fixtures small.
    const state: RecordedState = {
      label,
      snapshot: {
        ...snapshot,
        engine: { ...snapshot.engine, host: NEUTRAL_HOST },
        images: snapshot.images.map((image) => ({ ...image, labels: {} })),
        containers: snapshot.containers.map((container) => ({ ...container, labels: {}, mounts: [] })),
      },
      containerSizes: Object.fromEntries([...sizes].sort(([a], [b]) => a.localeCompare(b))),
      layersSize: usage.layersSize,
      sharedSizes: usage.sharedSizes,
      answers: [],
    };
    this.states.push(state);
    return state;
  }

  /**
   * Asks every name the daemon is predicted to refuse; returns false if one went through (the host changed).
   * Short IDs and odd names are asked in the first state only: they resolve the same way in every state.
   */
  async recordRefusals(state: RecordedState): Promise<boolean> {
    const index = indexHost(state.snapshot);
    const first = this.states.length === 1;
    const names = namesToTry(state.snapshot).filter((target) => first || target.removal === "container" || !/^[0-9a-f]{12}$/.test(target.name));
    for (const target of first ? [...names, ...oddNames(state.snapshot)] : names) {
      const prediction = target.removal === "image" ? predictImageRemovalByName(index, target.name) : predictContainerRemovalByName(index, target.name);
      if (prediction.outcome !== "refused") continue;
      const recorded = await this.attempt(state, target, false);
      if (recorded.answer.status < 300) {
        this.unexpected += 1;
        log(`record: UNEXPECTED: ${target.removal} ${target.name} went through; predicted ${prediction.message}`);
        return false;
      }
    }
    return true;
  }

  async attempt(state: RecordedState, target: NamedTarget, force: boolean): Promise<RecordedAnswer> {
    const answer =
      target.removal === "image"
        ? await attemptImageRemoval(this.connection, target.name, { force })
        : await attemptContainerRemoval(this.connection, target.name);
    const recorded: RecordedAnswer = { removal: target.removal, name: target.name, force, answer };
    state.answers.push(recorded);
    return recorded;
  }

  async run(state: RecordedState, action: Action): Promise<string> {
    switch (action.do) {
      case "rmi":
        await this.attempt(state, { name: action.name, removal: "image" }, action.force === true);
        return `${action.force ? "docker rmi -f" : "docker rmi"} ${action.name}`;
      case "rm":
        await this.attempt(state, { name: action.name, removal: "container" }, false);
        return `docker rm ${action.name}`;
      case "stop": {
        const container = state.snapshot.containers.find((candidate) => candidate.name === action.name);
        if (!container) throw new Error(`No container ${action.name} to stop`);
        await stopNow(this.connection, container.id, container.state);
        return `docker stop ${action.name}`;
      }
      case "unpin":
        unpinAll(this.sandboxDir);
        return "files pinned by the seed unpinned (a dead container can be removed again)";
    }
  }

  /** Records the state and its refusals, then runs `action` in it; returns the label of the state it leads to. */
  async step(label: string, action: Action): Promise<string> {
    const state = await this.recordState(label);
    if (!(await this.recordRefusals(state))) return `after an unexpected removal in "${label}"`;
    return this.run(state, action);
  }

  async finalState(label: string): Promise<void> {
    await this.recordRefusals(await this.recordState(label));
  }

  fixture(description: string): CleanupFixture {
    return {
      description,
      recordedAt: new Date().toISOString(),
      layers: Object.fromEntries([...this.layers].sort(([a], [b]) => a.localeCompare(b))),
      states: this.states,
    };
  }
}

async function recordScenarios(connection: DockerConnection, dockerHost: string, sandboxDir: string): Promise<CleanupFixture> {
  const manifest = await seedScenarios(dockerHost, { log, restarting: true, dead: true });
  await addCleanupCases(dockerHost, sandboxDir);
  const dangling = manifest.scenarios.dangling?.images.dangling1?.id;
  const ubuntu = manifest.scenarios.multiTag?.images.image?.id;
  if (dangling === undefined || ubuntu === undefined) throw new Error("the scenarios lack the dangling or the multi-tag image");
  const actions: Action[] = [
    { do: "rmi", name: "ubuntu:trusty" },
    { do: "rm", name: "hungry_hopper" },
    { do: "rmi", name: "hello-world:latest" },
    { do: "rmi", name: dangling },
    { do: "stop", name: "shop-web-1" },
    { do: "rmi", name: "registry.example.com:5000/shop/web:1.4.2" },
    { do: "rm", name: "shop-web-1" },
    { do: "rm", name: "shop-migrate-1" },
    { do: "rmi", name: "shop/web:1.4.2" },
    { do: "rmi", name: "training/webapp", force: true },
    // By ID with several tags and a stopped container: force removes every tag and orphans the container.
    { do: "rmi", name: ubuntu, force: true },
    // By its only tag with a paused container: force untags, and the daemon quietly keeps the image.
    { do: "rmi", name: "shop/cache:7.2", force: true },
    { do: "unpin" },
    { do: "rm", name: "sad_morse" },
    { do: "rmi", name: "acme/api:dev" },
    { do: "rmi", name: "probe/commit-empty:1" },
    { do: "stop", name: "base-runner" },
    { do: "rmi", name: "app/service:stable" },
    { do: "rm", name: "app-service-1" },
    { do: "rmi", name: "app/service:1.0" },
  ];
  const recorder = new Recorder(connection, sandboxDir);
  let label = "seeded scenarios with restarting and dead containers, and the extra cases";
  for (const action of actions) label = await recorder.step(label, action);
  await recorder.finalState(label);
  if (recorder.unexpected > 0) throw new Error(`${recorder.unexpected} removals went through that were predicted to be refused; see above`);
  return recorder.fixture("The seeded scenarios (plus extra cases) on a Docker 20.10 sandbox daemon, walked through scripted removals: every refusal and every removal the daemon answered, state by state.");
}

async function recordRandom(connection: DockerConnection, dockerHost: string, sandboxDir: string, seed: number): Promise<CleanupFixture> {
  await seedRandomHost(dockerHost, seed, { log, stateWeights: { restarting: 1, dead: 1 } });
  unpinAll(sandboxDir);
  const random = createRandom(seed);
  const recorder = new Recorder(connection, sandboxDir);
  let label = `random host from seed ${seed}`;
  for (let step = 0; step < 10; step += 1) {
    const state = await recorder.recordState(label);
    if (!(await recorder.recordRefusals(state))) {
      label = "after an unexpected removal";
      continue;
    }
    const index = indexHost(state.snapshot);
    const goes = namesToTry(state.snapshot).filter((target) => {
      const prediction = target.removal === "image" ? predictImageRemovalByName(index, target.name) : predictContainerRemovalByName(index, target.name);
      return prediction.outcome !== "refused";
    });
    const running = state.snapshot.containers.filter(isRunningState);
    if (goes.length === 0 && running.length === 0) break;
    const pick = <T,>(items: readonly T[]): T => {
      const item = items[Math.floor(random() * items.length)];
      if (item === undefined) throw new Error("nothing to pick from");
      return item;
    };
    let action: Action;
    if (running.length > 0 && (goes.length === 0 || random() < 0.2)) {
      action = { do: "stop", name: pick(running).name };
    } else {
      const target = pick(goes);
      action = target.removal === "image" ? { do: "rmi", name: target.name } : { do: "rm", name: target.name };
    }
    label = await recorder.run(state, action);
  }
  if (recorder.unexpected > 0) throw new Error(`${recorder.unexpected} removals went through that were predicted to be refused; see above`);
  return recorder.fixture(`A random host (seedRandomHost, seed ${seed}, with restarting and dead containers) on a Docker 20.10 sandbox daemon, walked through removals picked by a seeded PRNG.`);
}

function write(file: string, fixture: CleanupFixture, dockerHost: string): void {
  const text = JSON.stringify(fixture).split(dockerHost).join(NEUTRAL_HOST);
  // States repeat most of each other: gzip takes ~900 kB of JSON down to ~35 kB (read it with zcat).
  fs.writeFileSync(path.join(FIXTURE_DIR, file), gzipSync(`${text}\n`, { level: 9 }));
  log(`record: wrote ${file} (${fixture.states.length} states, ${fixture.states.reduce((n, s) => n + s.answers.length, 0)} answers)`);
}

/** Records both cleanup fixtures in a sandbox of its own (started and stopped here). */
export async function recordCleanupFixtures(): Promise<void> {
  const paths = sandboxPaths(process.env.DOCKGRAPH_SANDBOX_DIR ?? ".sandbox-cleanup-fixtures");
  const sandbox = await startSandbox({ dir: paths.dir, log });
  try {
    const connection = createConnection(parseConfig({ DOCKER_HOST: sandbox.dockerHost }));
    write("scenarios-walk.json.gz", await recordScenarios(connection, sandbox.dockerHost, paths.dir), sandbox.dockerHost);
    write("random-walk-7.json.gz", await recordRandom(connection, sandbox.dockerHost, paths.dir, 7), sandbox.dockerHost);
  } finally {
    if (!sandbox.reused) await stopSandbox({ dir: paths.dir, clean: true, log });
  }
}
