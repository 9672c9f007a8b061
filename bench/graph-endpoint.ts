/**
 * Benchmark: what GET /api/graph costs compared with the Engine API list calls it needs.
 *
 * Populates a sandbox daemon (its own folder, .sandbox-bench) with many images and containers, then times,
 * in one run and alternating so that both see the same machine load:
 *   A. the two list calls alone (GET /images/json?all=1 + GET /containers/json?all=1, in parallel), and
 *   B. the route's whole work: readSnapshot (the same two calls, validated and normalised) + buildGraph + JSON.
 * Prints medians and the ratio B / A. Run with `npm run bench` (or `npx tsx --conditions=react-server bench/graph-endpoint.ts`).
 */
import { performance } from "node:perf_hooks";
import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readSnapshot } from "@/lib/docker/snapshot";
import { buildGraph } from "@/lib/graph/build";
import { prepareBuildContext, BASE_STEPS } from "@/scripts/sandbox/build-context";
import { sandboxPaths, startSandbox, stopSandbox } from "@/scripts/sandbox/daemon";
import { engineRequest } from "@/scripts/sandbox/engine-api";
import { buildImage, resetHost } from "@/scripts/sandbox/seed";

const IMAGES = Number(process.env.BENCH_IMAGES ?? 300);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const DIR = ".sandbox-bench";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function inBatches<T>(count: number, size: number, run: (index: number) => Promise<T>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, offset) => run(start + offset)));
  }
}

async function populate(socketPath: string, dockerHost: string, buildDir: string): Promise<void> {
  await buildImage(dockerHost, prepareBuildContext(buildDir), BASE_STEPS, ["bench/base:1"]);
  const post = async (path: string, body?: unknown) => {
    const response = await engineRequest(socketPath, "POST", path, { body: body ?? {}, timeoutMs: 60_000 });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
    return response.body as { Id: string };
  };
  // Distinct images: commit a fresh container for each (a child image of the base, as on a real host).
  await inBatches(IMAGES, 8, async (index) => {
    const container = await post("/containers/create", { Image: "bench/base:1", Cmd: ["true"] });
    await post(`/commit?container=${container.Id}&repo=bench/app&tag=v${index}`);
    await engineRequest(socketPath, "DELETE", `/containers/${container.Id}`);
  });
  await inBatches(CONTAINERS, 16, async (index) => {
    await post("/containers/create", {
      Image: `bench/app:v${index % IMAGES}`,
      Cmd: ["true"],
      Labels: { "com.docker.compose.project": `project-${index % 20}` },
    });
  });
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ dir: DIR });
  try {
    await resetHost(sandbox.dockerHost);
    const started = performance.now();
    await populate(sandbox.socketPath, sandbox.dockerHost, sandboxPaths(DIR).buildDir);
    console.log(`populated ${IMAGES} committed images + ${CONTAINERS} containers in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const connection = createConnection(parseConfig({ DOCKER_HOST: sandbox.dockerHost }));
    const listOnly: number[] = [];
    const route: number[] = [];
    let nodes = 0;
    let bytes = 0;
    for (let round = 0; round < ROUNDS + 2; round += 1) {
      const a = performance.now();
      await Promise.all([
        engineRequest(sandbox.socketPath, "GET", "/images/json?all=1", { timeoutMs: 60_000 }),
        engineRequest(sandbox.socketPath, "GET", "/containers/json?all=1", { timeoutMs: 60_000 }),
      ]);
      const b = performance.now();
      const graph = buildGraph(await readSnapshot(connection));
      const body = JSON.stringify(graph);
      const c = performance.now();
      // The first two rounds warm caches and the JIT.
      if (round >= 2) {
        listOnly.push(b - a);
        route.push(c - b);
      }
      nodes = graph.nodes.length;
      bytes = body.length;
    }
    const a = median(listOnly);
    const b = median(route);
    console.log(`graph: ${nodes} nodes, ${(bytes / 1024).toFixed(0)} KiB of JSON`);
    console.log(`A. Engine API list calls alone:          median ${a.toFixed(1)} ms over ${ROUNDS} rounds`);
    console.log(`B. /api/graph work (snapshot+graph+JSON): median ${b.toFixed(1)} ms over ${ROUNDS} rounds`);
    console.log(`ratio B / A = ${(b / a).toFixed(2)}`);
  } finally {
    await stopSandbox({ dir: DIR, clean: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
