import type { ContainerRecord, ImageRecord } from "@/lib/docker/types";
import { prunedParentsOf } from "@/lib/cleanup/blockers";
import { isSingleReference, untagReference } from "@/lib/cleanup/daemon-messages";
import type { PruneScope } from "@/lib/cleanup/plan-types";
import type { Removal } from "@/lib/cleanup/planner";
import { storedReference } from "@/lib/cleanup/planner";
import type { HostIndex } from "@/lib/cleanup/targets";
import { AppError } from "@/lib/errors";

/*
 * What the Docker CLI's prune commands remove, as a removal dockgraph previews and then runs step by step,
 * by ID — never through the daemon's prune endpoints, which would remove whatever matches at that moment.
 *   dangling-images     docker image prune        untagged images without children that no container uses
 *   unused-images       docker image prune -a     every image no container uses; one that still has children in use
 *                                                 only loses its tags, and an image a container uses loses all its
 *                                                 references but the last that the daemon refuses to remove
 *   stopped-containers  docker container prune    created, exited and dead containers
 */

export interface LabelFilter {
  key: string;
  value: string | null;
  /** `label!=…`: keep objects that do NOT carry it. */
  negated: boolean;
}

export interface PruneFilters {
  /** Only objects created before this moment (unix seconds), like `--filter until=…`. */
  until?: number;
  labels: LabelFilter[];
}

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h)$/;

/** `until` as the CLI takes it: a duration back from now ("24h", "30m"), unix seconds, or an RFC 3339 time. */
export function parseUntil(value: string, now: Date): number {
  const trimmed = value.trim();
  const duration = DURATION.exec(trimmed);
  if (duration?.[1] !== undefined && duration[2] !== undefined) {
    const factor = duration[2] === "h" ? 3600 : duration[2] === "m" ? 60 : 1;
    return Math.floor(now.getTime() / 1000 - Number(duration[1]) * factor);
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.floor(Number(trimmed));
  const time = Date.parse(trimmed);
  if (Number.isNaN(time)) {
    throw new AppError("invalid_input", `until must be a duration like 24h, unix seconds or an RFC 3339 time; got ${JSON.stringify(value.slice(0, 40))}.`);
  }
  return Math.floor(time / 1000);
}

/** `label=key`, `label=key=value`, `label!=key`, `label!=key=value` (given without the `label` prefix: "key=value", "!key"). */
export function parseLabelFilter(value: string): LabelFilter {
  const negated = value.startsWith("!");
  const body = negated ? value.slice(1) : value;
  const equals = body.indexOf("=");
  const key = equals === -1 ? body : body.slice(0, equals);
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
    throw new AppError("invalid_input", `Invalid label filter ${JSON.stringify(value.slice(0, 80))}: use key, key=value, !key or !key=value.`);
  }
  return { key, value: equals === -1 ? null : body.slice(equals + 1), negated };
}

function matchesLabels(labels: Record<string, string>, filters: readonly LabelFilter[]): boolean {
  return filters.every((filter) => {
    const has = filter.key in labels && (filter.value === null || labels[filter.key] === filter.value);
    return filter.negated ? !has : has;
  });
}

function matchesFilters(object: { created: number; labels: Record<string, string> }, filters: PruneFilters): boolean {
  if (filters.until !== undefined && !(object.created < filters.until)) return false;
  return matchesLabels(object.labels, filters.labels);
}

const STOPPED_STATES = new Set<ContainerRecord["state"]>(["created", "exited", "dead"]);

function isUsed(index: HostIndex, image: ImageRecord): boolean {
  return (index.containersByImageId.get(image.id) ?? []).length > 0;
}

function hasChildren(index: HostIndex, image: ImageRecord): boolean {
  return (index.childrenByImageId.get(image.id) ?? []).length > 0;
}

/**
 * The daemon's prune -a deletes a used image's references one by one, in the reference store's order
 * (sorted by full name), and each succeeds until only one repository's reference is left: that one it refuses.
 */
function untagsOfUsedImage(index: HostIndex, image: ImageRecord): string[] {
  let remaining = [...(index.referencesByImageId.get(image.id) ?? [])];
  const order = [...remaining].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const untagged: string[] = [];
  for (const reference of order) {
    if (!remaining.some((candidate) => candidate.key === reference.key) || isSingleReference(remaining)) continue;
    untagged.push(storedReference(image, reference));
    remaining = untagReference(remaining, reference).remaining;
  }
  return untagged;
}

/** What `docker <scope> prune` would remove from this host, with the same filters. */
export function pruneRemoval(index: HostIndex, scope: PruneScope, filters: PruneFilters): Removal {
  const removal: Removal = { containers: [], images: [], untagOnly: [], blocked: [] };
  if (scope === "stopped-containers") {
    removal.containers = index.snapshot.containers.filter((container) => STOPPED_STATES.has(container.state) && matchesFilters(container, filters));
    return removal;
  }

  // Candidates as the daemon picks them: not intermediate build steps (untagged with children).
  const considered = index.snapshot.images.filter((image) => {
    if (image.repoTags.length === 0 && image.repoDigests.length === 0 && hasChildren(index, image)) return false;
    if (scope === "dangling-images" && (image.repoTags.length > 0 || hasChildren(index, image))) return false;
    return matchesFilters(image, filters);
  });
  if (scope === "unused-images") {
    for (const image of considered.filter((candidate) => isUsed(index, candidate))) {
      const references = untagsOfUsedImage(index, image);
      if (references.length > 0) {
        removal.untagOnly.push({
          image,
          references,
          reason: "A container uses this image: docker image prune -a removes its references one by one until the daemon refuses the last one, and so does this plan.",
        });
      }
    }
  }
  const candidates = considered.filter((image) => !isUsed(index, image));
  const candidateIds = new Set(candidates.map((image) => image.id));

  // An image goes only when all its children go too; one with children that stay keeps its place (untagged).
  const removable = new Map<string, boolean>();
  const canRemove = (image: ImageRecord): boolean => {
    const known = removable.get(image.id);
    if (known !== undefined) return known;
    const result = candidateIds.has(image.id) && (index.childrenByImageId.get(image.id) ?? []).every((child) => canRemove(child));
    removable.set(image.id, result);
    return result;
  };

  const removedIds = new Set<string>();
  for (const image of candidates) if (canRemove(image)) removedIds.add(image.id);
  const pruned = new Set<string>();
  for (const image of candidates) {
    if (!removedIds.has(image.id)) {
      const references = (index.referencesByImageId.get(image.id) ?? []).map((reference) => storedReference(image, reference));
      if (references.length > 0) {
        removal.untagOnly.push({ image, references, reason: "Images built on it are still in use: it stays as their untagged parent and only its references go (as docker image prune -a does)." });
      }
      continue;
    }
    const parents = prunedParentsOf(index, image.id, new Set([...removedIds, ...pruned])).filter((id) => !removedIds.has(id) && !pruned.has(id));
    parents.forEach((id) => pruned.add(id));
    removal.images.push({ image, pruned: parents });
  }
  return removal;
}
