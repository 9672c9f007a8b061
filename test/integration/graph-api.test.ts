import { beforeAll, describe, expect, it } from "vitest";
import { GET as getGraph } from "@/app/api/graph/route";
import { GET as getHealth } from "@/app/api/health/route";
import { GET as getSizes } from "@/app/api/sizes/route";
import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readImageLayers, readSnapshot } from "@/lib/docker/snapshot";
import { removeContainer } from "@/lib/docker/operations";
import type { GraphPayload, ImageNode, ContainerNode } from "@/lib/graph/types";
import { ensureSeeded, sandboxDockerHost } from "@/test/support/seeded-host";
import type { SeedManifest } from "@/scripts/sandbox/seed";

/*
 * The graph and health routes, called as Next calls them, against the seeded sandbox daemon:
 * what the page gets must be what the daemon has, case by case.
 */

let manifest: SeedManifest;
let graph: GraphPayload;

function get(path: string, headers: Record<string, string> = { host: "127.0.0.1:3000" }): Request {
  return new Request(`http://127.0.0.1:3000${path}`, { headers });
}

beforeAll(async () => {
  // The server reads its configuration once, from the environment: point it at the sandbox first.
  process.env.DOCKER_HOST = sandboxDockerHost();
  // Other files change the host: start from the seeded state (reseeded only if it differs).
  manifest = await ensureSeeded();
  const response = await getGraph(get("/api/graph"));
  expect(response.status).toBe(200);
  graph = (await response.json()) as GraphPayload;
});

function imageNodes(): ImageNode[] {
  return graph.nodes.filter((node): node is ImageNode => node.kind === "image");
}

function containerNodes(): ContainerNode[] {
  return graph.nodes.filter((node): node is ContainerNode => node.kind === "container");
}

describe("GET /api/graph on the seeded host", () => {
  it("has every container, with its state and image", () => {
    const byId = new Map(containerNodes().map((node) => [node.containerId, node]));
    expect(byId.size).toBe(manifest.containers.length);
    for (const container of manifest.containers) {
      const node = byId.get(container.id);
      expect(node, container.name).toBeDefined();
      expect(node).toMatchObject({ name: container.name, state: container.state, imageId: container.imageId, image: container.image });
      if (container.exitCode !== null && container.state === "exited") expect(node?.exitCode).toBe(container.exitCode);
    }
  });

  it("has one node per image ID carrying all its tags, and flags dangling images", () => {
    const present = manifest.images.filter((image) => !image.removed);
    const nodes = imageNodes().filter((node) => !node.missing);
    expect(nodes.map((node) => node.imageId).sort()).toEqual(present.map((image) => image.id).sort());
    for (const image of present) {
      const node = nodes.find((candidate) => candidate.imageId === image.id);
      if (!node || node.missing) throw new Error(`no node for ${image.shortId}`);
      expect([...node.tags].sort()).toEqual(image.tags);
      expect(node.dangling).toBe(image.tags.length === 0);
      expect(node.parentId).toBe(image.parentId);
    }
    const multiTagged = nodes.find((node) => !node.missing && node.tags.length >= 3);
    expect(multiTagged, "the seeded image with several tags").toBeDefined();
  });

  it("draws the parent chain as child-of edges", () => {
    const childOf = graph.edges.filter((edge) => edge.kind === "child-of");
    const expected = manifest.images
      .filter((image) => !image.removed && image.parentId !== null)
      .map((image) => `image:${image.id} -> image:${image.parentId}`)
      .sort();
    expect(childOf.map((edge) => `${edge.source} -> ${edge.target}`).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(2);
  });

  it("shows the force-removed image as a missing node that its stopped container still uses", () => {
    const removed = manifest.images.filter((image) => image.removed);
    expect(removed.length).toBeGreaterThanOrEqual(1);
    for (const image of removed) {
      const node = imageNodes().find((candidate) => candidate.imageId === image.id);
      expect(node).toMatchObject({ missing: true, references: [] });
      const users = manifest.containers.filter((container) => container.imageId === image.id);
      expect(users.length).toBeGreaterThanOrEqual(1);
      for (const user of users) {
        expect(graph.edges).toContainEqual({ source: `container:${user.id}`, target: `image:${image.id}`, kind: "uses" });
        // The daemon names the gone image by its bare ID.
        expect(user.image).toMatch(/^(sha256:)?[0-9a-f]{12,64}$/);
      }
    }
  });

  it("links every container to its image", () => {
    for (const container of manifest.containers) {
      expect(graph.edges).toContainEqual({ source: `container:${container.id}`, target: `image:${container.imageId}`, kind: "uses" });
    }
  });
});

describe("GET /api/sizes", () => {
  it("splits every image's size into unique and shared bytes, and gives container writable layers", async () => {
    const response = await getSizes(get("/api/sizes"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      images: Record<string, { size: number; sharedSize: number; uniqueSize: number }>;
      containers: Record<string, number>;
    };
    const present = manifest.images.filter((image) => !image.removed);
    for (const image of present) {
      const space = body.images[image.id];
      expect(space, image.shortId).toBeDefined();
      expect(space?.size).toBe(image.size);
      expect((space?.sharedSize ?? 0) + (space?.uniqueSize ?? 0)).toBe(image.size);
    }
    const writer = manifest.containers.find((container) => container.name === "quirky_noether");
    expect(body.containers[writer?.id ?? ""]).toBeGreaterThan(0);
  });
});

describe("the request guard", () => {
  it("refuses a foreign Host with 403 and the JSON error contract", async () => {
    for (const route of [getGraph, getHealth]) {
      const response = await route(get("/api/graph", { host: "evil.example" }));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "forbidden", message: expect.stringContaining("evil.example") } });
    }
  });
});

describe("GET /api/health", () => {
  it("names the daemon it talks to", async () => {
    const response = await getHealth(get("/api/health"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; daemon: { host: string; apiVersion: string; storageDriver: string } };
    expect(body.ok).toBe(true);
    expect(body.daemon.host).toBe(process.env.DOCKER_HOST);
    expect(body.daemon.apiVersion).toMatch(/^1\.\d+$/);
    expect(body.daemon.storageDriver).not.toBe("");
  });

  it("answers 503 naming the host when the daemon cannot be reached", async () => {
    const holder = globalThis as typeof globalThis & { __dockgraphDocker?: unknown };
    const working = holder.__dockgraphDocker;
    const host = "unix:///nonexistent/dockgraph-test.sock";
    holder.__dockgraphDocker = createConnection(parseConfig({ DOCKER_HOST: host }));
    try {
      const response = await getHealth(get("/api/health"));
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("daemon_unreachable");
      expect(body.error.message).toContain(host);
      expect(body.error.message).toMatch(/DOCKER_HOST/);
    } finally {
      holder.__dockgraphDocker = working;
    }
  });
});

describe("lib/docker against the daemon", () => {
  const connection = () => createConnection(parseConfig({ DOCKER_HOST: process.env.DOCKER_HOST }));

  it("reads each image's layers with sizes that add up to the image's size", async () => {
    const snapshot = await readSnapshot(connection());
    const layers = await readImageLayers(connection(), snapshot.images.map((image) => image.id));
    for (const image of snapshot.images) {
      const entry = layers.get(image.id);
      expect(entry, image.id).toBeDefined();
      expect(entry?.diffIds.length).toBe(entry?.layerSizes.length);
      expect(entry?.layerSizes.reduce((sum, size) => sum + size, 0), `${image.repoTags.join(",") || image.id}`).toBe(image.size);
    }
  });

  it("names the call that timed out", async () => {
    // GET /events without `until` never ends: a request that waits for its body must time out.
    await expect(connection().request("GET", "/events", { timeoutMs: 200 })).rejects.toMatchObject({
      code: "daemon_timeout",
      message: expect.stringContaining("GET /events"),
    });
  });

  it("refuses a name that would change the URL path before calling the daemon", async () => {
    const before = await readSnapshot(connection());
    await expect(removeContainer(connection(), "../../images/x")).rejects.toMatchObject({ code: "invalid_input" });
    const after = await readSnapshot(connection());
    expect(after.containers.length).toBe(before.containers.length);
  });
});
