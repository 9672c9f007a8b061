import type { AuditIntent, AuditReconciled, AuditRecord } from "@/lib/audit/audit-log";

/*
 * Pure half of the crash check: which intents have no outcome, what to ask the daemon about each, and what its
 * answer means. The daemon half is lib/audit/reconcile.ts.
 */

export type UnfinishedIntent = AuditIntent & { stepKey: string };

/** Intents (file order) with no outcome or reconciled line for their step after them. */
export function unfinishedIntents(records: readonly AuditRecord[]): UnfinishedIntent[] {
  const open = new Map<string, UnfinishedIntent>();
  for (const record of records) {
    if (record.phase === "intent") open.set(record.stepKey, record);
    else open.delete(record.stepKey);
  }
  return [...open.values()];
}

/** What the daemon is asked to tell whether the step happened. */
export type StepQuestion = { kind: "container"; id: string } | { kind: "image"; name: string; imageId: string };

const CONTAINER_NODE = /^container:([0-9a-f]{64})$/;
const IMAGE_NODE = /^image:(sha256:[0-9a-f]{64})$/;

export function questionFor(intent: UnfinishedIntent): StepQuestion | null {
  const container = CONTAINER_NODE.exec(intent.node);
  if (container?.[1] !== undefined) return { kind: "container", id: container[1] };
  const image = IMAGE_NODE.exec(intent.node);
  if (image?.[1] === undefined) return null;
  if (intent.action === "untag") return intent.ref === undefined ? null : { kind: "image", name: intent.ref, imageId: image[1] };
  return { kind: "image", name: image[1], imageId: image[1] };
}

/** The daemon's answer to the question: the object's current facts, or null when it does not exist. */
export type StepFacts =
  | { kind: "container"; facts: { id: string; state: string } | null }
  | { kind: "image"; facts: { id: string; references: readonly string[] } | null };

export type Verdict = Pick<AuditReconciled, "outcome" | "found">;

const RUNNING_STATES = new Set(["running", "paused", "restarting"]);

export function verdictFor(intent: UnfinishedIntent, answer: StepFacts): Verdict {
  const what = intent.subject;
  if (answer.kind === "container") {
    const facts = answer.facts;
    const short = facts?.id.slice(0, 12) ?? "";
    switch (intent.action) {
      case "remove-container":
        return facts === null
          ? { outcome: "happened", found: `container ${what} no longer exists` }
          : { outcome: "did-not-happen", found: `container ${what} (${short}) is still there (${facts.state})` };
      case "stop-container":
        if (facts === null) return { outcome: "unknown", found: `container ${what} no longer exists (removed since), so whether it was stopped cannot be told` };
        return RUNNING_STATES.has(facts.state)
          ? { outcome: "did-not-happen", found: `container ${what} (${short}) is still ${facts.state}` }
          : { outcome: "happened", found: `container ${what} (${short}) is stopped (${facts.state})` };
      case "unpause-container":
        if (facts === null) return { outcome: "unknown", found: `container ${what} no longer exists (removed since)` };
        return facts.state === "paused"
          ? { outcome: "did-not-happen", found: `container ${what} (${short}) is still paused` }
          : { outcome: "happened", found: `container ${what} (${short}) is no longer paused (${facts.state})` };
      default:
        return { outcome: "unknown", found: `a ${intent.action} step on a container is not one dockgraph makes` };
    }
  }
  const facts = answer.facts;
  if (intent.action === "untag") {
    const imageId = IMAGE_NODE.exec(intent.node)?.[1];
    if (facts === null) return { outcome: "happened", found: `reference ${intent.ref ?? what} no longer exists` };
    return facts.id === imageId
      ? { outcome: "did-not-happen", found: `reference ${intent.ref ?? what} still names image ${facts.id.slice(7, 19)}` }
      : { outcome: "happened", found: `reference ${intent.ref ?? what} now names another image (${facts.id.slice(7, 19)}): it was removed from this one` };
  }
  if (intent.action === "remove-image") {
    return facts === null
      ? { outcome: "happened", found: `image ${what} no longer exists` }
      : { outcome: "did-not-happen", found: `image ${what} is still there${facts.references.length > 0 ? ` (${facts.references.join(", ")})` : ""}` };
  }
  return { outcome: "unknown", found: `a ${intent.action} step on an image is not one dockgraph makes` };
}

/** The line that closes an interrupted step. */
export function reconciledEntry(intent: UnfinishedIntent, verdict: Verdict, now: Date): AuditReconciled {
  const said = verdict.outcome === "happened" ? "it happened" : verdict.outcome === "did-not-happen" ? "it did not happen" : "whether it happened is unknown";
  return {
    time: now.toISOString(),
    phase: "reconciled",
    planId: intent.planId,
    step: intent.step,
    action: intent.action,
    node: intent.node,
    subject: intent.subject,
    ...(intent.ref !== undefined ? { ref: intent.ref } : {}),
    outcome: verdict.outcome,
    bytes: 0,
    found: verdict.found,
    message: `Interrupted (the server stopped between the intent at ${intent.time} and the outcome); checked at restart: ${said}: ${verdict.found}.`,
  };
}
