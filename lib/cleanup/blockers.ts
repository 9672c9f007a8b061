import type { ContainerRecord, HostSnapshot, ImageLayers, ImageRecord } from "@/lib/docker/types";
import { containerNodeId, imageNodeId, shortImageId } from "@/lib/graph/build";
import type { ImageNodeId } from "@/lib/graph/types";
import { isRunningState, isSingleReference, predictRemoval, untagReference } from "@/lib/cleanup/daemon-messages";
import { reclaimableFor } from "@/lib/cleanup/reclaimable";
import type { HostIndex, NormalizedReference } from "@/lib/cleanup/targets";
import { describeImage, indexHost, normalizeReference, resolveTarget, storedReferenceName } from "@/lib/cleanup/targets";
import type { Blocker, BlockersAnswer, ClearingAction, RemovalEffect, RemovalSet, ResolvedTarget } from "@/lib/cleanup/types";
import { plural } from "@/lib/format";

/*
 * Why can't X go? Every blocker of removing a target entirely (the daemon names only the first), in the
 * order a plan clears them: containers (running ones stopped first), then child images from the deepest
 * up (each with the extra tags that keep it from being removed by ID), then the target's own extra tags.
 */

/** A descendant of an image, with how deep below it sits and the image it is built on. */
export interface Descendant {
  image: ImageRecord;
  /** 1 for a child, 2 for a grandchild, … */
  depth: number;
  parentId: string;
}

/** Every image built on `imageId`, children before their parents (the order they can be removed in). */
export function descendantsOf(index: HostIndex, imageId: string): Descendant[] {
  const ordered: Descendant[] = [];
  const visit = (parentId: string, depth: number) => {
    for (const child of index.childrenByImageId.get(parentId) ?? []) {
      visit(child.id, depth + 1);
      ordered.push({ image: child, depth, parentId });
    }
  };
  visit(imageId, 1);
  return ordered;
}

/** The untagged, unused parents the daemon deletes by itself once `deleted` are gone, nearest first. */
export function prunedParentsOf(index: HostIndex, imageId: string, deleted: ReadonlySet<string>): string[] {
  const pruned: string[] = [];
  const gone = new Set(deleted);
  let parentId = index.imagesById.get(imageId)?.parentId ?? null;
  while (parentId !== null) {
    const parent = index.imagesById.get(parentId);
    if (!parent) break;
    const untagged = (index.referencesByImageId.get(parent.id) ?? []).length === 0;
    const unused = (index.containersByImageId.get(parent.id) ?? []).length === 0;
    const childless = (index.childrenByImageId.get(parent.id) ?? []).every((child) => gone.has(child.id));
    if (!untagged || !unused || !childless) break;
    pruned.push(parent.id);
    gone.add(parent.id);
    parentId = parent.parentId;
  }
  return pruned;
}

/** What a plan must remove to remove the target entirely, in a valid order. */
export function removalSetFor(index: HostIndex, target: ResolvedTarget): RemovalSet {
  switch (target.kind) {
    case "container":
      return { containerIds: [target.container.id], imageIds: [], prunedParentIds: [] };
    case "missing-image":
      // The image record is gone already; its containers are what still holds its layers.
      return { containerIds: target.containers.map((container) => container.id), imageIds: [], prunedParentIds: [] };
    case "image":
    case "image-reference": {
      const descendants = descendantsOf(index, target.image.id);
      const imageIds = [...descendants.map((descendant) => descendant.image.id), target.image.id];
      const containerIds = imageIds.flatMap((id) => (index.containersByImageId.get(id) ?? []).map((container) => container.id));
      const prunedParentIds = prunedParentsOf(index, target.image.id, new Set(imageIds));
      return { containerIds, imageIds: [...imageIds, ...prunedParentIds], prunedParentIds };
    }
  }
}

function containerActions(container: ContainerRecord): ClearingAction[] {
  if (container.state === "removing") return ["wait"];
  if (container.state === "paused") return ["unpause", "stop", "remove-container"];
  if (isRunningState(container)) return ["stop", "remove-container"];
  return ["remove-container"];
}

function stateWords(container: ContainerRecord): string {
  if (container.state === "restarting") return "keeps restarting";
  if (container.state === "running" || container.state === "paused") return `is ${container.state}`;
  return `(${container.state})`;
}

function containerBlocker(index: HostIndex, container: ContainerRecord, depth: number): Blocker {
  const running = isRunningState(container);
  const via = imageNodeId(container.imageId);
  const base = { node: containerNodeId(container.id), state: container.state, via, depth, clearedBy: containerActions(container) };
  const kind = container.state === "removing" ? "removal-in-progress" : running ? "running-container" : "stopped-container";
  if (depth > 0) {
    const image = index.imagesById.get(container.imageId);
    const name = image ? describeImage(image) : shortImageId(container.imageId);
    return {
      ...base,
      kind,
      hard: true,
      forceOverrides: false,
      message: `Container ${container.name} ${stateWords(container)} on ${name}, which is built on this image: it has to go before that image can, and force does not help.`,
    };
  }
  if (container.state === "removing") {
    return { ...base, kind, hard: true, forceOverrides: false, message: `The daemon is already removing container ${container.name}, which uses this image: wait for it to finish.` };
  }
  if (running) {
    const steps = container.state === "paused" ? "unpause, stop and remove it" : "stop and remove it";
    return {
      ...base,
      kind,
      hard: true,
      forceOverrides: false,
      message: `Container ${container.name} ${stateWords(container)} on this image: the daemon refuses to delete an image a running container uses, even with force; ${steps} first.`,
    };
  }
  return {
    ...base,
    kind,
    hard: false,
    forceOverrides: true,
    message: `Container ${container.name} ${stateWords(container)} uses this image: the daemon refuses to delete it unless forced, and forcing would leave the container pointing at a deleted image; remove the container first.`,
  };
}

/**
 * The references to untag before the image can be removed by ID: all but one tag (with its repository's
 * digests), which the removal by ID takes with it. A repository whose tags all go loses its digests
 * with its last tag, so those digests are not listed separately.
 */
export function extraReferencesOf(references: readonly NormalizedReference[]): NormalizedReference[] {
  if (isSingleReference(references) || references.length === 0) return [];
  const kept = references.find((reference) => !reference.canonical) ?? references[0];
  if (kept === undefined) return [];
  const extra: NormalizedReference[] = [];
  let remaining = [...references];
  for (const reference of references) {
    if (isSingleReference(remaining)) break;
    if (reference === kept || !remaining.includes(reference)) continue;
    if (reference.canonical && reference.repository === kept.repository) continue;
    extra.push(reference);
    remaining = untagReference(remaining, reference).remaining;
  }
  return extra;
}

function referenceBlockers(index: HostIndex, image: ImageRecord, depth: number, via: ImageNodeId | undefined): Blocker[] {
  const node = imageNodeId(image.id);
  return extraReferencesOf(index.referencesByImageId.get(image.id) ?? []).map((reference): Blocker => {
    const stored = storedReferenceName(image, reference);
    const common = { kind: "reference" as const, node, reference: stored, clearedBy: ["untag" as const], depth, ...(via ? { via } : {}) };
    if (depth === 0) {
      return {
        ...common,
        hard: false,
        forceOverrides: true,
        message: `"${stored}" also names this image: the daemon refuses to delete by ID an image with several tags unless forced; untag it first (docker rmi ${stored}).`,
      };
    }
    return {
      ...common,
      hard: true,
      forceOverrides: false,
      message: `"${stored}" also names ${describeImage(image)}, which is built on this image: untag it so that image can be removed.`,
    };
  });
}

function childBlocker(index: HostIndex, descendant: Descendant): Blocker {
  const parent = index.imagesById.get(descendant.parentId);
  const message =
    descendant.depth === 1
      ? `Image ${describeImage(descendant.image)} is built on this image: the daemon never deletes an image with child images, even with force; remove the child first.`
      : `Image ${describeImage(descendant.image)} is built on ${parent ? describeImage(parent) : shortImageId(descendant.parentId)}, which is built on this image: it has to go before its parents can.`;
  return {
    kind: "child-image",
    node: imageNodeId(descendant.image.id),
    hard: true,
    forceOverrides: false,
    message,
    clearedBy: ["remove-image"],
    via: imageNodeId(descendant.parentId),
    depth: descendant.depth,
  };
}

function runningFirst(a: ContainerRecord, b: ContainerRecord): number {
  return Number(isRunningState(b)) - Number(isRunningState(a));
}

/** Everything that stands in the way of removing the target entirely, in clearing order. */
export function blockersFor(index: HostIndex, target: ResolvedTarget): Blocker[] {
  switch (target.kind) {
    case "container":
      return containerTargetBlockers(target.container);
    case "missing-image": {
      const missing: Blocker = {
        kind: "missing-image",
        node: target.node,
        hard: true,
        forceOverrides: false,
        message: `This image was force-removed: the daemon no longer knows it, but ${plural(target.containers.length, "container")} still ${target.containers.length === 1 ? "uses" : "use"} it and ${target.containers.length === 1 ? "holds" : "hold"} its layers; removing them frees the space.`,
        clearedBy: [],
        depth: 0,
      };
      const containers = [...target.containers].sort(runningFirst).map((container): Blocker => ({
        ...containerBlocker(index, container, 0),
        hard: true,
        forceOverrides: false,
        message: `Container ${container.name} ${stateWords(container)} still uses this force-removed image and holds its layers.`,
      }));
      return [missing, ...containers];
    }
    case "image":
    case "image-reference": {
      const descendants = descendantsOf(index, target.image.id);
      const containerGroups = [...descendants.map((descendant) => ({ id: descendant.image.id, depth: descendant.depth })), { id: target.image.id, depth: 0 }];
      const containers = containerGroups.flatMap(({ id, depth }) =>
        [...(index.containersByImageId.get(id) ?? [])].sort(runningFirst).map((container) => containerBlocker(index, container, depth)),
      );
      const images = descendants.flatMap((descendant) => [
        ...referenceBlockers(index, descendant.image, descendant.depth, imageNodeId(descendant.parentId)),
        childBlocker(index, descendant),
      ]);
      return [...containers, ...images, ...referenceBlockers(index, target.image, 0, undefined)];
    }
  }
}

function containerTargetBlockers(container: ContainerRecord): Blocker[] {
  // Removing the container is the target's own step: the blocker is cleared once it is stopped.
  const clearedBy = containerActions(container).filter((action) => action !== "remove-container");
  const base = { node: containerNodeId(container.id), state: container.state, depth: 0, clearedBy };
  switch (container.state) {
    case "removing":
      return [{ ...base, kind: "removal-in-progress", hard: true, forceOverrides: false, message: "The daemon is already removing this container: wait for it to finish." }];
    case "running":
    case "restarting":
    case "paused": {
      const how = container.state === "paused" ? "unpause and stop it" : "stop it";
      return [
        {
          ...base,
          kind: "running-container",
          hard: false,
          forceOverrides: true,
          message: `The container ${stateWords(container)}: the daemon refuses to remove it until you ${how} (docker rm -f would kill it and lose what its writable layer holds).`,
        },
      ];
    }
    default:
      return [];
  }
}

/** What `docker rmi <reference>` does once it goes through: only untag, or delete the image. */
function referenceEffect(index: HostIndex, image: ImageRecord, daemonName: string): RemovalEffect {
  const given = normalizeReference(daemonName);
  const references = index.referencesByImageId.get(image.id) ?? [];
  if (given === null) return "untag";
  if (untagReference(references, given).remaining.length > 0) return "untag";
  // The last reference of an image with children goes; the image stays as an untagged parent.
  return (index.childrenByImageId.get(image.id) ?? []).length > 0 ? "untag" : "delete";
}

export interface AnswerContext {
  /** Layers per image ID (for reclaimable bytes); missing images make the bytes a lower bound. */
  layers?: ReadonlyMap<string, ImageLayers>;
  /** Writable-layer bytes per container ID, when known. */
  containerSizes?: ReadonlyMap<string, number>;
}

/** The full answer of `GET /api/blockers` for a resolved target. */
export function answerFor(index: HostIndex, target: ResolvedTarget, context: AnswerContext = {}): BlockersAnswer {
  const prediction = predictRemoval(index, target);
  const removes = removalSetFor(index, target);
  const reclaimable = reclaimableFor(index.snapshot, context.layers ?? new Map(), removes, context.containerSizes);
  const effect: RemovalEffect =
    target.kind === "container" ? "remove" : target.kind === "image-reference" ? referenceEffect(index, target.image, target.daemonName) : "delete";
  const answer: BlockersAnswer = {
    target: target.input,
    targetKind: target.kind,
    node: target.node,
    effect,
    deletable: prediction.outcome !== "refused",
    blockers: blockersFor(index, target),
    daemonMessage: prediction.outcome === "refused" ? prediction.message : null,
    reclaimableBytes: reclaimable.bytes,
    reclaimable,
    removes,
  };
  if (target.kind === "image-reference") answer.reference = target.reference;
  return answer;
}

/** Resolves `input` on the snapshot and answers for it (throws the AppErrors of `resolveTarget`). */
export function explainBlockers(snapshot: HostSnapshot, input: string, context: AnswerContext = {}): BlockersAnswer {
  const index = indexHost(snapshot);
  return answerFor(index, resolveTarget(index, input), context);
}
