import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readSnapshot } from "@/lib/docker/snapshot";
import { sandboxDockerHost } from "@/test/support/seeded-host";

/*
 * The whole host as sets of IDs, for tests that check a change removed exactly what it should
 * (compare the full inventory before and after, not just the target). Also the headers and token
 * of a state-changing request to the route handlers.
 */

export interface Inventory {
  containers: Set<string>;
  images: Set<string>;
  /** "<image id> <tag>" pairs. */
  tags: Set<string>;
}

export async function inventory(): Promise<Inventory> {
  const snapshot = await readSnapshot(createConnection(parseConfig({ DOCKER_HOST: sandboxDockerHost() })));
  return {
    containers: new Set(snapshot.containers.map((container) => container.id)),
    images: new Set(snapshot.images.map((image) => image.id)),
    tags: new Set(snapshot.images.flatMap((image) => image.repoTags.map((tag) => `${image.id} ${tag}`))),
  };
}

/** What is in `a` and not in `b`, sorted. */
export function minus<T>(a: Set<T>, b: Set<T>): T[] {
  return [...a].filter((item) => !b.has(item)).sort();
}

export const TEST_TOKEN = "integration-token-0123456789";
export const TEST_ORIGIN = "http://127.0.0.1:3000";
export const CHANGE_HEADERS = { host: "127.0.0.1:3000", origin: TEST_ORIGIN, "x-dockgraph-token": TEST_TOKEN, "content-type": "application/json" };

/** Must run before the first route handler reads the configuration (it is read once). */
export function configureServerForTests(dataDirName: string): void {
  process.env.DOCKGRAPH_TOKEN = TEST_TOKEN;
  process.env.DOCKGRAPH_DATA_DIR = `${process.env.DOCKGRAPH_SANDBOX_DIR ?? ".sandbox"}/${dataDirName}`;
}
