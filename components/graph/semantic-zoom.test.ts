import { describe, expect, it } from "vitest";
import { largeHost, LARGE_HOST_SHAPE } from "@/bench/generated-host";
import type { ContainerNode, GraphNode } from "@/lib/graph/types";
import { layoutGraph } from "@/components/graph/layout";
import { badgeLabel, foldLayout, IMAGES_MIN_SCALE, NODES_MIN_SCALE, repositoryOf, semanticView, zoomLevel } from "@/components/graph/semantic-zoom";
import { visibleGraph } from "@/components/graph/visible-graph";

const graph = visibleGraph(largeHost(8), { showBuildSteps: false, collapsedProjects: new Set<string>() });
const layout = layoutGraph(graph);
const folded = foldLayout(layout);
const containers = graph.nodes.filter((node): node is ContainerNode => node.kind === "container");
const active = (node: GraphNode) => node.kind === "container" && (node.state === "running" || node.state === "paused" || node.state === "restarting");

describe("semantic zoom", () => {
  it("picks the level by scale: every node zoomed in, badges further out, repositories furthest", () => {
    expect(zoomLevel(1)).toBe("nodes");
    expect(zoomLevel(NODES_MIN_SCALE)).toBe("nodes");
    expect(zoomLevel(NODES_MIN_SCALE - 0.01)).toBe("images");
    expect(zoomLevel(IMAGES_MIN_SCALE)).toBe("images");
    expect(zoomLevel(IMAGES_MIN_SCALE - 0.01)).toBe("repositories");
  });

  it("zoomed in, draws every node and edge of the layout and nothing folded", () => {
    const view = semanticView(folded, 0.5);
    expect(view.nodes).toBe(layout.nodes);
    expect(view.edges).toBe(layout.edges);
    expect(view.badges).toEqual([]);
    expect(view.groups).toEqual([]);
  });

  it("further out, draws the images and one badge per image with containers, counting them by state", () => {
    const view = semanticView(folded, 0.1);
    expect(view.level).toBe("images");
    expect(view.nodes.every((entry) => entry.node.kind === "image")).toBe(true);
    expect(view.nodes).toHaveLength(layout.nodes.filter((entry) => entry.node.kind === "image").length);
    expect(view.edges.every((entry) => entry.edge.kind === "child-of")).toBe(true);
    expect(view.badges.reduce((sum, badge) => sum + badge.count, 0)).toBe(containers.length);
    const byImage = new Map<string, typeof layout.nodes>();
    for (const entry of layout.nodes) {
      if (entry.node.kind !== "container") continue;
      const key = `image:${entry.node.imageId}`;
      const own = byImage.get(key);
      if (own) own.push(entry);
      else byImage.set(key, [entry]);
    }
    for (const badge of view.badges) {
      const own = byImage.get(badge.image) ?? [];
      expect(badge.count).toBe(own.length);
      expect(Object.values(badge.states).reduce((sum, count) => sum + (count ?? 0), 0)).toBe(badge.count);
      // The badge covers its containers' grid: where they are when zoomed in.
      for (const entry of own) {
        expect(entry.x - entry.width / 2).toBeGreaterThanOrEqual(badge.x);
        expect(entry.x + entry.width / 2).toBeLessThanOrEqual(badge.x + badge.width);
        expect(entry.y + entry.height / 2).toBeLessThanOrEqual(badge.y + badge.height);
      }
    }
    const busiest = view.badges.find((badge) => badge.count === LARGE_HOST_SHAPE.busiestImage.containers);
    expect(busiest?.label).toBe("951 containers · 12 running");
  });

  it("furthest out, folds the images of each repository (per family) into one node that keeps the counts, the blockers and the bytes", () => {
    const view = semanticView(folded, 0.03);
    expect(view.level).toBe("repositories");
    expect(view.nodes).toEqual([]);
    const images = layout.nodes.filter((entry) => entry.node.kind === "image");
    expect(view.groups.reduce((sum, group) => sum + group.images.length, 0)).toBe(images.length);
    expect(view.groups.length).toBeLessThan(images.length);
    expect(view.groups.reduce((sum, group) => sum + group.containers, 0)).toBe(containers.length);
    // Every running container still shows, as its group's count of what blocks a cleanup.
    expect(view.groups.reduce((sum, group) => sum + group.active, 0)).toBe(graph.nodes.filter(active).length);
    const bytes = images.reduce((sum, entry) => sum + (entry.node.kind === "image" && !entry.node.missing ? entry.node.size : 0), 0);
    expect(view.groups.reduce((sum, group) => sum + group.bytes, 0)).toBe(bytes);
    const imageById = new Map(images.map((entry) => [entry.id, entry]));
    for (const group of view.groups) {
      const members = group.images.map((id) => imageById.get(id)).filter((entry) => entry !== undefined);
      expect(new Set(members.map((entry) => entry.family))).toEqual(new Set([group.family]));
      for (const entry of members) {
        const node = entry.node;
        if (node.kind === "image" && !node.missing && node.tags[0]) expect(repositoryOf(node.tags[0])).toBe(group.repository);
      }
    }
  });

  it("names repositories as the CLI does and counts states in words", () => {
    expect(repositoryOf("acme/api:1.2")).toBe("acme/api");
    expect(repositoryOf("registry.example.com:5000/team/api:latest")).toBe("registry.example.com:5000/team/api");
    expect(repositoryOf("registry.example.com:5000/team/api")).toBe("registry.example.com:5000/team/api");
    expect(badgeLabel(1, { exited: 1 })).toBe("1 container · 0 running");
    expect(badgeLabel(5, { running: 2, restarting: 1, paused: 2 })).toBe("5 containers · 3 running · 2 paused");
  });
});
