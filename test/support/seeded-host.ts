import { inject } from "vitest";
import { runDocker, type DockerResult } from "@/scripts/sandbox/docker-cli";
import { manifestDifferences, readManifest, type SeedManifest } from "@/scripts/sandbox/manifest";
import { seedScenarios, type SeedOptions } from "@/scripts/sandbox/seed";

/*
 * What integration tests need from the sandbox: its DOCKER_HOST, the manifest of the seeded
 * scenarios, the docker CLI against it, and a way back to the seeded state after a test changed it.
 */

export function sandboxDockerHost(): string {
  return inject("dockerHost");
}

/** The manifest of the seeded host (scenario name → images by role, containers by name). */
export async function seededManifest(): Promise<SeedManifest> {
  const manifest = readManifest(inject("seedManifestPath"));
  if (manifest === null || manifest.unfinished) throw new Error("The sandbox is not seeded: call ensureSeeded() or reseed() first");
  return manifest;
}

/** The docker CLI against the sandbox. */
export function dockerCli(args: readonly string[]): Promise<DockerResult> {
  return runDocker(inject("dockerHost"), args, { check: false });
}

/** Empties the sandbox and seeds the scenarios again (a few seconds); use after a test that changed the host. */
export async function reseed(options: Omit<SeedOptions, "manifestPath"> = {}): Promise<SeedManifest> {
  return seedScenarios(inject("dockerHost"), { ...options, manifestPath: inject("seedManifestPath") });
}

/** Reseeds only when the host no longer matches the manifest (or there is none, or an earlier seed was cut off). */
export async function ensureSeeded(): Promise<SeedManifest> {
  const manifest = readManifest(inject("seedManifestPath"));
  const differences = await manifestDifferences(inject("dockerHost"), manifest);
  return manifest !== null && differences.length === 0 ? manifest : reseed();
}
