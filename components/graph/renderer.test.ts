import { describe, expect, it } from "vitest";
import { generatedHost } from "@/bench/generated-host";
import { CONTAINER_STATES, type ContainerState } from "@/lib/docker/types";
import type { ContainerNode, GraphNode, PresentImageNode } from "@/lib/graph/types";
import type { PositionedNode } from "@/components/graph/layout";
import { edgeLook, nodeLook, type GraphViewState } from "@/components/graph/renderer";

const host = generatedHost(1_500, 9);
const NOTHING: GraphViewState = { selectedId: null, highlighted: new Set(), matching: null };

function positioned(node: GraphNode): PositionedNode {
  return { id: node.id, node, x: 0, y: 0, width: 150, height: 26, family: node.id };
}

function container(state: ContainerState): ContainerNode {
  const found = host.nodes.find((node): node is ContainerNode => node.kind === "container" && node.state === state);
  if (!found) throw new Error(`the generated host has no ${state} container`);
  return found;
}

function image(test: (node: PresentImageNode) => boolean): PresentImageNode {
  const found = host.nodes.find((node): node is PresentImageNode => node.kind === "image" && !node.missing && test(node));
  if (!found) throw new Error("the generated host has no such image");
  return found;
}

describe("nodeLook", () => {
  it("tells every container state apart by outline, glyph or fill", () => {
    const looks = CONTAINER_STATES.map((state) => {
      const look = nodeLook(positioned(container(state)), NOTHING);
      return `${look.stroke}|${look.glyph}|${look.fill}|${look.dash?.join(" ") ?? ""}`;
    });
    expect(new Set(looks).size).toBe(CONTAINER_STATES.length);
  });

  it("draws a created container dashed and a dead one filled in the warning colour", () => {
    expect(nodeLook(positioned(container("created")), NOTHING).dash).not.toBeNull();
    expect(nodeLook(positioned(container("dead")), NOTHING).fill).toBe("var(--node-dead-fill)");
    expect(nodeLook(positioned(container("running")), NOTHING).dash).toBeNull();
  });

  it("draws unused images hollow, dangling ones amber, missing ones dashed, unpullable ones marked", () => {
    const used = nodeLook(positioned(image((node) => !node.dangling && node.containerCount > 0 && !node.localOnly)), NOTHING);
    const unused = nodeLook(positioned(image((node) => !node.dangling && node.containerCount === 0 && node.childCount === 0)), NOTHING);
    const dangling = nodeLook(positioned(image((node) => node.dangling && !node.intermediate && node.containerCount > 0)), NOTHING);
    const local = nodeLook(positioned(image((node) => node.localOnly)), NOTHING);
    const ghost = host.nodes.find((node) => node.kind === "image" && node.missing);
    if (!ghost) throw new Error("the generated host has no missing image");
    const missing = nodeLook(positioned(ghost), NOTHING);
    expect(used.fill).toBe("var(--node-image-fill)");
    expect(used.unpullable).toBe(false);
    expect(unused.fill).toBe("var(--graph-bg)");
    expect(dangling.stroke).toBe("var(--node-dangling-stroke)");
    expect(local.unpullable).toBe(true);
    expect(missing.dash).not.toBeNull();
    expect(missing.stroke).toBe("var(--node-missing-stroke)");
  });

  it("outlines the selection, highlights the blocking path and dims what does not match", () => {
    const running = positioned(container("running"));
    const exited = positioned(container("exited"));
    const state: GraphViewState = { selectedId: running.id, highlighted: new Set([exited.id]), matching: new Set([running.id]) };
    expect(nodeLook(running, state)).toMatchObject({ stroke: "var(--node-selected)", strokeWidth: 3, opacity: 1 });
    expect(nodeLook(exited, state)).toMatchObject({ stroke: "var(--node-highlight)", opacity: 0.2 });
    const edge = { edge: { source: exited.id, target: running.id, kind: "uses" as const }, x1: 0, y1: 0, x2: 0, y2: 0 };
    expect(edgeLook(edge, state)).toMatchObject({ highlighted: true, stroke: "var(--node-highlight)", opacity: 1 });
  });
});
