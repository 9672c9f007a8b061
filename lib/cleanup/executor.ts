import "server-only";
import type { AuditLog } from "@/lib/audit/audit-log";
import type { Plan, PlanStep, RunSummary, StepResult } from "@/lib/cleanup/plan-types";
import type { DockerConnection } from "@/lib/docker/client";
import {
  inspectContainer,
  inspectImage,
  removeContainer,
  removeImage,
  stopContainer,
  unpauseContainer,
} from "@/lib/docker/operations";
import type { ImageRecord } from "@/lib/docker/types";
import { listContainers, listImages } from "@/lib/docker/snapshot";
import { referenceChange } from "@/lib/cleanup/planner";
import { isAppError } from "@/lib/errors";

/*
 * Runs a stored plan through lib/docker, one step at a time. Before each step it re-reads what the step
 * depends on; if the host changed in a way that matters it stops there and touches nothing more. It never
 * forces: a refusal is the step's failure, in the daemon's words. Every step is audited and logged: a step that calls
 * the daemon writes a durable intent first and its outcome after (lib/audit/), so a crash in between leaves evidence.
 */

const RUNNING_STATES = new Set(["running", "paused", "restarting"]);
/** Steps of one group touch unrelated objects; a few at a time keeps the daemon busy without flooding it. */
const CONCURRENCY = 6;

type Check =
  | { kind: "go" }
  /** Nothing to do; `byRun` when an earlier step of this run did it (the daemon pruned an untagged parent). */
  | { kind: "already-done"; message: string; byRun?: boolean }
  | { kind: "changed"; message: string };

async function recheck(
  connection: DockerConnection,
  plan: Plan,
  step: PlanStep,
  images: readonly ImageRecord[],
  deletedByRun: ReadonlySet<string>,
): Promise<Check> {
  const expect = step.expect;
  if (expect.kind === "container") {
    const facts = await inspectContainer(connection, expect.containerId);
    if (facts === null) return { kind: "already-done", message: `${step.subject} is already gone.` };
    if (facts.imageId !== expect.imageId) return { kind: "changed", message: `${step.subject} now uses another image than when planned.` };
    if (step.action === "remove-container" && RUNNING_STATES.has(facts.state)) {
      return { kind: "changed", message: `${step.subject} is ${facts.state} now (it was ${expect.state} when planned): it was started since. Stopped here; nothing else was touched.` };
    }
    if (step.action === "stop-container" && !RUNNING_STATES.has(facts.state)) return { kind: "already-done", message: `${step.subject} is already stopped (${facts.state}).` };
    if (step.action === "stop-container" && facts.state === "paused" && expect.state !== "paused") {
      return { kind: "changed", message: `${step.subject} was paused since planning.` };
    }
    if (step.action === "unpause-container" && facts.state !== "paused") return { kind: "already-done", message: `${step.subject} is not paused (${facts.state}).` };
    return { kind: "go" };
  }
  if (expect.kind === "reference") {
    const facts = await inspectImage(connection, expect.reference);
    if (facts === null) return { kind: "already-done", message: `${expect.reference} is already gone.` };
    if (facts.id !== expect.imageId) return { kind: "changed", message: `${expect.reference} names another image now (${facts.id.slice(7, 19)}): it was moved since planning.` };
    const changed = referenceChange(`Image ${facts.id.slice(7, 19)}`, expect.references, [...facts.repoTags, ...facts.repoDigests]);
    return changed === null ? { kind: "go" } : { kind: "changed", message: changed };
  }
  const facts = await inspectImage(connection, expect.imageId);
  if (facts === null) {
    return deletedByRun.has(expect.imageId)
      ? { kind: "already-done", byRun: true, message: `${step.subject} was deleted by the daemon with an earlier step (it deletes untagged parents with their last child).` }
      : { kind: "already-done", message: `${step.subject} is already gone: something else removed it since planning.` };
  }
  // By ID the daemon removes whatever references the image has now: a tag added since planning would be lost.
  const changedReferences = referenceChange(step.subject, expect.references, [...facts.repoTags, ...facts.repoDigests]);
  if (changedReferences !== null) return { kind: "changed", message: changedReferences };
  // Containers on this image or on images built on it; the plan removed its own before this step.
  const containers = await listContainers(connection, { ancestorImageId: expect.imageId });
  const planned = new Set(plan.removes.containerIds);
  const newcomer = containers.find((container) => !planned.has(container.id));
  if (newcomer) {
    return {
      kind: "changed",
      message: `Container ${newcomer.name} (${newcomer.state}) uses ${step.subject}${newcomer.imageId === expect.imageId ? "" : " through an image built on it"} and is not in the plan: it was created since planning. Stopped here; the image and that container stay.`,
    };
  }
  const plannedImages = new Set([...plan.removes.imageIds, ...plan.removes.prunedImageIds]);
  const newChild = images.find((image) => image.parentId === expect.imageId && !plannedImages.has(image.id));
  if (newChild) {
    return { kind: "changed", message: `Image ${newChild.repoTags[0] ?? newChild.id.slice(7, 19)} was built on ${step.subject} since planning. Stopped here.` };
  }
  return { kind: "go" };
}

const REMOVAL_WAIT_MS = 5_000;
const GONE_MEANWHILE_CODES = new Set(["not_found", "conflict", "daemon_error"]);

/**
 * After a 404 or 409: is the step's object gone because something else removed it? A removal
 * "already in progress" elsewhere is waited for briefly, since only its end tells whether the object went.
 */
async function goneMeanwhile(connection: DockerConnection, step: PlanStep): Promise<boolean> {
  const expect = step.expect;
  if (step.action !== "remove-container" && step.action !== "remove-image" && step.action !== "untag") return false;
  if (expect.kind === "container") {
    const deadline = Date.now() + REMOVAL_WAIT_MS;
    for (;;) {
      const facts = await inspectContainer(connection, expect.containerId);
      if (facts === null) return true;
      if (facts.state !== "removing" || Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // Gone only if it is gone: a reference that now names another image is a change, reported as the step's failure.
  return (await inspectImage(connection, expect.kind === "reference" ? expect.reference : expect.imageId)) === null;
}

/** Does the step; says what happened and which IDs the daemon reported deleted. */
async function perform(connection: DockerConnection, step: PlanStep): Promise<{ message: string; deleted: string[] }> {
  const expect = step.expect;
  switch (step.action) {
    case "unpause-container":
      if (expect.kind === "container") await unpauseContainer(connection, expect.containerId);
      return { message: `Unpaused ${step.subject}.`, deleted: [] };
    case "stop-container":
      if (expect.kind === "container") await stopContainer(connection, expect.containerId);
      return { message: `Stopped ${step.subject}.`, deleted: [] };
    case "remove-container":
      if (expect.kind === "container") await removeContainer(connection, expect.containerId);
      return { message: `Removed container ${step.subject}.`, deleted: [] };
    case "untag": {
      const answer = await removeImage(connection, step.ref ?? "");
      const message = `Untagged ${answer.untagged.join(", ") || step.ref}${answer.deleted.length > 0 ? " (its last reference: the image was deleted with it)" : ""}.`;
      return { message, deleted: answer.deleted };
    }
    case "remove-image": {
      const answer = await removeImage(connection, expect.kind === "image" ? expect.imageId : "");
      return { message: `Removed ${step.subject}${answer.untagged.length > 0 ? ` (untagged ${answer.untagged.join(", ")})` : ""}.`, deleted: answer.deleted };
    }
  }
}

/** Consecutive steps of the same group, in plan order. */
function groupsOf(steps: readonly PlanStep[]): PlanStep[][] {
  const groups: PlanStep[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.group === step.group) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

export interface RunHooks {
  /** Called as each step finishes, in order (to stream progress). */
  onStep: (result: StepResult) => void;
  log?: (line: string) => void;
}

export async function executePlan(connection: DockerConnection, plan: Plan, audit: AuditLog, hooks: RunHooks): Promise<{ results: StepResult[]; summary: RunSummary }> {
  const started = Date.now();
  const log = hooks.log ?? ((line: string) => console.log(line));
  const results: StepResult[] = [];
  let stoppedAt: number | null = null;
  const stop = (step: PlanStep) => {
    stoppedAt = stoppedAt === null ? step.id : Math.min(stoppedAt, step.id);
  };
  const skip = (step: PlanStep) => {
    const result: StepResult = { step: step.id, action: step.action, node: step.node, subject: step.subject, status: "skipped", message: `Not run: the run stopped at step ${stoppedAt ?? "?"}.`, bytes: 0 };
    results.push(result);
    hooks.onStep(result);
  };

  const stepFields = (step: PlanStep) => ({
    time: new Date().toISOString(),
    planId: plan.planId,
    step: step.id,
    action: step.action,
    node: step.node,
    subject: step.subject,
    ...(step.ref !== undefined ? { ref: step.ref } : {}),
  });

  // On disk before the daemon is called: a crash between this and the outcome leaves the evidence the next start checks.
  const intend = async (step: PlanStep) => {
    await audit.append({ ...stepFields(step), phase: "intent", outcome: "pending", bytes: step.bytes, message: `About to ${step.command}`, pid: process.pid }, { durable: true });
  };

  const record = async (step: PlanStep, status: StepResult["status"], message: string) => {
    const result: StepResult = { step: step.id, action: step.action, node: step.node, subject: step.subject, status, message, bytes: status === "done" ? step.bytes : 0 };
    results.push(result);
    await audit.append({ ...stepFields(step), phase: "outcome", outcome: status, bytes: result.bytes, message });
    log(`[dockgraph] plan ${plan.planId} step ${step.id}/${plan.steps.length} ${step.action} ${step.subject}: ${status} — ${message}`);
    hooks.onStep(result);
  };

  // IDs the daemon reported deleted during this run (images and layers): parents it pruned by itself are among them.
  const deletedByRun = new Set<string>();
  const runStep = async (step: PlanStep, images: readonly ImageRecord[]) => {
    if (stoppedAt !== null) {
      skip(step);
      return;
    }
    try {
      const check = await recheck(connection, plan, step, images, deletedByRun);
      if (check.kind === "already-done") {
        // Done by this run all the same (its bytes were freed by it); gone for another reason, it is only skipped.
        await record(step, check.byRun === true ? "done" : "skipped", check.message);
        return;
      }
      if (check.kind === "changed") {
        stop(step);
        await record(step, "failed", `The host changed: ${check.message}`);
        return;
      }
      await intend(step);
      const performed = await perform(connection, step);
      for (const id of performed.deleted) deletedByRun.add(id);
      await record(step, "done", performed.message);
    } catch (error) {
      const message = isAppError(error) ? String(error.details?.daemonMessage ?? error.message) : String(error);
      // Removed between the re-check and the call, or being removed by another run or the CLI: nothing left to do.
      // (An image deleted under a concurrent DELETE makes the daemon answer 500 "unrecognized image ID".)
      if (isAppError(error) && GONE_MEANWHILE_CODES.has(error.code) && (await goneMeanwhile(connection, step))) {
        await record(step, "skipped", `${step.subject} was removed meanwhile by something else (the daemon said: ${message}).`);
        return;
      }
      stop(step);
      await record(step, "failed", message);
    }
  };

  for (const group of groupsOf(plan.steps)) {
    if (stoppedAt !== null) {
      group.forEach(skip);
      continue;
    }
    // One image listing per group serves every step's child check (a child made mid-group the daemon refuses anyway).
    const images = group[0]?.action === "remove-image" ? await listImages(connection) : [];
    const queue = [...group];
    const worker = async () => {
      for (let step = queue.shift(); step !== undefined; step = queue.shift()) await runStep(step, images);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, group.length) }, worker));
  }
  results.sort((a, b) => a.step - b.step);

  const count = (status: StepResult["status"]) => results.filter((result) => result.status === status).length;
  const stoppedBy = results.find((result) => result.step === stoppedAt) ?? null;
  const summary: RunSummary = {
    planId: plan.planId,
    outcome: stoppedAt === null ? "completed" : "stopped",
    steps: plan.steps.length,
    done: count("done"),
    failed: count("failed"),
    skipped: count("skipped"),
    freedBytes: results.reduce((sum, result) => sum + result.bytes, 0),
    stoppedAt: stoppedBy && { step: stoppedBy.step, action: stoppedBy.action, subject: stoppedBy.subject, message: stoppedBy.message },
    durationMs: Date.now() - started,
  };
  return { results, summary };
}
