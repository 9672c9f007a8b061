import { describe, isContainerName, isHexId, isImageIdForm, MAX_NAME_LENGTH, parseImageReference } from "@/lib/docker/names";
import type { ContainerRecord, HostSnapshot, ImageRecord } from "@/lib/docker/types";
import { AppError } from "@/lib/errors";
import { containerNodeId, imageNodeId, shortImageId } from "@/lib/graph/build";
import type { ContainerTarget, ImageReferenceTarget, ImageTarget, MissingImageTarget, ResolvedTarget } from "@/lib/cleanup/types";

/*
 * Naming things on a host the way the daemon does: references normalised like the CLI
 * (`ubuntu` = `ubuntu:latest` = `docker.io/library/ubuntu:latest`), image lookup as moby's GetImage
 * (full ID; else a stored reference; else a unique ID prefix), container lookup as GetContainer
 * (full ID; else exact name; else a unique ID prefix). Pure: works on a snapshot.
 */

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPOSITORY_PREFIX = "library/";
const FULL_HEX = /^[0-9a-f]{64}$/;
const FULL_IMAGE_ID = /^sha256:[0-9a-f]{64}$/;
const IMAGE_NODE_ID = /^image:(sha256:[0-9a-f]{64})$/;
const CONTAINER_NODE_ID = /^container:([0-9a-f]{64})$/;

/** A reference as the daemon's reference store keys it. */
export interface NormalizedReference {
  /** Fully qualified repository, e.g. "docker.io/library/ubuntu", "registry.example.com:5000/team/ubuntu". */
  repository: string;
  tag: string | null;
  digest: string | null;
  /** As `docker images` and the daemon's answers show it: "ubuntu:latest", "localhost:5000/ml/trainer:2.0", "ubuntu@sha256:…". */
  familiar: string;
  /** The store's key: repository with the digest when there is one (a digest wins over a tag), else with the tag. */
  key: string;
  /** A digest reference (`name@sha256:…`); tags are not canonical. */
  canonical: boolean;
}

/**
 * Parses and normalises a reference like `reference.ParseNormalizedNamed` + `TagNameOnly`: the default
 * registry and `library/` are filled in, `latest` is implied when neither tag nor digest is given.
 * Null when the value is not a valid reference.
 */
export function normalizeReference(value: string): NormalizedReference | null {
  const parsed = parseImageReference(value);
  if (parsed === null) return null;
  const domain = parsed.domain === null || parsed.domain === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : parsed.domain;
  const path = domain === DEFAULT_DOMAIN && !parsed.path.includes("/") ? `${OFFICIAL_REPOSITORY_PREFIX}${parsed.path}` : parsed.path;
  const repository = `${domain}/${path}`;
  const tag = parsed.tag ?? (parsed.digest === null ? "latest" : null);
  const familiarName = familiarRepository(domain, path);
  const familiar = `${familiarName}${tag !== null ? `:${tag}` : ""}${parsed.digest !== null ? `@${parsed.digest}` : ""}`;
  const key = parsed.digest !== null ? `${repository}@${parsed.digest}` : `${repository}:${tag ?? "latest"}`;
  return { repository, tag, digest: parsed.digest, familiar, key, canonical: parsed.digest !== null };
}

function familiarRepository(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return `${domain}/${path}`;
  const official = path.startsWith(OFFICIAL_REPOSITORY_PREFIX) ? path.slice(OFFICIAL_REPOSITORY_PREFIX.length) : null;
  return official !== null && !official.includes("/") ? official : path;
}

/** moby's isImageIDPrefix: the daemon treats a name as an ID when it starts the image's ID, with or without "sha256:". */
export function isImageIdPrefix(imageId: string, name: string): boolean {
  if (imageId.startsWith(name)) return true;
  const colon = imageId.indexOf(":");
  return colon >= 0 && imageId.slice(colon + 1).startsWith(name);
}

/** One snapshot, indexed for lookups. Build it once per snapshot and pass it around. */
export interface HostIndex {
  snapshot: HostSnapshot;
  imagesById: ReadonlyMap<string, ImageRecord>;
  /** Children by parent image ID, in snapshot order. */
  childrenByImageId: ReadonlyMap<string, ImageRecord[]>;
  /** Containers by the image ID they were created from (present or missing image). */
  containersByImageId: ReadonlyMap<string, ContainerRecord[]>;
  containersById: ReadonlyMap<string, ContainerRecord>;
  containersByName: ReadonlyMap<string, ContainerRecord>;
  /** Every stored reference (by store key) → the image it names. */
  imageByReferenceKey: ReadonlyMap<string, ImageRecord>;
  /** Each image's references, normalised: tags first, then digests, as listed. */
  referencesByImageId: ReadonlyMap<string, NormalizedReference[]>;
  /** Image IDs that containers name but the daemon no longer has (force-removed images). */
  missingImageIds: ReadonlySet<string>;
}

export function indexHost(snapshot: HostSnapshot): HostIndex {
  const imagesById = new Map<string, ImageRecord>();
  const childrenByImageId = new Map<string, ImageRecord[]>();
  const imageByReferenceKey = new Map<string, ImageRecord>();
  const referencesByImageId = new Map<string, NormalizedReference[]>();
  for (const image of snapshot.images) {
    imagesById.set(image.id, image);
    const references: NormalizedReference[] = [];
    for (const value of [...image.repoTags, ...image.repoDigests]) {
      const reference = normalizeReference(value);
      if (reference === null) continue;
      references.push(reference);
      imageByReferenceKey.set(reference.key, image);
    }
    referencesByImageId.set(image.id, references);
  }
  for (const image of snapshot.images) {
    if (image.parentId === null) continue;
    const siblings = childrenByImageId.get(image.parentId);
    if (siblings) siblings.push(image);
    else childrenByImageId.set(image.parentId, [image]);
  }
  const containersByImageId = new Map<string, ContainerRecord[]>();
  const containersById = new Map<string, ContainerRecord>();
  const containersByName = new Map<string, ContainerRecord>();
  const missingImageIds = new Set<string>();
  for (const container of snapshot.containers) {
    containersById.set(container.id, container);
    containersByName.set(container.name, container);
    const users = containersByImageId.get(container.imageId);
    if (users) users.push(container);
    else containersByImageId.set(container.imageId, [container]);
    if (!imagesById.has(container.imageId)) missingImageIds.add(container.imageId);
  }
  return {
    snapshot,
    imagesById,
    childrenByImageId,
    containersByImageId,
    containersById,
    containersByName,
    imageByReferenceKey,
    referencesByImageId,
    missingImageIds,
  };
}

/** What the daemon's image lookup (GetImage) finds for a name, before any removal logic. */
export type DaemonImageLookup =
  | { found: true; image: ImageRecord; reference: NormalizedReference | null; matchedBy: "id" | "id-prefix" | "reference" }
  | { found: false; reason: "unknown" | "ambiguous-prefix"; candidates: ImageRecord[]; notFoundMessage: string };

/**
 * The daemon's image lookup: a full ID (64 hex or `sha256:` form) names only that ID; anything else is
 * tried as a stored reference first, then as an ID prefix. An ambiguous prefix is not an error of its
 * own there: the daemon answers "No such image".
 */
export function lookupImageAsDaemon(index: HostIndex, name: string): DaemonImageLookup {
  if (FULL_HEX.test(name) || FULL_IMAGE_ID.test(name)) {
    const id = name.startsWith("sha256:") ? name : `sha256:${name}`;
    const image = index.imagesById.get(id);
    if (image) return { found: true, image, reference: null, matchedBy: "id" };
    return { found: false, reason: "unknown", candidates: [], notFoundMessage: `No such image: ${id}` };
  }
  const reference = normalizeReference(name);
  if (reference !== null) {
    const image = index.imageByReferenceKey.get(reference.key);
    if (image) return { found: true, image, reference, matchedBy: "reference" };
  }
  // The daemon's "No such image" names the reference with the implied tag (for "abc": "abc:latest").
  const notFoundMessage = `No such image: ${reference !== null ? reference.familiar : name}`;
  const prefix = idPrefixOf(name);
  if (prefix === null) return { found: false, reason: "unknown", candidates: [], notFoundMessage };
  const candidates = index.snapshot.images.filter((image) => image.id.slice("sha256:".length).startsWith(prefix));
  const [only, ...others] = candidates;
  if (only !== undefined && others.length === 0) return { found: true, image: only, reference: null, matchedBy: "id-prefix" };
  return { found: false, reason: candidates.length > 1 ? "ambiguous-prefix" : "unknown", candidates, notFoundMessage };
}

/** "abc" or "sha256:abc" → "abc"; null when the name cannot be an ID prefix. */
function idPrefixOf(name: string): string | null {
  if (isHexId(name)) return name;
  if (isImageIdForm(name)) return name.slice("sha256:".length);
  return null;
}

/** Whether `value` is a target dockgraph accepts at all (syntax only). */
export function isTargetSyntax(value: string): boolean {
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) return false;
  if (IMAGE_NODE_ID.test(value) || CONTAINER_NODE_ID.test(value)) return true;
  if (isImageIdForm(value) || isHexId(value) || parseImageReference(value) !== null) return true;
  return isContainerName(value.startsWith("/") ? value.slice(1) : value);
}

export type ContainerLookup =
  | { found: true; container: ContainerRecord; matchedBy: "id" | "name" | "id-prefix" }
  | { found: false; candidates: ContainerRecord[] };

/** The daemon's container lookup (GetContainer): full ID, then exact name (leading slash optional), then a unique ID prefix. */
export function lookupContainerAsDaemon(index: HostIndex, value: string): ContainerLookup {
  const byId = index.containersById.get(value);
  if (byId) return { found: true, container: byId, matchedBy: "id" };
  const name = value.startsWith("/") ? value.slice(1) : value;
  const byName = index.containersByName.get(name);
  if (byName) return { found: true, container: byName, matchedBy: "name" };
  if (!isHexId(value)) return { found: false, candidates: [] };
  const candidates = index.snapshot.containers.filter((container) => container.id.startsWith(value));
  const [only, ...others] = candidates;
  if (only !== undefined && others.length === 0) return { found: true, container: only, matchedBy: "id-prefix" };
  return { found: false, candidates };
}

/** "ubuntu:14.04 (1b0a370d5ab6)", or the short ID of an untagged image: how messages name an image. */
export function describeImage(image: ImageRecord): string {
  const name = image.repoTags[0] ?? image.repoDigests[0];
  return name !== undefined ? `${name} (${shortImageId(image.id)})` : shortImageId(image.id);
}

function listed(names: string[]): string {
  const shown = names.slice(0, 5).join(", ");
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/**
 * Resolves a target (node id, image ID or reference, container ID or name) on a snapshot.
 * Throws AppError: `invalid_input` for anything that is no valid name (nothing malformed ever reaches
 * the daemon), `not_found` naming the target, `ambiguous` for an ID prefix of several objects or a
 * name that is both an image and a container (node ids are never ambiguous).
 */
export function resolveTarget(index: HostIndex, input: string): ResolvedTarget {
  if (!isTargetSyntax(input)) {
    throw new AppError(
      "invalid_input",
      `Not a valid target: ${describe(input)}. Give a node id, an image reference (name:tag, name@sha256:…), an image ID or a container name or ID.`,
      { target: describe(input) },
    );
  }
  const imageNode = IMAGE_NODE_ID.exec(input);
  if (imageNode?.[1] !== undefined) return resolveImageNode(index, input, imageNode[1]);
  const containerNode = CONTAINER_NODE_ID.exec(input);
  if (containerNode?.[1] !== undefined) {
    const container = index.containersById.get(containerNode[1]);
    if (!container) throw notFound(input, `No container ${describe(input)} on this host.`);
    return containerTarget(input, container, "node-id", container.id);
  }

  const isImageName = isImageIdForm(input) || isHexId(input) || parseImageReference(input) !== null;
  const image = isImageName ? lookupImageAsDaemon(index, input) : null;
  const containerName = input.startsWith("/") ? input.slice(1) : input;
  const isContainerNameForm = isHexId(input) || isContainerName(containerName);
  const container = isContainerNameForm ? lookupContainerAsDaemon(index, input) : null;

  const imageMatched = image?.found === true;
  const imageAmbiguous = image?.found === false && image.reason === "ambiguous-prefix";
  const containerMatched = container?.found === true;
  const containerAmbiguous = container?.found === false && container.candidates.length > 1;

  if ((imageMatched || imageAmbiguous) && (containerMatched || containerAmbiguous)) {
    const images = image.found ? [image.image] : image.candidates;
    const containers = container.found ? [container.container] : container.candidates;
    throw new AppError(
      "ambiguous",
      `${describe(input)} names both an image (${listed(images.map(describeImage))}) and a container (${listed(containers.map((c) => c.name))}). Use a node id (image:sha256:… or container:…) to say which.`,
      { target: describe(input), images: images.map((i) => i.id), containers: containers.map((c) => c.id) },
    );
  }
  if (image?.found === true) return imageTarget(input, image);
  if (container?.found === true) return containerTarget(input, container.container, container.matchedBy, containerName);
  if (image?.found === false && image.reason === "ambiguous-prefix") {
    throw new AppError(
      "ambiguous",
      `${describe(input)} starts the IDs of ${image.candidates.length} images (${listed(image.candidates.map(describeImage))}); give more characters. (The daemon would answer "${image.notFoundMessage}".)`,
      { target: describe(input), images: image.candidates.map((i) => i.id) },
    );
  }
  if (container?.found === false && container.candidates.length > 1) {
    throw new AppError(
      "ambiguous",
      `${describe(input)} starts the IDs of ${container.candidates.length} containers (${listed(container.candidates.map((c) => c.name))}); give more characters.`,
      { target: describe(input), containers: container.candidates.map((c) => c.id) },
    );
  }
  throw notFound(input, notFoundMessage(index, input));
}

function notFound(input: string, message: string): AppError {
  return new AppError("not_found", message, { target: describe(input) });
}

function notFoundMessage(index: HostIndex, input: string): string {
  const prefix = idPrefixOf(input);
  if (prefix !== null) {
    const ghost = [...index.missingImageIds].find((id) => id.slice("sha256:".length).startsWith(prefix));
    if (ghost !== undefined) {
      const users = (index.containersByImageId.get(ghost) ?? []).map((container) => container.name);
      return `No image ${describe(input)} on this host: image ${shortImageId(ghost)} was force-removed, and containers ${listed(users)} still use it (its node is image:${ghost}).`;
    }
  }
  return `No image or container ${describe(input)} on this host.`;
}

function resolveImageNode(index: HostIndex, input: string, imageId: string): ImageTarget | MissingImageTarget {
  const image = index.imagesById.get(imageId);
  if (image) return { kind: "image", input, node: imageNodeId(image.id), image, matchedBy: "node-id", daemonName: image.id };
  if (index.missingImageIds.has(imageId)) {
    const target: MissingImageTarget = {
      kind: "missing-image",
      input,
      node: imageNodeId(imageId),
      imageId,
      containers: [...(index.containersByImageId.get(imageId) ?? [])],
      daemonName: imageId,
    };
    return target;
  }
  throw notFound(input, `No image ${describe(input)} on this host.`);
}

function imageTarget(input: string, lookup: Extract<DaemonImageLookup, { found: true }>): ImageTarget | ImageReferenceTarget {
  const node = imageNodeId(lookup.image.id);
  // The daemon decides by-ID or by-reference from the name itself, not from how it was found.
  if (lookup.reference !== null && !isImageIdPrefix(lookup.image.id, input)) {
    const target: ImageReferenceTarget = {
      kind: "image-reference",
      input,
      node,
      image: lookup.image,
      reference: storedReferenceName(lookup.image, lookup.reference),
      daemonName: input,
    };
    return target;
  }
  return { kind: "image", input, node, image: lookup.image, matchedBy: lookup.matchedBy, daemonName: input };
}

/** The reference as the image lists it (the familiar form), so that a client can show it as `docker images` does. */
export function storedReferenceName(image: ImageRecord, reference: NormalizedReference): string {
  const stored = [...image.repoTags, ...image.repoDigests].find((value) => normalizeReference(value)?.key === reference.key);
  return stored ?? reference.familiar;
}

function containerTarget(input: string, container: ContainerRecord, matchedBy: ContainerTarget["matchedBy"], daemonName: string): ContainerTarget {
  return { kind: "container", input, node: containerNodeId(container.id), container, matchedBy, daemonName };
}
