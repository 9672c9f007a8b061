/**
 * Benchmark: bulk cleanup through dockgraph's plans vs the Docker CLI's own prune, on identical hosts.
 *
 * Each round seeds a sandbox daemon (.sandbox-bench) with IMAGES committed images and CONTAINERS exited
 * containers (on the first half of the images), then either
 *   dockgraph: plans `stopped-containers` then `unused-images` and runs both plans step by step (re-checking
 *              the daemon before every step, auditing each), or
 *   CLI:       `docker container prune -f && docker image prune -a -f`.
 * Prints the wall time of each and the ratio. Run with `npm run bench`.
 */
import { performance } from "node:perf_hooks";
import { AuditLog } from "@/lib/audit/audit-log";
import { executePlan } from "@/lib/cleanup/executor";
import { planFromRemoval } from "@/lib/cleanup/planner";
import { pruneRemoval } from "@/lib/cleanup/prune";
import { indexHost } from "@/lib/cleanup/targets";
import { readPlanningContext } from "@/lib/cleanup/planning-context";
import { parseConfig } from "@/lib/config";
import { createConnection, type DockerConnection } from "@/lib/docker/client";
import { BASE_STEPS, prepareBuildContext } from "@/scripts/sandbox/build-context";
import { sandboxPaths, startSandbox, stopSandbox } from "@/scripts/sandbox/daemon";
import { engineRequest } from "@/scripts/sandbox/engine-api";
import { buildImage, docker, resetHost } from "@/scripts/sandbox/seed";

const IMAGES = Number(process.env.BENCH_IMAGES ?? 100);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 200);
const DIR = ".sandbox-bench";

async function inBatches(count: number, size: number, run: (index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, offset) => run(start + offset)));
  }
}

async function populate(socketPath: string, dockerHost: string): Promise<void> {
  await resetHost(dockerHost);
  await buildImage(dockerHost, prepareBuildContext(sandboxPaths(DIR).buildDir), BASE_STEPS, ["bench/base:1"]);
  const post = async (path: string, body: unknown = {}) => {
    const response = await engineRequest(socketPath, "POST", path, { body, timeoutMs: 60_000 });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
    return response.body as { Id: string } | string;
  };
  await inBatches(IMAGES, 8, async (index) => {
    const container = (await post("/containers/create", { Image: "bench/base:1", Cmd: ["sh", "-c", `echo ${index} > /marker`] })) as { Id: string };
    await post(`/containers/${container.Id}/start`);
    await post(`/containers/${container.Id}/wait`);
    await post(`/commit?container=${container.Id}&repo=bench/app&tag=v${index}`);
    await engineRequest(socketPath, "DELETE", `/containers/${container.Id}`);
  });
  await inBatches(CONTAINERS, 8, async (index) => {
    const container = (await post("/containers/create", { Image: `bench/app:v${index % Math.ceil(IMAGES / 2)}`, Cmd: ["true"] })) as { Id: string };
    await post(`/containers/${container.Id}/start`);
    await post(`/containers/${container.Id}/wait`);
  });
}

async function dockgraphCleanup(connection: DockerConnection): Promise<{ ms: number; planMs: number; steps: number }> {
  const audit = new AuditLog(`${sandboxPaths(DIR).dir}/app-data`);
  const started = performance.now();
  let planMs = 0;
  let steps = 0;
  for (const scope of ["stopped-containers", "unused-images"] as const) {
    const planStarted = performance.now();
    const context = await readPlanningContext(connection);
    const plan = planFromRemoval(context, pruneRemoval(indexHost(context.snapshot), scope, { labels: [] }), { kind: "prune", scope, targets: [], stopRunning: false });
    planMs += performance.now() - planStarted;
    const { summary } = await executePlan(connection, plan, audit, { onStep: () => undefined, log: () => undefined });
    if (summary.outcome !== "completed") throw new Error(`the ${scope} plan stopped: ${JSON.stringify(summary)}`);
    steps += plan.steps.length;
  }
  return { ms: performance.now() - started, planMs, steps };
}

async function cliCleanup(dockerHost: string): Promise<number> {
  const started = performance.now();
  await docker(dockerHost, ["container", "prune", "-f"]);
  await docker(dockerHost, ["image", "prune", "-a", "-f"]);
  return performance.now() - started;
}

async function inventory(socketPath: string): Promise<string> {
  const images = (await engineRequest(socketPath, "GET", "/images/json?all=1")).body as unknown[];
  const containers = (await engineRequest(socketPath, "GET", "/containers/json?all=1")).body as unknown[];
  return `${images.length} images, ${containers.length} containers`;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ dir: DIR });
  try {
    const connection = createConnection(parseConfig({ DOCKER_HOST: sandbox.dockerHost }));
    const seeded = performance.now();
    await populate(sandbox.socketPath, sandbox.dockerHost);
    console.log(`host: ${await inventory(sandbox.socketPath)} (seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s)`);
    const ours = await dockgraphCleanup(connection);
    console.log(`  after dockgraph: ${await inventory(sandbox.socketPath)}`);

    await populate(sandbox.socketPath, sandbox.dockerHost);
    const cli = await cliCleanup(sandbox.dockerHost);
    console.log(`  after CLI:       ${await inventory(sandbox.socketPath)}`);

    console.log(`dockgraph plans + runs (${ours.steps} steps, re-checked and audited): ${(ours.ms / 1000).toFixed(2)} s (planning ${(ours.planMs / 1000).toFixed(2)} s)`);
    console.log(`docker container prune -f && docker image prune -a -f:      ${(cli / 1000).toFixed(2)} s`);
    console.log(`ratio dockgraph / CLI = ${(ours.ms / cli).toFixed(2)}`);
  } finally {
    await stopSandbox({ dir: DIR, clean: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
