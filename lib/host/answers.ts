import "server-only";
import { randomUUID } from "node:crypto";
import { answerFor, removalSetFor } from "@/lib/cleanup/blockers";
import { isRunningState } from "@/lib/cleanup/daemon-messages";
import type { Plan, PruneScope } from "@/lib/cleanup/plan-types";
import { planFromRemoval, removalForTargets, type PlanningContext, type Removal } from "@/lib/cleanup/planner";
import { pruneRemoval, type PruneFilters } from "@/lib/cleanup/prune";
import { imageSpace, type ImageSpace } from "@/lib/cleanup/reclaimable";
import { resolveTarget } from "@/lib/cleanup/targets";
import type { BlockersAnswer } from "@/lib/cleanup/types";
import { summariseDiskUsage, type DiskSummary } from "@/lib/graph/disk-summary";
import type { HostModel, HostView } from "@/lib/host/host-model";

/*
 * The read endpoints' answers, from the live model: structure from its view, slow facts from its caches. A
 * structural answer waits a moment for sizes still loading, then says which it did not have (`sizesPending`).
 * Plans read the writable layers of the containers they remove fresh when the cached size cannot be trusted:
 * their data warnings must not rest on a size from before the container last ran.
 */

/** How long a structural answer waits for slow facts still loading before it answers without them. */
const SLOW_FACTS_GRACE_MS = 1_000;

function layersPending(model: HostModel, view: HostView): boolean {
  return view.snapshot.images.some((image) => !model.facts.layers.has(image.id));
}

export async function blockersAnswer(model: HostModel, input: string): Promise<BlockersAnswer> {
  const view = await model.current({ sync: true });
  // Resolved first: a bad or unknown target is answered before anything waits.
  const target = resolveTarget(view.index, input);
  const removes = removalSetFor(view.index, target);
  await Promise.all([
    model.facts.layersSettled(SLOW_FACTS_GRACE_MS),
    removes.containerIds.length > 0 ? model.facts.sizesSettled(SLOW_FACTS_GRACE_MS) : Promise.resolve(),
  ]);
  const containerSizes = model.facts.knownSizes();
  const answer = answerFor(view.index, target, { layers: model.facts.layers, containerSizes });
  return { ...answer, sizesPending: layersPending(model, view) || removes.containerIds.some((id) => !containerSizes.has(id)) };
}

async function planningContext(model: HostModel, view: HostView, removal: Removal): Promise<PlanningContext> {
  const [, containerSizes] = await Promise.all([
    model.facts.layersSettled(SLOW_FACTS_GRACE_MS),
    model.facts.freshSizes(removal.containers.map((container) => ({ id: container.id, running: isRunningState(container) }))),
  ]);
  return { snapshot: view.snapshot, index: view.index, layers: new Map(model.facts.layers), containerSizes, planId: randomUUID(), now: new Date() };
}

export async function planForTargetsFromModel(model: HostModel, targets: readonly string[], options: { stopRunning: boolean }): Promise<Plan> {
  const view = await model.current({ sync: true });
  const removal = removalForTargets(view.index, targets, options);
  const context = await planningContext(model, view, removal);
  const plan = planFromRemoval(context, removal, { kind: "targets", targets: [...targets], stopRunning: options.stopRunning });
  return { ...plan, sizesPending: layersPending(model, view) };
}

export async function prunePlanFromModel(model: HostModel, scope: PruneScope, filters: PruneFilters): Promise<Plan> {
  const view = await model.current({ sync: true });
  const removal = pruneRemoval(view.index, scope, filters);
  const context = await planningContext(model, view, removal);
  const plan = planFromRemoval(context, removal, { kind: "prune", scope, targets: [], stopRunning: false });
  return { ...plan, sizesPending: layersPending(model, view) };
}

export interface SizesAnswer {
  generatedAt: string;
  version: number;
  images: Record<string, ImageSpace>;
  containers: Record<string, number>;
}

/** Shared and unique bytes per image and every container's writable layer: this endpoint waits for the loads. */
export async function sizesAnswer(model: HostModel): Promise<SizesAnswer> {
  const view = await model.current({ sync: true });
  model.facts.wantLayers(view.snapshot.images.map((image) => image.id));
  await model.facts.layersSettled(view.snapshot.images.length * 50 + 30_000);
  if (view.snapshot.containers.some((container) => !model.facts.knownSizes().has(container.id))) model.facts.refreshSizes("all");
  await model.facts.sizesSettled(60_000);
  const known = model.facts.knownSizes();
  return {
    generatedAt: view.snapshot.takenAt,
    version: view.version,
    images: Object.fromEntries(imageSpace(view.snapshot, model.facts.layers)),
    containers: Object.fromEntries(view.snapshot.containers.map((container) => [container.id, known.get(container.id) ?? 0])),
  };
}

const RUNNING = new Set(["running", "paused", "restarting"]);

/** `docker system df` in numbers: one `/system/df` per model version (`fresh` reads it again). */
export async function diskAnswer(model: HostModel, options: { fresh: boolean }): Promise<DiskSummary> {
  const view = await model.current({ sync: true });
  const usage = await model.facts.diskUsage(view.version, options);
  return summariseDiskUsage(usage, new Set(view.snapshot.containers.filter((container) => RUNNING.has(container.state)).map((container) => container.id)));
}
