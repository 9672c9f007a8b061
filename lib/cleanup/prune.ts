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
  /** `label!=…`: leave out objects that carry it. */
  negated: boolean;
}

export interface PruneFilters {
  /** Only objects created no later than this moment (unix seconds, maybe fractional), like `--filter until=…`. */
  until?: number;
  labels: LabelFilter[];
}

// Go's time.ParseDuration units, in nanoseconds ("µs" and "μs" are both micro).
const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, "\u00b5s": 1e3, "\u03bcs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's `time.ParseDuration` ("24h", "1h30m", "1.5h", "-10m", "300ms"), in seconds; null when it is not one. */
export function parseGoDuration(value: string): number | null {
  let rest = value;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return null;
  let nanoseconds = 0;
  while (rest.length > 0) {
    const part = /^(\d*)(?:\.(\d*))?([^\d.]+)/.exec(rest);
    if (!part) return null;
    const [whole, integer = "", fraction = "", unit = ""] = part;
    const factor = DURATION_UNITS[unit];
    if ((integer === "" && fraction === "") || factor === undefined) return null;
    nanoseconds += Number(`${integer || "0"}.${fraction || "0"}`) * factor;
    rest = rest.slice(whole.length);
  }
  return (sign * nanoseconds) / 1e9;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The time forms the daemon's `until` filter takes besides durations (moby `api/types/time.GetTimestamp`):
 * RFC 3339 with or without seconds, minutes or the time ("2026-11-01", "2026-11-01T10", "2026-11-01T10:30:00.5Z",
 * "…+02:00"); without a zone it is local time at the current offset (of this server, normally the daemon's machine).
 */
function parseTimestamp(value: string, now: Date): number | null {
  const match = TIMESTAMP.exec(value);
  if (!match) return null;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, se] = fields;
  const utc = Date.UTC(y, mo - 1, d, h, mi, se);
  const check = new Date(utc);
  // Go refuses out-of-range fields (month 13, 30 February, hour 24) instead of rolling them over.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== se) {
    return null;
  }
  let offsetMinutes = -now.getTimezoneOffset();
  if (zone === "Z") offsetMinutes = 0;
  else if (zone !== undefined) offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return (utc - offsetMinutes * 60_000) / 1000 + (fraction === "" ? 0 : Number(`0.${fraction}`));
}

/**
 * `until` as the daemon takes it from `docker … prune --filter until=…`: a Go duration back from now, an RFC 3339
 * time (or date), or unix seconds (`1700000000`, `1700000000.5`). Durations count whole seconds, as the daemon's do.
 */
export function parseUntil(value: string, now: Date): number {
  const trimmed = value.trim();
  const duration = trimmed === "0" ? null : parseGoDuration(trimmed);
  if (duration !== null) return Math.floor(now.getTime() / 1000 - duration);
  const time = parseTimestamp(trimmed, now);
  if (time !== null) return time;
  if (!trimmed.includes("-") && /^\+?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  throw new AppError(
    "invalid_input",
    `until must be a duration (24h, 1h30m), an RFC 3339 time (2026-11-01T10:00:00Z, 2026-11-01) or unix seconds; got ${JSON.stringify(value.slice(0, 40))}.`,
  );
}

/** `label=key`, `label=key=value`, `label!=key`, `label!=key=value` (given without the `label` prefix: "key=value", "!key"). */
export function parseLabelFilter(value: string): LabelFilter {
  const negated = value.startsWith("!");
  const body = negated ? value.slice(1) : value;
  const equals = body.indexOf("=");
  const key = equals === -1 ? body : body.slice(0, equals);
  if (!/^[^\s=!][^\s=]*$/.test(key)) {
    throw new AppError("invalid_input", `Invalid label filter ${JSON.stringify(value.slice(0, 80))}: use key, key=value, !key or !key=value.`);
  }
  return { key, value: equals === -1 ? null : body.slice(equals + 1), negated };
}

/** Filters exactly as `--filter` takes them ("until=24h", "label=key=value", "label!=key"), merged into `base`. */
export function parseCliFilters(values: readonly string[], now: Date, base: PruneFilters = { labels: [] }): PruneFilters {
  const filters: PruneFilters = { ...base, labels: [...base.labels] };
  for (const value of values) {
    const equals = value.indexOf("=");
    const name = equals === -1 ? value : value.slice(0, equals);
    const argument = equals === -1 ? "" : value.slice(equals + 1);
    if (name === "until") {
      // The daemon refuses a second until ("more than one until filter specified").
      if (filters.until !== undefined) throw new AppError("invalid_input", "More than one until filter: give one.");
      filters.until = parseUntil(argument, now);
    } else if (name === "label" || name === "label!") {
      filters.labels.push(parseLabelFilter(`${name === "label!" ? "!" : ""}${argument}`));
    } else {
      throw new AppError("invalid_input", `Invalid filter ${JSON.stringify(value.slice(0, 80))}: prune takes until=…, label=… and label!=….`);
    }
  }
  return filters;
}

function hasLabel(labels: Record<string, string>, filter: LabelFilter): boolean {
  return Object.hasOwn(labels, filter.key) && (filter.value === null || labels[filter.key] === filter.value);
}

/**
 * The daemon's rule (moby `matchLabels`): every `label` filter must match; `label!` filters leave an object out
 * only when ALL of them match it (so `label!=a label!=b` keeps what carries just one of a and b).
 */
export function matchesLabels(labels: Record<string, string>, filters: readonly LabelFilter[]): boolean {
  const required = filters.filter((filter) => !filter.negated);
  const excluded = filters.filter((filter) => filter.negated);
  if (!required.every((filter) => hasLabel(labels, filter))) return false;
  return excluded.length === 0 || !excluded.every((filter) => hasLabel(labels, filter));
}

function matchesFilters(object: { created: number; labels: Record<string, string> }, filters: PruneFilters): boolean {
  // `created` is whole seconds: one created in the very second `until` names counts as after it, as it almost surely is.
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
