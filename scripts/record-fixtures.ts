import fs from "node:fs";
import path from "node:path";
import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readContainerSizes, readImageLayers, readSnapshot } from "@/lib/docker/snapshot";
import { SANDBOX_DIR_ENV, sandboxPaths, startSandbox, stopSandbox } from "./sandbox/daemon";
import type { SeedManifest } from "./sandbox/manifest";
import { repoRoot } from "./sandbox/paths";
import { seedRandomHost, seedScenarios } from "./sandbox/seed";
import { recordCleanupFixtures } from "./cleanup-fixtures/record";

/*
 * npm run fixtures:record: seeds a sandbox of its own, reads it through lib/docker exactly as the server
 * does, and writes the fixtures the pure modules are unit-tested on (lib/graph/__fixtures__/):
 *   seeded-host.json       the scenarios of the seed documents
 *   random-host-<n>.json   a random host from PRNG seed <n>
 * Machine paths (the sandbox folder) are replaced by the ones of a default Docker install.
 * Run with `tsx --conditions=react-server` so that `server-only` modules load outside Next.
 *
 *   npm run fixtures:record -- [--random-seed 7]
 *   npm run fixtures:record -- --cleanup     lib/cleanup/__fixtures__/*.json.gz instead (scripts/cleanup-fixtures/record.ts)
 */

const RANDOM_SEED_DEFAULT = 7;
const NEUTRAL_HOST = "unix:///var/run/docker.sock";
const NEUTRAL_DATA_ROOT = "/var/lib/docker";

interface Fixture {
  description: string;
  recordedAt: string;
  snapshot: Awaited<ReturnType<typeof readSnapshot>>;
  /** Image ID → layers (diff IDs and the bytes each adds), as readImageLayers returns them. */
  layers: Record<string, Awaited<ReturnType<typeof readImageLayers>> extends Map<string, infer V> ? V : never>;
  /** Container ID → writable-layer bytes, as readContainerSizes returns them. */
  containerSizes: Record<string, number>;
  /** What the seed put there, by scenario and role (see docs/testing.md). */
  manifest: SeedManifest;
}

async function record(dockerHost: string, manifest: SeedManifest, description: string): Promise<Fixture> {
  const connection = createConnection(parseConfig({ DOCKER_HOST: dockerHost }));
  const snapshot = await readSnapshot(connection);
  const layers = await readImageLayers(
    connection,
    snapshot.images.map((image) => image.id),
  );
  const sizes = await readContainerSizes(connection, { fresh: true });
  return {
    description,
    recordedAt: new Date().toISOString(),
    snapshot,
    layers: Object.fromEntries([...layers.entries()].sort(([a], [b]) => a.localeCompare(b))),
    containerSizes: Object.fromEntries([...sizes.entries()].sort(([a], [b]) => a.localeCompare(b))),
    manifest,
  };
}

function neutralise(fixture: Fixture, dockerHost: string, dataRoot: string): string {
  return `${JSON.stringify(fixture, null, 2)
    .split(dockerHost)
    .join(NEUTRAL_HOST)
    .split(dataRoot)
    .join(NEUTRAL_DATA_ROOT)}\n`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--cleanup")) {
    await recordCleanupFixtures();
    return 0;
  }
  const seedIndex = argv.indexOf("--random-seed");
  const randomSeed = seedIndex === -1 ? RANDOM_SEED_DEFAULT : Number(argv[seedIndex + 1]);
  if (!Number.isInteger(randomSeed)) throw new Error("--random-seed needs an integer");
  const log = (line: string) => console.error(line);
  const paths = sandboxPaths(process.env[SANDBOX_DIR_ENV] ?? ".sandbox-fixtures");
  const outDir = path.join(repoRoot(), "lib", "graph", "__fixtures__");
  fs.mkdirSync(outDir, { recursive: true });
  const sandbox = await startSandbox({ dir: paths.dir, log });
  try {
    const seeded = await seedScenarios(sandbox.dockerHost, { log });
    const scenarios = await record(
      sandbox.dockerHost,
      seeded,
      "The seeded scenarios (scripts/sandbox/seed.ts) on a Docker 20.10 sandbox daemon, read with lib/docker/snapshot.ts.",
    );
    const seededFile = path.join(outDir, "seeded-host.json");
    fs.writeFileSync(seededFile, neutralise(scenarios, sandbox.dockerHost, paths.dataRoot));
    log(`wrote ${path.relative(repoRoot(), seededFile)}`);

    const random = await seedRandomHost(sandbox.dockerHost, randomSeed, { log });
    const randomFixture = await record(
      sandbox.dockerHost,
      random,
      `A random host from PRNG seed ${randomSeed} (seedRandomHost in scripts/sandbox/seed-random.ts), read with lib/docker/snapshot.ts.`,
    );
    const randomFile = path.join(outDir, `random-host-${randomSeed}.json`);
    fs.writeFileSync(randomFile, neutralise(randomFixture, sandbox.dockerHost, paths.dataRoot));
    log(`wrote ${path.relative(repoRoot(), randomFile)}`);
  } finally {
    if (!sandbox.reused) await stopSandbox({ dir: paths.dir, clean: true, log });
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
