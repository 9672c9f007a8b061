import type { ContainerRecord, ImageRecord } from "@/lib/docker/types";
import type { HostIndex, NormalizedReference } from "@/lib/cleanup/targets";
import { isImageIdPrefix, lookupContainerAsDaemon, lookupImageAsDaemon, normalizeReference } from "@/lib/cleanup/targets";
import type { ContainerTarget, DaemonAnswer, ImageReferenceTarget, ImageTarget, MissingImageTarget, ResolvedTarget } from "@/lib/cleanup/types";

/*
 * What the daemon answers to a removal, predicted from a snapshot: a transcription of moby's
 * daemon/images/image_delete.go (ImageDelete, imageDeleteHelper, checkImageDeleteConflict,
 * isSingleReference) and daemon/delete.go (cleanupContainer), Engine 20.10, checked against a real
 * daemon by test/integration/differential.test.ts. The daemon reports only the first conflict it meets;
 * where it names "a" container, it takes any qualifying one (a map walk), so predictions carry every
 * candidate and `matchesDaemonMessage` accepts any of them.
 */

export type ImageConflict =
  | "no-such-image"
  | "repository-reference"
  | "child-images"
  | "running-container"
  | "multiple-references"
  | "stopped-container";

export type ImageRemovalPrediction =
  | {
      outcome: "refused";
      /** The HTTP status the daemon answers with. */
      status: 404 | 409;
      conflict: ImageConflict;
      /** The message with the first candidate container named (if it names one). */
      message: string;
      /** Containers (64 hex) any of which the daemon may name in the message. */
      containerCandidates: string[];
    }
  /** References removed; the image stays (other references remain, or it is kept as an untagged parent). */
  | { outcome: "untagged"; untagged: string[] }
  /** References removed and images deleted: the image first, then the parents the daemon pruned with it. */
  | { outcome: "deleted"; untagged: string[]; deleted: string[] };

export type ContainerRemovalPrediction =
  | { outcome: "refused"; status: 404 | 409 | 500; message: string; containerCandidates: [] }
  | { outcome: "removed" };

export interface RemovalOptions {
  /** `docker rmi -f` / `docker rm -f`. dockgraph never forces unasked; modelled so a caller can say what force would do. */
  force?: boolean;
}

/** Running, paused and restarting count as running for every removal rule (moby's `IsRunning`). */
export function isRunningState(container: ContainerRecord): boolean {
  return container.state === "running" || container.state === "paused" || container.state === "restarting";
}

/** moby's stringid.TruncateID: 12 hex, without the algorithm. */
export function truncateId(id: string): string {
  const colon = id.indexOf(":");
  return (colon >= 0 ? id.slice(colon + 1) : id).slice(0, 12);
}

/**
 * moby's isSingleReference: true when the references are one repository's at most one tag plus its
 * digests (false for none). Such an image can be removed by ID without force: the reference goes with it.
 */
export function isSingleReference(references: readonly NormalizedReference[]): boolean {
  if (references.length <= 1) return references.length === 1;
  let single: NormalizedReference | null = null;
  const digestRepositories = new Set<string>();
  for (const reference of references) {
    if (reference.canonical) digestRepositories.add(reference.repository);
    else if (single === null) single = reference;
    else return false;
  }
  const chosen = single ?? references[0];
  return chosen !== undefined && digestRepositories.size === 1 && digestRepositories.has(chosen.repository);
}

const conflictMessages = {
  repositoryReference: (given: string, containerId: string, imageId: string) =>
    `conflict: unable to remove repository reference ${goQuote(given)} (must force) - container ${truncateId(containerId)} is using its referenced image ${truncateId(imageId)}`,
  childImages: (imageId: string) => `conflict: unable to delete ${truncateId(imageId)} (cannot be forced) - image has dependent child images`,
  runningContainer: (imageId: string, containerId: string) =>
    `conflict: unable to delete ${truncateId(imageId)} (cannot be forced) - image is being used by running container ${truncateId(containerId)}`,
  multipleReferences: (imageId: string) => `conflict: unable to delete ${truncateId(imageId)} (must be forced) - image is referenced in multiple repositories`,
  stoppedContainer: (imageId: string, containerId: string) =>
    `conflict: unable to delete ${truncateId(imageId)} (must be forced) - image is being used by stopped container ${truncateId(containerId)}`,
  runningContainerRemoval: (state: string, containerId: string) =>
    `You cannot remove a ${state} container ${containerId}. Stop the container before attempting removal or force remove`,
  pausedContainerRemoval: (containerId: string) =>
    `You cannot remove a paused container ${containerId}. Unpause and then stop the container before attempting removal or force remove`,
  removalInProgress: (given: string) => `removal of container ${given} is already in progress`,
};

/** Go's %q for the names that can reach it (validated references: printable ASCII without quotes). */
function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** The host as the removal walks it: references and images change as the daemon untags and deletes. */
interface WorkingHost {
  index: HostIndex;
  references: Map<string, NormalizedReference[]>;
  deleted: Set<string>;
}

function workingHost(index: HostIndex): WorkingHost {
  return {
    index,
    references: new Map([...index.referencesByImageId].map(([id, references]) => [id, [...references]])),
    deleted: new Set(),
  };
}

function referencesOf(host: WorkingHost, imageId: string): NormalizedReference[] {
  return host.references.get(imageId) ?? [];
}

function childrenOf(host: WorkingHost, imageId: string): ImageRecord[] {
  return (host.index.childrenByImageId.get(imageId) ?? []).filter((child) => !host.deleted.has(child.id));
}

function containersOf(host: WorkingHost, imageId: string): ContainerRecord[] {
  return host.index.containersByImageId.get(imageId) ?? [];
}

type ConflictCheck = { children: boolean; running: boolean; references: boolean; stopped: boolean };

interface Conflict {
  conflict: ImageConflict;
  hard: boolean;
  /** moby's `used`: the conflict is a container using the image. */
  used: boolean;
  message: string;
  containerCandidates: string[];
}

/** moby's checkImageDeleteConflict: children, then a running container, then references, then a stopped container. */
function checkConflict(host: WorkingHost, imageId: string, check: ConflictCheck): Conflict | null {
  if (check.children && childrenOf(host, imageId).length > 0) {
    return { conflict: "child-images", hard: true, used: false, message: conflictMessages.childImages(imageId), containerCandidates: [] };
  }
  const users = containersOf(host, imageId);
  if (check.running) {
    const running = users.filter(isRunningState);
    const first = running[0];
    if (first !== undefined) {
      return {
        conflict: "running-container",
        hard: true,
        used: true,
        message: conflictMessages.runningContainer(imageId, first.id),
        containerCandidates: running.map((container) => container.id),
      };
    }
  }
  if (check.references && referencesOf(host, imageId).length > 0) {
    return { conflict: "multiple-references", hard: false, used: false, message: conflictMessages.multipleReferences(imageId), containerCandidates: [] };
  }
  if (check.stopped) {
    const stopped = users.filter((container) => !isRunningState(container));
    const first = stopped[0];
    if (first !== undefined) {
      return {
        conflict: "stopped-container",
        hard: false,
        used: true,
        message: conflictMessages.stoppedContainer(imageId, first.id),
        containerCandidates: stopped.map((container) => container.id),
      };
    }
  }
  return null;
}

function refused(conflict: Conflict): ImageRemovalPrediction {
  return { outcome: "refused", status: 409, conflict: conflict.conflict, message: conflict.message, containerCandidates: conflict.containerCandidates };
}

type HelperResult = { conflict: Conflict } | { deleted: string[]; untagged: string[] } | { quietlyKept: true };

/**
 * moby's imageDeleteHelper: conflicts (soft ones only without force), then every reference goes, the
 * image is deleted, and its parent is pruned quietly (not forced) while untagged, unused and childless.
 */
function deleteHelper(host: WorkingHost, imageId: string, force: boolean, quiet: boolean): HelperResult {
  const conflict = checkConflict(host, imageId, { children: true, running: true, references: !force, stopped: !force });
  if (conflict !== null) {
    const dangling = referencesOf(host, imageId).length === 0 && childrenOf(host, imageId).length === 0;
    // A quiet helper (after a by-reference untag, or pruning a parent) keeps the image silently unless it is a dangling, unused one.
    if (quiet && (!dangling || conflict.used)) return { quietlyKept: true };
    return { conflict };
  }
  const untagged = referencesOf(host, imageId).map((reference) => reference.familiar);
  host.references.set(imageId, []);
  host.deleted.add(imageId);
  const deleted = [imageId];
  const parentId = host.index.imagesById.get(imageId)?.parentId ?? null;
  if (parentId !== null && host.index.imagesById.has(parentId)) {
    const pruned = deleteHelper(host, parentId, false, true);
    if ("deleted" in pruned) {
      deleted.push(...pruned.deleted);
      untagged.push(...pruned.untagged);
    }
  }
  return { deleted, untagged };
}

/**
 * What removing one reference takes away: the reference, and when it was a repository's last tag, that
 * repository's digests too (the daemon cleans them up so that no digest-only leftovers remain).
 */
export function untagReference(
  references: readonly NormalizedReference[],
  given: NormalizedReference,
): { removed: NormalizedReference[]; remaining: NormalizedReference[] } {
  const removed = [given];
  let remaining = references.filter((reference) => reference.key !== given.key);
  if (!given.canonical && !remaining.some((reference) => !reference.canonical && reference.repository === given.repository)) {
    const sameRepositoryDigests = remaining.filter((reference) => reference.canonical && reference.repository === given.repository);
    removed.push(...sameRepositoryDigests);
    remaining = remaining.filter((reference) => !sameRepositoryDigests.includes(reference));
  }
  return { removed, remaining };
}

/** The daemon's answer to `DELETE /images/{name}` (`docker rmi name`) for a resolved image target. */
export function predictImageRemoval(
  index: HostIndex,
  target: ImageTarget | ImageReferenceTarget | MissingImageTarget,
  options: RemovalOptions = {},
): ImageRemovalPrediction {
  if (target.kind === "missing-image") {
    return { outcome: "refused", status: 404, conflict: "no-such-image", message: `No such image: ${target.imageId}`, containerCandidates: [] };
  }
  return predictImageRemovalOf(index, target.image, target.kind === "image-reference" ? target.daemonName : null, options);
}

/**
 * The daemon's answer to `DELETE /images/{name}` for any name, resolved as the daemon does
 * (an unknown name or ambiguous ID prefix is a 404 "No such image").
 */
export function predictImageRemovalByName(index: HostIndex, name: string, options: RemovalOptions = {}): ImageRemovalPrediction {
  const lookup = lookupImageAsDaemon(index, name);
  if (!lookup.found) return { outcome: "refused", status: 404, conflict: "no-such-image", message: lookup.notFoundMessage, containerCandidates: [] };
  const byReference = lookup.reference !== null && !isImageIdPrefix(lookup.image.id, name);
  return predictImageRemovalOf(index, lookup.image, byReference ? name : null, options);
}

/** `referenceGiven`: the name as given when the daemon treats it as a reference; null for removal by ID. */
function predictImageRemovalOf(index: HostIndex, image: ImageRecord, referenceGiven: string | null, options: RemovalOptions): ImageRemovalPrediction {
  const force = options.force === true;
  const host = workingHost(index);
  const references = referencesOf(host, image.id);
  const untagged: string[] = [];

  if (referenceGiven !== null) {
    const given = normalizeReference(referenceGiven);
    if (given === null || !references.some((reference) => reference.key === given.key)) {
      throw new Error(`predictImageRemoval: ${referenceGiven} is not a reference of ${image.id}`);
    }
    if (!force && isSingleReference(references)) {
      const users = containersOf(host, image.id);
      const first = users[0];
      if (first !== undefined) {
        // Untagging the only reference would leave a dangling image that containers use: the daemon wants force.
        return {
          outcome: "refused",
          status: 409,
          conflict: "repository-reference",
          message: conflictMessages.repositoryReference(referenceGiven, first.id, image.id),
          containerCandidates: users.map((container) => container.id),
        };
      }
    }
    const { removed, remaining } = untagReference(references, given);
    untagged.push(...removed.map((reference) => reference.familiar));
    host.references.set(image.id, remaining);
    if (remaining.length > 0) return { outcome: "untagged", untagged };
    const result = deleteHelper(host, image.id, force, true);
    if ("conflict" in result) return refused(result.conflict);
    if ("quietlyKept" in result) return { outcome: "untagged", untagged };
    return { outcome: "deleted", untagged: [...untagged, ...result.untagged], deleted: result.deleted };
  }

  if (isSingleReference(references)) {
    // With one reference, the daemon checks everything but references first, then untags, then deletes.
    const conflict = checkConflict(host, image.id, { children: true, running: true, references: false, stopped: !force });
    if (conflict !== null) return refused(conflict);
    untagged.push(...references.map((reference) => reference.familiar));
    host.references.set(image.id, []);
  }
  const result = deleteHelper(host, image.id, force, false);
  if ("conflict" in result) return refused(result.conflict);
  if ("quietlyKept" in result) return { outcome: "untagged", untagged };
  return { outcome: "deleted", untagged: [...untagged, ...result.untagged], deleted: result.deleted };
}

/** The daemon's answer to `DELETE /containers/{name}` (`docker rm name`). */
export function predictContainerRemoval(target: ContainerTarget, options: RemovalOptions = {}): ContainerRemovalPrediction {
  return predictContainerRemovalOf(target.container, target.daemonName, options);
}

/**
 * The daemon's answer to `DELETE /containers/{name}` for any name, resolved as the daemon does
 * (an ambiguous ID prefix is a server error there, not a 404).
 */
export function predictContainerRemovalByName(index: HostIndex, name: string, options: RemovalOptions = {}): ContainerRemovalPrediction {
  const lookup = lookupContainerAsDaemon(index, name);
  if (lookup.found) return predictContainerRemovalOf(lookup.container, name, options);
  if (lookup.candidates.length > 1) {
    return { outcome: "refused", status: 500, message: `Multiple IDs found with provided prefix: ${name}`, containerCandidates: [] };
  }
  return { outcome: "refused", status: 404, message: `No such container: ${name}`, containerCandidates: [] };
}

function predictContainerRemovalOf(container: ContainerRecord, given: string, options: RemovalOptions): ContainerRemovalPrediction {
  if (container.state === "removing") {
    return { outcome: "refused", status: 409, message: conflictMessages.removalInProgress(given), containerCandidates: [] };
  }
  if (isRunningState(container) && options.force !== true) {
    const message =
      container.state === "paused"
        ? conflictMessages.pausedContainerRemoval(container.id)
        : conflictMessages.runningContainerRemoval(container.state, container.id);
    return { outcome: "refused", status: 409, message, containerCandidates: [] };
  }
  return { outcome: "removed" };
}

export type RemovalPrediction = ImageRemovalPrediction | ContainerRemovalPrediction;

export function predictRemoval(index: HostIndex, target: ResolvedTarget, options: RemovalOptions = {}): RemovalPrediction {
  return target.kind === "container" ? predictContainerRemoval(target, options) : predictImageRemoval(index, target, options);
}

/** The daemon's words for the non-forced removal of the target as typed, or null when it would succeed. */
export function daemonMessageFor(index: HostIndex, target: ResolvedTarget): string | null {
  const prediction = predictRemoval(index, target);
  return prediction.outcome === "refused" ? prediction.message : null;
}

/**
 * Whether the daemon's actual message is the predicted one: the same words, naming any one of the
 * predicted candidate containers where the daemon names a container.
 */
export function matchesDaemonMessage(prediction: RemovalPrediction, actual: string): boolean {
  if (prediction.outcome !== "refused") return false;
  if (prediction.message === actual) return true;
  const [first, ...others] = prediction.containerCandidates;
  if (first === undefined) return false;
  const named = truncateId(first);
  return others.some((candidate) => prediction.message.replace(named, truncateId(candidate)) === actual);
}

export interface AnswerComparison {
  agrees: boolean;
  expected: string;
  actual: string;
}

function describePrediction(prediction: RemovalPrediction): string {
  switch (prediction.outcome) {
    case "refused":
      return `${prediction.status} ${prediction.message}${prediction.containerCandidates.length > 1 ? ` (or naming any of ${prediction.containerCandidates.length} containers)` : ""}`;
    case "removed":
      return "removed";
    case "untagged":
      return `untagged [${prediction.untagged.join(", ")}]`;
    case "deleted":
      return `untagged [${prediction.untagged.join(", ")}], deleted [${prediction.deleted.map(truncateId).join(", ")}]`;
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

/**
 * Whether the daemon did what was predicted: refused with the predicted status and words (naming any
 * predicted candidate container), or went through untagging the same references and deleting the same
 * images in the same order. `imageIds` tells image IDs from the layer chain IDs the daemon also lists as deleted.
 */
export function compareWithDaemonAnswer(prediction: RemovalPrediction, answer: DaemonAnswer, imageIds: ReadonlySet<string>): AnswerComparison {
  const deletedImages = answer.deleted.filter((id) => imageIds.has(id));
  const actual =
    answer.status >= 300
      ? `${answer.status} ${answer.message ?? ""}`
      : answer.deleted.length === 0 && answer.untagged.length === 0
        ? "removed"
        : `untagged [${answer.untagged.join(", ")}], deleted [${deletedImages.map(truncateId).join(", ")}]`;
  const expected = describePrediction(prediction);
  let agrees: boolean;
  switch (prediction.outcome) {
    case "refused":
      agrees = answer.status === prediction.status && answer.message !== null && matchesDaemonMessage(prediction, answer.message);
      break;
    case "removed":
      agrees = answer.status < 300;
      break;
    case "untagged":
      agrees = answer.status < 300 && sameMembers(prediction.untagged, answer.untagged) && deletedImages.length === 0;
      break;
    case "deleted":
      agrees =
        answer.status < 300 && sameMembers(prediction.untagged, answer.untagged) && deletedImages.join("\n") === prediction.deleted.join("\n");
      break;
  }
  return { agrees, expected, actual };
}
