import fs from "node:fs";
import { inject } from "vitest";
import { runDocker, type DockerResult } from "@/scripts/sandbox/docker-cli";
import { compareWithHost, type SeedManifest } from "@/scripts/sandbox/manifest";
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
  return JSON.parse(await fs.promises.readFile(inject("seedManifestPath"), "utf8")) as SeedManifest;
}

/** The docker CLI against the sandbox. */
export function dockerCli(args: readonly string[]): Promise<DockerResult> {
  return runDocker(inject("dockerHost"), args, { check: false });
}

/** Empties the sandbox and seeds the scenarios again (a few seconds); use after a test that changed the host. */
export async function reseed(options: Omit<SeedOptions, "manifestPath"> = {}): Promise<SeedManifest> {
  return seedScenarios(inject("dockerHost"), { ...options, manifestPath: inject("seedManifestPath") });
}

/** Reseeds only when the host no longer matches the manifest. */
export async function ensureSeeded(): Promise<SeedManifest> {
  const manifest = await seededManifest();
  const differences = await compareWithHost(inject("dockerHost"), manifest);
  return differences.length === 0 ? manifest : reseed();
}
