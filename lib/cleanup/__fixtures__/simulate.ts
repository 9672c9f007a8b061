import type { HostSnapshot } from "@/lib/docker/types";
import type { RemovalPrediction } from "@/lib/cleanup/daemon-messages";
import { normalizeReference } from "@/lib/cleanup/targets";

/*
 * For unit tests: a snapshot changed the way a predicted removal or a stop would change the host, so
 * that sequences of steps can be checked against the model (the integration test checks them against
 * the real daemon).
 */

export function withoutContainer(snapshot: HostSnapshot, containerId: string): HostSnapshot {
  return { ...snapshot, containers: snapshot.containers.filter((container) => container.id !== containerId) };
}

export function withContainerStopped(snapshot: HostSnapshot, containerId: string): HostSnapshot {
  return {
    ...snapshot,
    containers: snapshot.containers.map((container) => (container.id === containerId ? { ...container, state: "exited" as const } : container)),
  };
}

/** The host after an image removal went as predicted: references gone, images deleted. */
export function afterImageRemoval(snapshot: HostSnapshot, prediction: RemovalPrediction): HostSnapshot {
  if (prediction.outcome !== "untagged" && prediction.outcome !== "deleted") throw new Error(`cannot apply a ${prediction.outcome} removal`);
  const removedKeys = new Set(prediction.untagged.map((reference) => normalizeReference(reference)?.key));
  const deleted = new Set(prediction.outcome === "deleted" ? prediction.deleted : []);
  const keep = (reference: string) => !removedKeys.has(normalizeReference(reference)?.key);
  return {
    ...snapshot,
    images: snapshot.images
      .filter((image) => !deleted.has(image.id))
      .map((image) => ({ ...image, repoTags: image.repoTags.filter(keep), repoDigests: image.repoDigests.filter(keep) })),
  };
}
