import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import { buildGraph, containerNodeId, imageNodeId, shortImageId } from "@/lib/graph/build";
import type { ContainerNode, GraphPayload, ImageNode, PresentImageNode } from "@/lib/graph/types";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";
import randomHost from "@/lib/graph/__fixtures__/random-host-7.json";

// Recorded from the sandbox daemon by scripts/record-fixtures.ts (the seeded scenarios, and one random host).
const seededSnapshot = seeded.snapshot as HostSnapshot;
const manifest = seeded.manifest;

function images(graph: GraphPayload): ImageNode[] {
  return graph.nodes.filter((node): node is ImageNode => node.kind === "image");
}

function containers(graph: GraphPayload): ContainerNode[] {
  return graph.nodes.filter((node): node is ContainerNode => node.kind === "container");
}

function presentImageByTag(graph: GraphPayload, tag: string): PresentImageNode {
  const node = images(graph).find((candidate): candidate is PresentImageNode => !candidate.missing && candidate.tags.includes(tag));
  if (!node) throw new Error(`no image tagged ${tag}`);
  return node;
}

function containerByName(graph: GraphPayload, name: string): ContainerNode {
  const node = containers(graph).find((candidate) => candidate.name === name);
  if (!node) throw new Error(`no container ${name}`);
  return node;
}

describe("buildGraph on the seeded host", () => {
  const graph = buildGraph(seededSnapshot);

  it("makes one node per image ID and one per container, with unique ids", () => {
    const ids = graph.nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(images(graph).filter((node) => !node.missing)).toHaveLength(seededSnapshot.images.length);
    expect(containers(graph)).toHaveLength(seededSnapshot.containers.length);
  });

  it("puts every tag of one image ID on one node (several repositories too)", () => {
    const ubuntu = presentImageByTag(graph, "ubuntu:latest");
    expect(ubuntu.tags).toEqual(expect.arrayContaining(["ubuntu:14.04", "ubuntu:latest", "ubuntu:trusty"]));
    expect(ubuntu.tags.some((tag) => tag.startsWith("registry.example.com:5000/"))).toBe(true);
    expect(ubuntu.references).toEqual([...ubuntu.tags, ...ubuntu.digests]);
    expect(ubuntu.dangling).toBe(false);
  });

  it("flags dangling images, and only untagged ones", () => {
    const dangling = images(graph).filter((node): node is PresentImageNode => !node.missing && node.dangling);
    expect(dangling.length).toBeGreaterThanOrEqual(2);
    for (const node of dangling) {
      expect(node.tags).toEqual([]);
      expect(node.intermediate).toBe(node.childCount > 0);
    }
    for (const role of ["dangling1", "dangling2"] as const) {
      const id = manifest.scenarios.dangling.images[role].id;
      expect(dangling.map((node) => node.imageId)).toContain(id);
    }
  });

  it("links the parent → child → grandchild chain with child-of edges and counts children", () => {
    const chain = manifest.scenarios.chain.images;
    expect(graph.edges).toContainEqual({ source: imageNodeId(chain.child.id), target: imageNodeId(chain.parent.id), kind: "child-of" });
    expect(graph.edges).toContainEqual({ source: imageNodeId(chain.grandchild.id), target: imageNodeId(chain.child.id), kind: "child-of" });
    const parent = images(graph).find((node) => node.imageId === chain.parent.id);
    expect(parent && !parent.missing && parent.childCount).toBeGreaterThanOrEqual(1);
    const leafUser = containerByName(graph, "app-service-1");
    expect(graph.edges).toContainEqual({ source: leafUser.id, target: imageNodeId(chain.grandchild.id), kind: "uses" });
  });

  it("shows the force-removed image as one missing node used by its stopped container", () => {
    const removedId = manifest.scenarios.forceRemoved.images.removed.id;
    const orphan = containerByName(graph, "jolly_lamarr");
    expect(orphan.state).toBe("exited");
    expect(orphan.image).toBe(removedId);
    const missing = images(graph).filter((node) => node.missing);
    expect(missing).toEqual([
      { id: imageNodeId(removedId), kind: "image", missing: true, imageId: removedId, shortId: shortImageId(removedId), references: [], containerCount: 1 },
    ]);
    expect(graph.edges).toContainEqual({ source: orphan.id, target: imageNodeId(removedId), kind: "uses" });
  });

  it("carries container state, exit code and Compose labels", () => {
    expect(containerByName(graph, "shop-web-1")).toMatchObject({ state: "running", composeProject: "shop", composeService: "web" });
    expect(containerByName(graph, "shop-cache-1")).toMatchObject({ state: "paused", composeProject: "shop" });
    expect(containerByName(graph, "eager_turing").state).toBe("created");
    expect(containerByName(graph, "hungry_hopper")).toMatchObject({ state: "exited", exitCode: 0, image: "hello-world:latest" });
    const exitCodes = ["backstabbing_ritchie", "drunk_feynman"].map((name) => containerByName(graph, name).exitCode).sort();
    expect(exitCodes).toEqual([0, 143]);
  });

  it("counts the containers of each image, in any state", () => {
    const webapp = presentImageByTag(graph, "training/webapp:latest");
    expect(webapp.containerCount).toBe(2);
    const hello = presentImageByTag(graph, "hello-world:latest");
    expect(hello.containerCount).toBe(1);
    expect(hello.localOnly).toBe(true);
  });

  it("links each container to its image with a uses edge", () => {
    const uses = graph.edges.filter((edge) => edge.kind === "uses");
    expect(uses).toHaveLength(seededSnapshot.containers.length);
    for (const container of seededSnapshot.containers) {
      expect(uses).toContainEqual({ source: containerNodeId(container.id), target: imageNodeId(container.imageId), kind: "uses" });
    }
  });
});

describe("buildGraph invariants", () => {
  it.each([
    ["seeded", seededSnapshot],
    ["random host 7", randomHost.snapshot as HostSnapshot],
  ])("every edge of %s joins two nodes, and the result does not depend on the input order", (_name, snapshot) => {
    const graph = buildGraph(snapshot);
    const ids = new Set(graph.nodes.map((node) => node.id));
    for (const edge of graph.edges) {
      expect(ids.has(edge.source), edge.source).toBe(true);
      expect(ids.has(edge.target), edge.target).toBe(true);
    }
    const shuffled: HostSnapshot = { ...snapshot, images: [...snapshot.images].reverse(), containers: [...snapshot.containers].reverse() };
    expect(buildGraph(shuffled)).toEqual(graph);
  });

  it("reports shared and unique size only when the daemon computed them", () => {
    const [first] = seededSnapshot.images;
    if (!first) throw new Error("empty fixture");
    const withShared: HostSnapshot = { ...seededSnapshot, images: [{ ...first, sharedSize: 1000 }] , containers: [] };
    const [node] = images(buildGraph(withShared));
    expect(node).toMatchObject({ sharedSize: 1000, uniqueSize: first.size - 1000 });
    const [plain] = images(buildGraph({ ...withShared, images: [first] }));
    expect(plain).not.toHaveProperty("sharedSize");
  });
});
