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
import { listContainers, listImages } from "@/lib/docker/snapshot";
import { isAppError } from "@/lib/errors";

/*
 * Runs a stored plan through lib/docker, one step at a time. Before each step it re-reads what the step
 * depends on; if the host changed in a way that matters it stops there and touches nothing more. It never
 * forces: a refusal is the step's failure, in the daemon's words. Every step is audited and logged.
 */

const RUNNING_STATES = new Set(["running", "paused", "restarting"]);

type Check = { kind: "go" } | { kind: "already-done"; message: string } | { kind: "changed"; message: string };

async function recheck(connection: DockerConnection, plan: Plan, step: PlanStep): Promise<Check> {
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
    return { kind: "go" };
  }
  const facts = await inspectImage(connection, expect.imageId);
  if (facts === null) return { kind: "already-done", message: `${step.subject} is already gone (the daemon deletes untagged parents with their last child).` };
  const [containers, images] = await Promise.all([listContainers(connection), listImages(connection)]);
  const planned = new Set(plan.removes.containerIds);
  const newcomer = containers.find((container) => container.imageId === expect.imageId && !planned.has(container.id));
  if (newcomer) {
    return {
      kind: "changed",
      message: `Container ${newcomer.name} (${newcomer.state}) uses ${step.subject} and is not in the plan: it was created since planning. Stopped here; the image and that container stay.`,
    };
  }
  const plannedImages = new Set([...plan.removes.imageIds, ...plan.removes.prunedImageIds]);
  const newChild = images.find((image) => image.parentId === expect.imageId && !plannedImages.has(image.id));
  if (newChild) {
    return { kind: "changed", message: `Image ${newChild.repoTags[0] ?? newChild.id.slice(7, 19)} was built on ${step.subject} since planning. Stopped here.` };
  }
  return { kind: "go" };
}

async function perform(connection: DockerConnection, step: PlanStep): Promise<string> {
  const expect = step.expect;
  switch (step.action) {
    case "unpause-container":
      if (expect.kind === "container") await unpauseContainer(connection, expect.containerId);
      return `Unpaused ${step.subject}.`;
    case "stop-container":
      if (expect.kind === "container") await stopContainer(connection, expect.containerId);
      return `Stopped ${step.subject}.`;
    case "remove-container":
      if (expect.kind === "container") await removeContainer(connection, expect.containerId);
      return `Removed container ${step.subject}.`;
    case "untag": {
      const answer = await removeImage(connection, step.ref ?? "");
      return `Untagged ${answer.untagged.join(", ") || step.ref}${answer.deleted.length > 0 ? " (its last reference: the image was deleted with it)" : ""}.`;
    }
    case "remove-image": {
      const answer = await removeImage(connection, expect.kind === "image" ? expect.imageId : "");
      return `Removed ${step.subject}${answer.untagged.length > 0 ? ` (untagged ${answer.untagged.join(", ")})` : ""}.`;
    }
  }
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

  const record = async (step: PlanStep, status: StepResult["status"], message: string) => {
    const result: StepResult = { step: step.id, action: step.action, node: step.node, subject: step.subject, status, message, bytes: status === "done" ? step.bytes : 0 };
    results.push(result);
    await audit.append({
      time: new Date().toISOString(),
      planId: plan.planId,
      step: step.id,
      action: step.action,
      node: step.node,
      subject: step.subject,
      outcome: status,
      bytes: result.bytes,
      message,
    });
    log(`[dockgraph] plan ${plan.planId} step ${step.id}/${plan.steps.length} ${step.action} ${step.subject}: ${status} — ${message}`);
    hooks.onStep(result);
  };

  for (const step of plan.steps) {
    if (stoppedAt !== null) {
      results.push({ step: step.id, action: step.action, node: step.node, subject: step.subject, status: "skipped", message: `Not run: the run stopped at step ${stoppedAt}.`, bytes: 0 });
      hooks.onStep(results[results.length - 1] as StepResult);
      continue;
    }
    try {
      const check = await recheck(connection, plan, step);
      if (check.kind === "already-done") {
        await record(step, "skipped", check.message);
        continue;
      }
      if (check.kind === "changed") {
        stoppedAt = step.id;
        await record(step, "failed", `The host changed: ${check.message}`);
        continue;
      }
      await record(step, "done", await perform(connection, step));
    } catch (error) {
      stoppedAt = step.id;
      const message = isAppError(error) ? String(error.details?.daemonMessage ?? error.message) : String(error);
      await record(step, "failed", message);
    }
  }

  const count = (status: StepResult["status"]) => results.filter((result) => result.status === status).length;
  const summary: RunSummary = {
    planId: plan.planId,
    outcome: stoppedAt === null ? "completed" : "stopped",
    done: count("done"),
    failed: count("failed"),
    skipped: count("skipped"),
    freedBytes: results.reduce((sum, result) => sum + result.bytes, 0),
    durationMs: Date.now() - started,
  };
  return { results, summary };
}
