import { normalizeReference } from "@/lib/cleanup/targets";

/*
 * The container list's `Image` field: the reference the container was created with while that reference still
 * names the container's image (moby resolves it as GetImage does: a stored reference, else an ID prefix), else the
 * image ID (the tag moved, or the image was force-removed). Events do not announce this change, so the model
 * derives it from its own images.
 */

const HEX_ID = /^(?:sha256:)?([0-9a-f]{1,64})$/;

export interface ImageLookup {
  /** Store key of a reference (normalizeReference().key) → image ID. */
  imageIdByReferenceKey: ReadonlyMap<string, string>;
  hasImage(imageId: string): boolean;
  /** Image IDs whose hex starts with `hex` (at most two are needed). */
  imageIdsWithPrefix(hex: string): string[];
}

const referenceKeys = new Map<string, string | null>();

function referenceKey(name: string): string | null {
  let key = referenceKeys.get(name);
  if (key === undefined) {
    key = normalizeReference(name)?.key ?? null;
    if (referenceKeys.size > 100_000) referenceKeys.clear();
    referenceKeys.set(name, key);
  }
  return key;
}

/** The image ID the daemon would resolve `name` to, or null. */
export function resolveImageName(lookup: ImageLookup, name: string): string | null {
  const hex = HEX_ID.exec(name)?.[1];
  if (hex !== undefined && hex.length === 64) return lookup.hasImage(`sha256:${hex}`) ? `sha256:${hex}` : null;
  const key = referenceKey(name);
  const byReference = key !== null ? lookup.imageIdByReferenceKey.get(key) : undefined;
  if (byReference !== undefined) return byReference;
  if (hex === undefined) return null;
  const matches = lookup.imageIdsWithPrefix(hex);
  return matches.length === 1 ? (matches[0] ?? null) : null;
}

export function listedImageName(lookup: ImageLookup, configImage: string, imageId: string): string {
  if (configImage === imageId) return configImage;
  return resolveImageName(lookup, configImage) === imageId ? configImage : imageId;
}
