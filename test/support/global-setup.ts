import type { TestProject } from "vitest/node";
import { SANDBOX_DIR_ENV, sandboxPaths, startSandbox, stopSandbox } from "@/scripts/sandbox/daemon";
import { compareWithHost, readManifest } from "@/scripts/sandbox/manifest";
import { seedScenarios } from "@/scripts/sandbox/seed";

declare module "vitest" {
  export interface ProvidedContext {
    dockerHost: string;
    seedManifestPath: string;
    sandboxDir: string;
  }
}

/**
 * Integration tests run against the sandbox daemon: start it (or reuse a running one), seed the
 * scenarios unless the host is exactly as the last seed left it, and hand DOCKER_HOST to the tests
 * (environment and `inject`). A sandbox this setup started is stopped again at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[sandbox] ${line}`);
  const paths = sandboxPaths();
  const sandbox = await startSandbox({ dir: paths.dir, log });
  const manifest = readManifest(paths.manifestPath);
  const differences = manifest === null ? ["no manifest"] : await compareWithHost(sandbox.dockerHost, manifest);
  if (differences.length > 0) {
    log(`seeding (${differences.slice(0, 3).join("; ")})`);
    await seedScenarios(sandbox.dockerHost, { log });
  }
  process.env.DOCKER_HOST = sandbox.dockerHost;
  process.env[SANDBOX_DIR_ENV] = sandbox.dir;
  process.env.DOCKGRAPH_SEED_MANIFEST = paths.manifestPath;
  project.provide("dockerHost", sandbox.dockerHost);
  project.provide("seedManifestPath", paths.manifestPath);
  project.provide("sandboxDir", sandbox.dir);
  return async () => {
    if (!sandbox.reused && process.env.DOCKGRAPH_SANDBOX_KEEP !== "1") {
      await stopSandbox({ dir: sandbox.dir, clean: true, log });
    }
  };
}
