import path from "node:path";
import { BASE_STEPS, LONG_RUNNING, prepareBuildContext } from "./build-context";
import { docker } from "./docker-cli";
import { markSeedUnfinished, writeManifest, type SeedManifest } from "./manifest";
import {
  assembleManifest,
  assertSandboxHost,
  buildImage,
  composeLabels,
  dataStep,
  makeDeadContainer,
  resetHost,
  runToExit,
  waitForState,
  workDirFor,
  type Removed,
  type ScenarioPlan,
} from "./seed-support";

/*
 * Seeds a sandbox daemon with every situation of the seed documents (shared/seeds), built FROM scratch
 * with a static busybox and the classic builder, so images have parent chains as on a real host.
 */

export { runDocker, docker, DockerCliError, type DockerResult, type DockerOptions } from "./docker-cli";
export { seedRandomHost, type RandomHostOptions, type RandomState } from "./seed-random";
export { createRandom } from "./random";
export {
  assertSandboxHost,
  buildImage,
  composeLabels,
  dataStep,
  makeDeadContainer,
  resetHost,
  runToExit,
  waitForState,
  type ResetOptions,
} from "./seed-support";
export { readHostState, compareWithHost, manifestDifferences, readManifest, writeManifest } from "./manifest";
export type { SeedManifest, ManifestScenario, ManifestImage, ManifestContainer, ManifestMount, SeededState } from "./manifest";

type Log = (line: string) => void;

export interface SeedOptions {
  /** Where to write the manifest; default <sandbox dir>/seed-manifest.json for a sandbox host; null: do not write. */
  manifestPath?: string | null;
  /** Empty the host first (default true): names and tags of a previous seed would collide. */
  reset?: boolean;
  /** Also seed a restarting container. Its state flips to "running" for a few ms at each restart, so it is opt-in. */
  restarting?: boolean;
  /** Also seed a dead container (sandbox only; needs chattr and a file system with immutable files). */
  dead?: boolean;
  /** Seed a daemon that is not a dockgraph sandbox (never do this to a daemon you care about). */
  allowNonSandbox?: boolean;
  log?: Log;
}

const SEEDS = {
  exited: "000_a879f1aa9e76e257.txt",
  removing: "001_e9313764748ec3b4.txt",
  webapp: "002_1e50e2be211b0012.txt",
  stopped: "003_878ce69d8d7b19be.txt",
  tags: "004_8c7de4350a116b1e.txt",
};

/**
 * Seeds every scenario of the seed documents and returns the manifest (also written to
 * <sandbox dir>/seed-manifest.json). Takes a few seconds: images are tiny and the build cache is shared.
 */
export async function seedScenarios(dockerHost: string, options: SeedOptions = {}): Promise<SeedManifest> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const sandbox = assertSandboxHost(dockerHost, options.allowNonSandbox);
  const manifestPath = options.manifestPath === undefined ? (sandbox !== null ? path.join(sandbox, "seed-manifest.json") : null) : options.manifestPath;
  if (options.reset !== false) await resetHost(dockerHost, { allowNonSandbox: options.allowNonSandbox, log });
  // Cut off from here on (a test timeout, a killed run), the host matches no manifest: the next reader reseeds.
  if (manifestPath !== null) markSeedUnfinished(manifestPath, dockerHost, "scenarios", null);
  const context = prepareBuildContext(workDirFor(dockerHost));
  const build = (steps: string[], tags: string[]) => buildImage(dockerHost, context, [...BASE_STEPS, ...steps], tags);
  const buildOn = (parent: string, steps: string[], tags: string[]) => buildImage(dockerHost, context, [`FROM ${parent}`, ...steps], tags);
  const run = (args: string[], exitCode = 0) => runToExit(dockerHost, args, exitCode);
  const plans: Record<string, ScenarioPlan> = {};
  const removed: Removed[] = [];

  // The first build fills the cache with the shared busybox layers; the rest reuse them.
  const helloWorld = await build(["COPY hello.txt /hello.txt", 'CMD ["cat", "/hello.txt"]'], ["hello-world:latest"]);
  const [webapp, ubuntu, ubuntu1310, reportBuilder, shopWeb, shopCache, worker, postgres, cruncher] = await Promise.all([
    build(
      ["COPY python /usr/bin/python", "COPY app.py /opt/webapp/app.py", dataStep("/opt/webapp/static.bin", 1_200_000), "WORKDIR /opt/webapp", 'CMD ["python", "app.py"]'],
      ["training/webapp:latest"],
    ),
    build(["COPY bash /bin/bash", dataStep("/opt/ubuntu-trusty.bin", 700_000), 'CMD ["/bin/bash"]'], [
      "ubuntu:14.04",
      "ubuntu:latest",
      "ubuntu:trusty",
      "registry.example.com:5000/team/ubuntu:14.04",
    ]),
    build(["COPY bash /bin/bash", dataStep("/opt/ubuntu-saucy.bin", 450_000), 'CMD ["/bin/bash"]'], ["ubuntu:13.10"]),
    build([dataStep("/opt/report-builder.bin", 300_000), 'CMD ["sh", "-c", "echo report written to /out/report.pdf"]'], ["legacy/report-builder:2.3"]),
    build([dataStep("/opt/shop-web.bin", 900_000), "EXPOSE 8080", `CMD ${JSON.stringify(LONG_RUNNING)}`], ["shop/web:1.4.2"]),
    build([dataStep("/opt/cache.bin", 250_000), `CMD ${JSON.stringify(LONG_RUNNING)}`], ["shop/cache:7.2"]),
    build([dataStep("/opt/worker.bin", 350_000), 'CMD ["sh", "-c", "echo processing queue"]'], ["acme/worker:2.1"]),
    build([dataStep("/opt/postgres.bin", 1_500_000), "VOLUME /var/lib/postgresql/data", 'CMD ["sh", "-c", "echo database system is ready"]'], ["billing/postgres:15"]),
    build([dataStep("/opt/cruncher.bin", 150_000), 'CMD ["sh", "-c", "echo crunching"]'], ["tools/cruncher:0.9"]),
  ]);

  // A tag built three times: the two earlier builds stay behind as <none>:<none>.
  const apiBuilds: string[] = [];
  for (const [index, bytes] of [400_000, 420_000, 440_000].entries()) {
    apiBuilds.push(await build([`RUN echo build-${index + 1} > /opt/build-id`, dataStep("/opt/api.bin", bytes), 'CMD ["sh", "-c", "echo api listening"]'], ["acme/api:dev"]));
  }

  // parent → child → grandchild: one instruction on top of each, so each parent is the direct ParentId.
  const appBase = await build([dataStep("/opt/base.bin", 400_000)], ["app/base:1.0"]);
  const appRuntime = await buildOn("app/base:1.0", [dataStep("/opt/runtime.bin", 800_000)], ["app/runtime:1.0"]);
  const appService = await buildOn("app/runtime:1.0", [dataStep("/opt/service.bin", 600_000)], ["app/service:1.0"]);
  log(`seed: images built in ${Date.now() - started} ms`);

  await Promise.all([
    run(["--name", "hungry_hopper", "hello-world:latest"]),
    run(["--name", "backstabbing_ritchie", "training/webapp"]),
    run(["--name", "drunk_feynman", "-e", "EXIT_CODE=143", "training/webapp"], 143),
    run(["--name", "sharp_wescoff", "ubuntu", "/bin/bash"]),
    run(["--name", "jolly_lamarr", "legacy/report-builder:2.3"]),
    run(["-d", "--name", "shop-web-1", ...composeLabels("shop", "web"), "shop/web:1.4.2"]),
    run(["-d", "--name", "shop-cache-1", ...composeLabels("shop", "cache"), "shop/cache:7.2"]),
    run(["--name", "shop-migrate-1", ...composeLabels("shop", "migrate", { oneoff: true }), "shop/web:1.4.2", "sh", "-c", "echo migrations applied"]),
    run(["--name", "app-service-1", ...composeLabels("app", "service"), "app/service:1.0", "sh", "-c", "echo service finished batch"]),
    docker(dockerHost, ["create", "--name", "eager_turing", "acme/worker:2.1"]),
    run(["--name", "billing-postgres-1", ...composeLabels("billing", "postgres"), "billing/postgres:15", "sh", "-c", "head -c 200000 /dev/urandom > /var/lib/postgresql/data/base.dat"]),
    run(["--name", "quirky_noether", "tools/cruncher:0.9", "sh", "-c", "head -c 524288 /dev/urandom > /tmp/results.bin"]),
  ]);
  await docker(dockerHost, ["pause", "shop-cache-1"]);
  // Force-removing the image its stopped container uses: the container stays, naming a bare image ID.
  await docker(dockerHost, ["rmi", "-f", "legacy/report-builder:2.3"]);
  removed.push({ id: reportBuilder, tags: ["legacy/report-builder:2.3"] });

  plans.exitedOnly = {
    description: "An image whose only container has exited: `docker rmi hello-world:latest` is refused (must force).",
    sources: [SEEDS.exited, SEEDS.removing],
    images: { image: helloWorld },
    containers: ["hungry_hopper"],
  };
  plans.twoExited = {
    description: "One image with two exited containers (exit 0 and 143) beside another image's exited container.",
    sources: [SEEDS.webapp],
    images: { image: webapp, other: ubuntu },
    containers: ["backstabbing_ritchie", "drunk_feynman", "sharp_wescoff"],
  };
  plans.multiTag = {
    description: "One image ID under several tags, in two repositories (one with a registry host and port), beside another tag of the repository.",
    sources: [SEEDS.tags],
    images: { image: ubuntu, otherTag: ubuntu1310 },
    containers: ["sharp_wescoff"],
  };
  plans.dangling = {
    description: "acme/api:dev built three times: the two earlier builds are dangling <none>:<none> images.",
    sources: [SEEDS.tags, SEEDS.removing],
    images: { tagged: apiBuilds[2]!, dangling1: apiBuilds[0]!, dangling2: apiBuilds[1]! },
    containers: [],
  };
  plans.forceRemoved = {
    description: "legacy/report-builder:2.3 was force-removed (`docker rmi -f`) while its stopped container remains; the container names a bare image ID.",
    sources: [SEEDS.stopped, SEEDS.exited],
    images: { removed: reportBuilder },
    containers: ["jolly_lamarr"],
  };
  plans.runningPaused = {
    description: "A running and a paused container (Compose project shop), plus an exited one-off container on the running one's image.",
    sources: [SEEDS.removing],
    images: { web: shopWeb, cache: shopCache },
    containers: ["shop-web-1", "shop-cache-1", "shop-migrate-1"],
  };
  plans.chain = {
    description: "A parent → child → grandchild chain (app/base → app/runtime → app/service) with an exited container on the leaf.",
    sources: [SEEDS.tags],
    images: { parent: appBase, child: appRuntime, grandchild: appService },
    containers: ["app-service-1"],
  };
  plans.compose = {
    description: "Containers with Compose labels in three projects (shop, app, billing).",
    sources: [],
    images: {},
    containers: ["shop-web-1", "shop-cache-1", "shop-migrate-1", "app-service-1", "billing-postgres-1"],
  };
  plans.created = {
    description: "A container created but never started.",
    sources: [],
    images: { image: worker },
    containers: ["eager_turing"],
  };
  plans.anonymousVolume = {
    description: "An exited container with data in an anonymous volume (VOLUME in the image): removing the container leaves the volume behind.",
    sources: [],
    images: { image: postgres },
    containers: ["billing-postgres-1"],
  };
  plans.writableLayer = {
    description: "An exited container with 512 KiB written to its writable layer: removing it loses that data.",
    sources: [],
    images: { image: cruncher },
    containers: ["quirky_noether"],
  };

  if (options.restarting) {
    await run(["-d", "--name", "restless_hawking", "--restart", "always", "tools/cruncher:0.9", "sh", "-c", "echo cannot reach queue; exit 1"]);
    // Restart back-off doubles from 100 ms: after 4 restarts the container is "running" only ms in every second or more.
    await waitForState(dockerHost, "restless_hawking", "restarting", 15_000, 4);
    plans.restarting = {
      description: "A container that keeps failing under --restart always: between restarts its state is restarting.",
      sources: [],
      images: { image: cruncher },
      containers: ["restless_hawking"],
    };
  }
  if (options.dead) {
    if (await makeDeadContainer(dockerHost, "tools/cruncher:0.9", "sad_morse")) {
      plans.dead = {
        description: "A dead container: its removal failed half-way (a file of its writable layer could not be deleted).",
        sources: [],
        images: { image: cruncher },
        containers: ["sad_morse"],
      };
    } else {
      log("seed: could not make a dead container here (needs a sandbox, chattr and immutable-file support); skipped");
    }
  }

  const manifest = await assembleManifest(dockerHost, "scenarios", null, plans, removed, started);
  if (manifestPath !== null) writeManifest(manifestPath, manifest);
  log(`seed: ${manifest.images.length} images and ${manifest.containers.length} containers in ${manifest.durationMs} ms`);
  return manifest;
}

