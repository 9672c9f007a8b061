import { AppError } from "@/lib/errors";

/**
 * Strict patterns for everything dockgraph may put into a daemon URL path.
 * dockerode does not escape path segments, so nothing reaches it unchecked.
 */

const HEX_ID = /^[0-9a-f]{1,64}$/;
const FULL_HEX_ID = /^[0-9a-f]{64}$/;
const IMAGE_ID = /^sha256:[0-9a-f]{1,64}$/;
const FULL_IMAGE_ID = /^sha256:[0-9a-f]{64}$/;
// The daemon's own rule for container names (daemon/names: RestrictedNameChars), without the optional leading slash.
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

// distribution/reference grammar: [domain[:port]/]path[:tag][@digest], lower-case path components.
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "sha256:[0-9a-f]{64}";
const IMAGE_REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

export const MAX_NAME_LENGTH = 512;

export function isFullImageId(value: string): boolean {
  return FULL_IMAGE_ID.test(value);
}

export function isFullContainerId(value: string): boolean {
  return FULL_HEX_ID.test(value);
}

export function isHexId(value: string): boolean {
  return HEX_ID.test(value);
}

export function isImageIdForm(value: string): boolean {
  return IMAGE_ID.test(value);
}

export function isContainerName(value: string): boolean {
  return value.length <= MAX_NAME_LENGTH && CONTAINER_NAME.test(value);
}

export interface ParsedReference {
  /** Registry host with port, when the reference names one. */
  domain: string | null;
  path: string;
  tag: string | null;
  digest: string | null;
}

export function parseImageReference(value: string): ParsedReference | null {
  if (value.length > MAX_NAME_LENGTH) return null;
  const match = IMAGE_REFERENCE.exec(value);
  if (!match) return null;
  const [, domain, path, tag, digest] = match;
  if (path === undefined) return null;
  // Like the CLI: a first component is a registry host only with ".", ":", upper case, "[", or as "localhost".
  if (domain !== undefined && !/[.:A-Z[]/.test(domain) && domain !== "localhost") {
    return { domain: null, path: `${domain}/${path}`, tag: tag ?? null, digest: digest ?? null };
  }
  return { domain: domain ?? null, path, tag: tag ?? null, digest: digest ?? null };
}

export function isImageReference(value: string): boolean {
  return parseImageReference(value) !== null;
}

/** Anything the daemon accepts to name an image: an ID form or a reference. */
export function assertImageName(value: string): string {
  if (isImageIdForm(value) || isHexId(value) || isImageReference(value)) return value;
  throw new AppError("invalid_input", `Not a valid image ID or reference: ${describe(value)}`);
}

/** A container ID (full or prefix) or name. */
export function assertContainerName(value: string): string {
  if (isHexId(value) || isContainerName(value)) return value;
  throw new AppError("invalid_input", `Not a valid container ID or name: ${describe(value)}`);
}

/** Quote user input for an error message without echoing control characters or megabytes back. */
export function describe(value: string): string {
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, "?");
  return JSON.stringify(printable.length > 80 ? `${printable.slice(0, 77)}…` : printable);
}
