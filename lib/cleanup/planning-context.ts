import "server-only";
import { randomUUID } from "node:crypto";
import type { PlanningContext } from "@/lib/cleanup/planner";
import type { DockerConnection } from "@/lib/docker/client";
import { readContainerSizes, readImageLayers, readSnapshot } from "@/lib/docker/snapshot";

/** Everything a plan is made from, read fresh (layers come from the cache; container sizes are re-read). */
export async function readPlanningContext(connection: DockerConnection): Promise<PlanningContext> {
  const snapshot = await readSnapshot(connection);
  const [layers, containerSizes] = await Promise.all([
    readImageLayers(
      connection,
      snapshot.images.map((image) => image.id),
    ),
    // Fresh: a plan's data warnings must not rest on sizes from before a container wrote its files.
    snapshot.containers.length > 0 ? readContainerSizes(connection, { fresh: true }) : Promise.resolve(new Map<string, number>()),
  ]);
  return { snapshot, layers, containerSizes, planId: randomUUID(), now: new Date() };
}

export const PLAN_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
