import { isFullContainerId, isFullImageId, isImageReference } from "../../lib/docker/names";
import type { RecordedRequest } from "./socket-relay";

/*
 * The Engine API calls dockgraph makes while it only reads (graph, blockers, sizes, disk, health, events, planning),
 * as an allow-list for what a socket relay recorded. A name in a path must be an object the host really has (by
 * full ID, or one of its references): then nothing a client typed reached the daemon unvalidated.
 */

export interface KnownHost {
  imageIds: ReadonlySet<string>;
  containerIds: ReadonlySet<string>;
  references: ReadonlySet<string>;
}

type QueryRule = Record<string, (value: string, host: KnownHost) => boolean>;

const one = (value: string) => value === "1";
const jsonFilters = (allowed: (filters: Record<string, unknown>, host: KnownHost) => boolean) => (value: string, host: KnownHost) => {
  try {
    const filters: unknown = JSON.parse(value);
    return typeof filters === "object" && filters !== null && !Array.isArray(filters) && allowed(filters as Record<string, unknown>, host);
  } catch {
    return false;
  }
};
const unixTime = (value: string) => /^\d{1,12}(\.\d{1,9})?$/.test(value);
const stringList = (value: unknown, check: (item: string) => boolean) => Array.isArray(value) && value.every((item) => typeof item === "string" && check(item));

const READ_CALLS: { method: string; path: RegExp; name?: "image" | "container"; query: QueryRule }[] = [
  { method: "GET", path: /^\/_ping$/, query: {} },
  { method: "GET", path: /^\/version$/, query: {} },
  { method: "GET", path: /^\/info$/, query: {} },
  { method: "GET", path: /^\/system\/df$/, query: {} },
  { method: "GET", path: /^\/images\/json$/, query: { all: one } },
  {
    method: "GET",
    path: /^\/containers\/json$/,
    query: {
      all: one,
      size: one,
      // Containers on an image (ancestor), or a plan's own containers whose sizes are read fresh (id).
      filters: jsonFilters(
        (filters, host) =>
          Object.keys(filters).every((key) => key === "ancestor" || key === "id") &&
          (filters.ancestor === undefined || stringList(filters.ancestor, (id) => host.imageIds.has(id))) &&
          (filters.id === undefined || stringList(filters.id, (id) => host.containerIds.has(id))),
      ),
    },
  },
  { method: "GET", path: /^\/images\/([^/]+)\/(?:json|history)$/, name: "image", query: {} },
  { method: "GET", path: /^\/containers\/([^/]+)\/json$/, name: "container", query: {} },
  {
    method: "GET",
    path: /^\/events$/,
    // The live stream, and the read barrier's look at the daemon's recent log (since/until: unix seconds.fraction).
    query: {
      filters: jsonFilters((filters) => Object.keys(filters).every((key) => key === "type") && stringList(filters.type, (type) => type === "image" || type === "container")),
      since: unixTime,
      until: unixTime,
    },
  },
];

// docker-modem may prefix the API version.
const VERSION_PREFIX = /^\/v1\.\d+(?=\/)/;

/** Why a recorded call is not one dockgraph may make with validated input, or null when it is. */
export function invalidReadCall(request: RecordedRequest, host: KnownHost): string | null {
  const path = request.path.replace(VERSION_PREFIX, "");
  const call = READ_CALLS.find((candidate) => candidate.method === request.method && candidate.path.test(path));
  if (!call) return `${request.method} ${path} is not a read call dockgraph makes`;
  if (call.name !== undefined) {
    const name = call.path.exec(path)?.[1] ?? "";
    const known =
      call.name === "image"
        ? (isFullImageId(name) && host.imageIds.has(name)) || (isImageReference(name) && host.references.has(name))
        : isFullContainerId(name) && host.containerIds.has(name);
    if (!known) return `${request.method} ${path} names ${JSON.stringify(name)}, not a full ID or reference of an object on the host`;
  }
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(request.query)) {
    const rule = call.query[key];
    if (rule === undefined) return `${request.method} ${path} with an unexpected query parameter ${JSON.stringify(key)}`;
    if (seen.has(key)) return `${request.method} ${path} with ${key} twice`;
    seen.add(key);
    if (!rule(value, host)) return `${request.method} ${path} with ${key}=${JSON.stringify(value)}`;
  }
  return null;
}
