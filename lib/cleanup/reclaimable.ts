import type { HostSnapshot, ImageLayers, ImageRecord } from "@/lib/docker/types";
import type { Reclaimable, RemovalSet } from "@/lib/cleanup/types";

/*
 * Space, from layers. A layer is identified by its chain (the diffIds from the base up to it), not by
 * its bare diffId: the same diff on top of different parents is a different layer on disk. Sizes are
 * the daemon's DiffSize per layer (apparent bytes of the files, as overlay2 counts them).
 */

/** Numbers each distinct chain: (chain below, diffId) → id. One per computation, so ids are comparable within it. */
class ChainInterner {
  private readonly ids = new Map<string, number>();

  chainsOf(layers: ImageLayers): number[] {
    const chains: number[] = [];
    let below = -1;
    for (const diffId of layers.diffIds) {
      const key = `${below}>${diffId}`;
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(key, id);
      }
      chains.push(id);
      below = id;
    }
    return chains;
  }
}

/**
 * Bytes freed by removing `removal` (images and containers) from the host: the layers of removed images
 * that no remaining image uses, plus the writable layers of removed containers when their sizes are known.
 *
 * Layers that only a force-removed image's containers still hold are invisible here (the daemon no longer
 * describes that image): such layers are neither counted as freed nor as kept, and removing the last such
 * container makes the answer incomplete. The daemon's `/system/df` LayersSize ignores those layers the same
 * way, so `layerBytes` is exactly what LayersSize drops by.
 */
export function reclaimableFor(
  snapshot: HostSnapshot,
  layers: ReadonlyMap<string, ImageLayers>,
  removal: Pick<RemovalSet, "imageIds" | "containerIds">,
  containerSizes?: ReadonlyMap<string, number>,
): Reclaimable {
  const interner = new ChainInterner();
  const removedImages = new Set(removal.imageIds);
  let complete = true;

  const keptChains = new Set<number>();
  for (const image of snapshot.images) {
    if (removedImages.has(image.id)) continue;
    const imageLayers = layers.get(image.id);
    if (!imageLayers) {
      // An image whose layers are unknown may share any of them: freed bytes can only be a guess then.
      complete = false;
      continue;
    }
    for (const chain of interner.chainsOf(imageLayers)) keptChains.add(chain);
  }

  const freedChains = new Map<number, number>();
  for (const imageId of removedImages) {
    const imageLayers = layers.get(imageId);
    if (!imageLayers) {
      complete = false;
      continue;
    }
    interner.chainsOf(imageLayers).forEach((chain, position) => {
      if (!keptChains.has(chain)) freedChains.set(chain, imageLayers.layerSizes[position] ?? 0);
    });
  }
  const layerBytes = sum(freedChains.values());

  let containerBytes = 0;
  const removedContainers = new Set(removal.containerIds);
  const presentImages = new Set(snapshot.images.map((image) => image.id));
  for (const containerId of removal.containerIds) {
    const size = containerSizes?.get(containerId);
    if (size === undefined) complete = false;
    else containerBytes += size;
    // The last container of a force-removed image frees that image's layers too, and nobody can say which they are.
    const imageId = snapshot.containers.find((container) => container.id === containerId)?.imageId;
    if (imageId !== undefined && !presentImages.has(imageId)) {
      const lastUser = !snapshot.containers.some((container) => container.imageId === imageId && !removedContainers.has(container.id));
      if (lastUser) complete = false;
    }
  }
  return { bytes: layerBytes + containerBytes, layerBytes, containerBytes, freedLayerCount: freedChains.size, complete };
}

export interface ImageSpace {
  /** Bytes of all the image's layers. */
  size: number;
  /** Bytes of its layers that other images use too. */
  sharedSize: number;
  /** size − sharedSize: bytes only this image uses. */
  uniqueSize: number;
}

/**
 * Shared and unique size per image, computed from layers the way `docker system df -v` does (API 1.41
 * lists SharedSize -1): a layer is shared when more than one *top-level* image uses it. Untagged images
 * with children (intermediate build steps) are not counted as users: their layers are their children's.
 */
export function imageSpace(snapshot: HostSnapshot, layers: ReadonlyMap<string, ImageLayers>): Map<string, ImageSpace> {
  const interner = new ChainInterner();
  const hasChildren = new Set(snapshot.images.flatMap((image) => (image.parentId !== null ? [image.parentId] : [])));
  const isTopLevel = (image: ImageRecord) => image.repoTags.length > 0 || image.repoDigests.length > 0 || !hasChildren.has(image.id);

  const chainsByImage = new Map<string, number[]>();
  const users = new Map<number, number>();
  for (const image of snapshot.images) {
    const imageLayers = layers.get(image.id);
    if (!imageLayers) continue;
    const chains = interner.chainsOf(imageLayers);
    chainsByImage.set(image.id, chains);
    if (!isTopLevel(image)) continue;
    for (const chain of new Set(chains)) users.set(chain, (users.get(chain) ?? 0) + 1);
  }

  const result = new Map<string, ImageSpace>();
  for (const image of snapshot.images) {
    const chains = chainsByImage.get(image.id);
    const imageLayers = layers.get(image.id);
    if (!chains || !imageLayers) continue;
    let size = 0;
    let sharedSize = 0;
    chains.forEach((chain, position) => {
      const bytes = imageLayers.layerSizes[position] ?? 0;
      size += bytes;
      if ((users.get(chain) ?? 0) > 1) sharedSize += bytes;
    });
    result.set(image.id, { size, sharedSize, uniqueSize: size - sharedSize });
  }
  return result;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
