import type { ContainerRecord, HostSnapshot, ImageLayers, ImageRecord } from "@/lib/docker/types";
import { containerNodeId, imageNodeId, shortImageId } from "@/lib/graph/build";
import { extraReferencesOf, removalSetFor } from "@/lib/cleanup/blockers";
import { isRunningState, untagReference } from "@/lib/cleanup/daemon-messages";
import type { BlockedTarget, Plan, PlanStep, PlanWarning, PruneScope } from "@/lib/cleanup/plan-types";
import { reclaimableFor } from "@/lib/cleanup/reclaimable";
import { shellComment, shellQuote } from "@/lib/cleanup/shell-script";
import type { HostIndex, NormalizedReference } from "@/lib/cleanup/targets";
import { indexHost, normalizeReference, resolveTarget } from "@/lib/cleanup/targets";
import { formatBytes, plural } from "@/lib/format";

/*
 * The planner: from what the user chose to an ordered list of steps the daemon accepts without force —
 * stop (only with consent; unpause first), remove containers, untag extra references, remove images
 * children before parents. Pure: the snapshot, layers and sizes come in, a plan comes out.
 */

export const PLAN_TTL_MS = 5 * 60_000;
const GROUP_UNPAUSE = 1;
const GROUP_STOP = 2;
const GROUP_REMOVE_CONTAINER = 3;
const GROUP_UNTAG_FIRST = 10;
const GROUP_REMOVE_IMAGE_BASE = 1_000_000;
const STOP_GRACE_SECONDS = 10;

export interface PlanningContext {
  snapshot: HostSnapshot;
  layers: ReadonlyMap<string, ImageLayers>;
  /** Writable-layer sizes by container ID; without them container bytes and data warnings are unknown. */
  containerSizes?: ReadonlyMap<string, number>;
  /** The snapshot's index when the caller keeps one ready (the live host model); else built here. */
  index?: HostIndex;
  planId: string;
  now: Date;
}

/** What a plan removes, before it is put in order. */
export interface Removal {
  containers: ContainerRecord[];
  /** Images removed by ID, each with the untagged parents the daemon then prunes by itself. */
  images: { image: ImageRecord; pruned: string[] }[];
  /** References that go from images that stay (as `docker image prune -a` leaves them). */
  untagOnly: { image: ImageRecord; references: string[]; reason: string }[];
  blocked: BlockedTarget[];
}

function emptyRemoval(): Removal {
  return { containers: [], images: [], untagOnly: [], blocked: [] };
}

const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;

function imageLabel(image: ImageRecord): string {
  return image.repoTags[0] ?? image.repoDigests[0] ?? `<none> ${shortImageId(image.id)}`;
}

/** The reference as the daemon stores and lists it (what `docker rmi` takes). */
export function storedReference(image: ImageRecord, reference: NormalizedReference): string {
  return [...image.repoTags, ...image.repoDigests].find((value) => normalizeReference(value)?.key === reference.key) ?? reference.familiar;
}

/** What changed between the references a step expects and those found (compared as the daemon resolves them), in words; null when none. */
export function referenceChange(subject: string, expected: readonly string[], actual: readonly string[]): string | null {
  const key = (value: string) => normalizeReference(value)?.key ?? value;
  const expectedKeys = new Set(expected.map(key));
  const actualKeys = new Set(actual.map(key));
  const added = actual.filter((value) => !expectedKeys.has(key(value)));
  const removed = expected.filter((value) => !actualKeys.has(key(value)));
  if (added.length === 0 && removed.length === 0) return null;
  const parts = [
    added.length > 0 ? `it was tagged ${added.join(", ")} since planning (going on would take ${added.length > 1 ? "those references" : "that reference"} with it)` : null,
    removed.length > 0 ? `${removed.join(", ")} ${removed.length > 1 ? "were" : "was"} removed from it since planning` : null,
  ].filter((part): part is string => part !== null);
  return `${subject}: ${parts.join("; ")}. Stopped here; the image and its references stay.`;
}

function chainDepth(index: HostIndex, imageId: string): number {
  let depth = 0;
  let parentId = index.imagesById.get(imageId)?.parentId ?? null;
  while (parentId !== null && depth < 10_000) {
    depth += 1;
    parentId = index.imagesById.get(parentId)?.parentId ?? null;
  }
  return depth;
}

function stateNeedsStop(container: ContainerRecord): boolean {
  return isRunningState(container);
}

/** The removal for user-chosen targets: each target entirely, with what must go first; blocked ones left out whole. */
export function removalForTargets(index: HostIndex, targets: readonly string[], options: { stopRunning: boolean }): Removal {
  const removal = emptyRemoval();
  for (const input of targets) {
    const target = resolveTarget(index, input);
    const set = removalSetFor(index, target);
    const containers = set.containerIds.flatMap((id) => {
      const container = index.snapshot.containers.find((candidate) => candidate.id === id);
      return container ? [container] : [];
    });
    const removing = containers.filter((container) => container.state === "removing");
    if (removing.length > 0) {
      removal.blocked.push({
        target: input,
        node: target.node,
        needs: "wait",
        reason: `The daemon is already removing ${removing.map((container) => container.name).join(", ")}: wait for it, then plan again.`,
      });
      continue;
    }
    const running = containers.filter(stateNeedsStop);
    if (running.length > 0 && !options.stopRunning) {
      removal.blocked.push({
        target: input,
        node: target.node,
        needs: "stop-running",
        reason: `${running.map((container) => `${container.name} (${container.state})`).join(", ")} must be stopped first; allow stopping running containers to include it.`,
      });
      continue;
    }
    removal.containers.push(...containers);
    const explicit = set.imageIds.filter((id) => !set.prunedParentIds.includes(id));
    explicit.forEach((id, position) => {
      const image = index.imagesById.get(id);
      if (!image) return;
      // The daemon prunes the untagged parents after the last image of the set: its step carries them.
      removal.images.push({ image, pruned: position === explicit.length - 1 ? set.prunedParentIds : [] });
    });
  }
  return removal;
}

/** Why a container is removed, in the user's terms: for its image, because it was chosen, or by the prune. */
function removeContainerReason(container: ContainerRecord, image: ImageRecord | undefined, goingImages: ReadonlySet<string>, kind: "targets" | "prune"): string {
  if (image === undefined) return "Its image is already gone (removed with force); nothing else depends on it.";
  if (goingImages.has(image.id)) return `It uses ${imageLabel(image)}, which goes too: containers go before their images.`;
  if (kind === "prune") return `It is ${container.state === "created" ? "created but never started" : container.state}: docker container prune removes it. Its image ${imageLabel(image)} stays.`;
  return `You chose it. Its image ${imageLabel(image)} stays.`;
}

/** Puts a removal in the daemon's order and prices it: the plan. */
export function planFromRemoval(
  context: PlanningContext,
  removal: Removal,
  meta: { kind: "targets" | "prune"; scope?: PruneScope; targets: string[]; stopRunning: boolean },
): Plan {
  const index = context.index ?? indexHost(context.snapshot);
  const sizes = context.containerSizes;

  const containers = dedupeBy(removal.containers, (container) => container.id);
  const explicitImageIds = new Set(removal.images.map((entry) => entry.image.id));
  const images = dedupeBy(removal.images, (entry) => entry.image.id)
    .map((entry, order) => ({ ...entry, pruned: entry.pruned.filter((id) => !explicitImageIds.has(id)), order, depth: chainDepth(index, entry.image.id) }))
    // Children before parents: deeper in the chain first; otherwise as the targets came.
    .sort((a, b) => b.depth - a.depth || a.order - b.order);
  const untagOnly = dedupeBy(removal.untagOnly, (entry) => entry.image.id).filter((entry) => !explicitImageIds.has(entry.image.id));

  const removedContainerIds = containers.map((container) => container.id);
  const prunedIds = images.flatMap((entry) => entry.pruned);
  const allImageIds = [...images.map((entry) => entry.image.id), ...prunedIds];
  const goingImages = new Set(allImageIds);

  const steps: Omit<PlanStep, "id">[] = [];
  for (const container of containers) {
    if (!stateNeedsStop(container)) continue;
    const node = containerNodeId(container.id);
    const expect = { kind: "container" as const, containerId: container.id, imageId: container.imageId, state: container.state };
    if (container.state === "paused") {
      steps.push({ action: "unpause-container", node, subject: container.name, reason: "A paused container cannot be stopped: it is unpaused first.", bytes: 0, command: `docker unpause ${container.id}${shellComment(container.name)}`, expect, group: GROUP_UNPAUSE });
    }
    steps.push({
      action: "stop-container",
      node,
      subject: container.name,
      reason: `It is ${container.state} and must stop before it can be removed (you allowed stopping running containers).`,
      bytes: 0,
      command: `docker stop --time ${STOP_GRACE_SECONDS} ${container.id}${shellComment(container.name)}`,
      expect,
      group: GROUP_STOP,
    });
  }
  for (const container of containers) {
    const image = index.imagesById.get(container.imageId);
    steps.push({
      action: "remove-container",
      node: containerNodeId(container.id),
      subject: container.name,
      reason: removeContainerReason(container, image, goingImages, meta.kind),
      bytes: sizes?.get(container.id) ?? 0,
      // By full ID: a name can be reused and a short ID become ambiguous before the script runs.
      command: `docker rm ${container.id}${shellComment(container.name)}`,
      expect: { kind: "container", containerId: container.id, imageId: container.imageId, state: container.state },
      group: GROUP_REMOVE_CONTAINER,
    });
  }
  // The references each image carries as the steps go: what the executor expects to find before each step.
  const referencesNow = new Map<string, NormalizedReference[]>();
  const referencesOf = (image: ImageRecord): NormalizedReference[] => referencesNow.get(image.id) ?? index.referencesByImageId.get(image.id) ?? [];
  const stored = (image: ImageRecord, references: readonly NormalizedReference[]) => references.map((reference) => storedReference(image, reference));
  let nextUntagGroup = GROUP_UNTAG_FIRST;
  const untags = [
    ...images.map((entry) => ({
      image: entry.image,
      references: extraReferencesOf(index.referencesByImageId.get(entry.image.id) ?? []).map((reference) => storedReference(entry.image, reference)),
      reason: "The image has other references: the daemon deletes an image by ID only once one reference is left.",
    })),
    ...untagOnly,
  ];
  for (const { image, references, reason } of untags) {
    for (const ref of references) {
      const before = referencesOf(image);
      const normalized = normalizeReference(ref);
      if (normalized) referencesNow.set(image.id, untagReference(before, normalized).remaining);
      steps.push({
        action: "untag",
        node: imageNodeId(image.id),
        ref,
        subject: ref,
        reason,
        bytes: 0,
        command: `docker rmi ${shellQuote(ref)}`,
        expect: { kind: "reference", imageId: image.id, reference: ref, references: stored(image, before) },
        // One at a time: untagging two references of one image side by side would race on "is it the last one?".
        group: nextUntagGroup++,
      });
    }
  }

  const maxDepth = Math.max(0, ...images.map((entry) => entry.depth));
  // Bytes per image step: what the plan has freed after it, minus what it had freed before.
  const removedSoFar: string[] = [];
  let freedSoFar = 0;
  for (const entry of images) {
    removedSoFar.push(entry.image.id, ...entry.pruned);
    const freed = reclaimableFor(context.snapshot, context.layers, { imageIds: removedSoFar, containerIds: [] }).layerBytes;
    const children = (index.childrenByImageId.get(entry.image.id) ?? []).map((child) => child.id);
    const users = (index.containersByImageId.get(entry.image.id) ?? []).map((container) => container.id);
    const prunedNote = entry.pruned.length > 0 ? ` The daemon also deletes ${plural(entry.pruned.length, "untagged parent image")} it leaves unused.` : "";
    steps.push({
      action: "remove-image",
      node: imageNodeId(entry.image.id),
      subject: imageLabel(entry.image),
      reason:
        (children.length > 0 ? "Its child images are removed before it." : users.length > 0 ? "Its containers are removed before it." : "Nothing uses it.") + prunedNote,
      bytes: freed - freedSoFar,
      command: `docker rmi ${entry.image.id}${shellComment(imageLabel(entry.image))}`,
      expect: { kind: "image", imageId: entry.image.id, containerIds: users, childIds: children, references: stored(entry.image, referencesOf(entry.image)) },
      // Images at the same depth are never each other's parent: they can go side by side, deepest first.
      group: GROUP_REMOVE_IMAGE_BASE + (maxDepth - entry.depth),
    });
    freedSoFar = freed;
  }

  const reclaimable = reclaimableFor(context.snapshot, context.layers, { imageIds: allImageIds, containerIds: removedContainerIds }, sizes);
  return {
    planId: context.planId,
    kind: meta.kind,
    ...(meta.scope ? { scope: meta.scope } : {}),
    targets: meta.targets,
    stopRunning: meta.stopRunning,
    createdAt: context.now.toISOString(),
    expiresAt: new Date(context.now.getTime() + PLAN_TTL_MS).toISOString(),
    steps: steps.map((step, position) => ({ ...step, id: position + 1 })),
    reclaimableBytes: reclaimable.bytes,
    reclaimable,
    warnings: warningsFor(index, containers, images.map((entry) => entry.image), goingImages, sizes),
    blocked: removal.blocked,
    removes: { containerIds: removedContainerIds, imageIds: images.map((entry) => entry.image.id), prunedImageIds: prunedIds },
  };
}

function warningsFor(
  index: HostIndex,
  containers: ContainerRecord[],
  images: ImageRecord[],
  goingImages: ReadonlySet<string>,
  sizes: ReadonlyMap<string, number> | undefined,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  for (const container of containers) {
    const node = containerNodeId(container.id);
    if (stateNeedsStop(container)) {
      warnings.push({ kind: "will-stop", node, message: `${container.name} is ${container.state} and will be stopped (SIGTERM, then SIGKILL after ${STOP_GRACE_SECONDS} s).` });
    }
    const size = sizes?.get(container.id);
    if (size !== undefined && size > 0) {
      warnings.push({
        kind: "writable-data",
        node,
        bytes: size,
        message: `${container.name} holds ${formatBytes(size)} of its own data (files written in the container): they are deleted with it.`,
      });
    }
    const volumes = container.mounts.filter((mount) => mount.type === "volume" && mount.name !== null);
    const anonymous = volumes.filter((mount) => ANONYMOUS_VOLUME.test(mount.name ?? ""));
    const named = volumes.filter((mount) => !ANONYMOUS_VOLUME.test(mount.name ?? ""));
    if (anonymous.length > 0) {
      warnings.push({
        kind: "anonymous-volumes",
        node,
        message: `${container.name} has ${plural(anonymous.length, "anonymous volume")} (${anonymous.map((mount) => mount.destination).join(", ")}): they are kept and left behind; remove them later with docker volume rm if unneeded.`,
      });
    }
    if (named.length > 0) {
      warnings.push({ kind: "named-volumes", node, message: `${named.length === 1 ? "Named volume" : "Named volumes"} ${named.map((mount) => mount.name).join(", ")} of ${container.name} ${named.length === 1 ? "is" : "are"} never removed.` });
    }
  }
  for (const image of images) {
    if (image.repoTags.length > 0 && image.repoDigests.length === 0 && goingImages.has(image.id)) {
      warnings.push({
        kind: "not-pullable",
        node: imageNodeId(image.id),
        message: `${image.repoTags.join(", ")} has no registry digest: it was built or loaded here and cannot be pulled back.`,
      });
    }
  }
  return warnings;
}

function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const value = key(item);
    if (seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}

/** A plan that removes each target entirely (any form the blockers API accepts). Throws AppError for bad targets. */
export function planForTargets(context: PlanningContext, targets: readonly string[], options: { stopRunning: boolean }): Plan {
  const index = context.index ?? indexHost(context.snapshot);
  const removal = removalForTargets(index, targets, options);
  return planFromRemoval(context, removal, { kind: "targets", targets: [...targets], stopRunning: options.stopRunning });
}
