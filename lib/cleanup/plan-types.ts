import type { Reclaimable } from "@/lib/cleanup/types";
import type { NodeId } from "@/lib/graph/types";

/*
 * A cleanup plan: ordered steps the daemon accepts without force, what each frees, what the user should
 * know before running it, and what was left out because it needs consent. Plain data (sent as JSON as it is).
 */

export type PlanAction = "unpause-container" | "stop-container" | "remove-container" | "untag" | "remove-image";

export type PruneScope = "dangling-images" | "unused-images" | "stopped-containers";

/** What the executor re-checks before a step: the facts the plan was made on. */
export type StepExpectation =
  | { kind: "container"; containerId: string; imageId: string; state: string }
  | {
      kind: "image";
      imageId: string;
      /** Containers on this image that earlier steps remove: any other one means the host changed. */
      containerIds: string[];
      /** Child images that earlier steps remove (or the daemon prunes): any other one means the host changed. */
      childIds: string[];
      /** The references the image carries just before this step (after the plan's untags); any other set means it changed. */
      references: string[];
    }
  | {
      kind: "reference";
      imageId: string;
      reference: string;
      /** Every reference of the image just before this step: a tag added since planning stops the run before it loses more. */
      references: string[];
    };

export interface PlanStep {
  /** 1-based position in the plan. */
  id: number;
  action: PlanAction;
  node: NodeId;
  /** The reference an `untag` step removes. */
  ref?: string;
  /** What the step acts on, for people: a container name, a tag, a short image ID. */
  subject: string;
  /** Why the step is there, in plain words. */
  reason: string;
  /** Bytes this step frees (its share of the plan's total). */
  bytes: number;
  /** The docker CLI command that does the same (never with -f). */
  command: string;
  /** Consecutive steps with the same group touch unrelated objects: the executor may run them side by side. */
  group: number;
  expect: StepExpectation;
}

export type WarningKind = "writable-data" | "anonymous-volumes" | "named-volumes" | "not-pullable" | "will-stop";

export interface PlanWarning {
  kind: WarningKind;
  node: NodeId;
  message: string;
  bytes?: number;
}

export interface BlockedTarget {
  /** The target as given (or the object a prune would have taken). */
  target: string;
  node: NodeId | null;
  reason: string;
  /** What would unblock it: consent to stop running containers, or waiting. */
  needs: "stop-running" | "wait";
}

export interface Plan {
  planId: string;
  kind: "targets" | "prune";
  scope?: PruneScope;
  targets: string[];
  stopRunning: boolean;
  createdAt: string;
  expiresAt: string;
  steps: PlanStep[];
  reclaimableBytes: number;
  reclaimable: Reclaimable;
  warnings: PlanWarning[];
  blocked: BlockedTarget[];
  /** Every object the plan removes, including untagged parents the daemon prunes by itself. */
  removes: { containerIds: string[]; imageIds: string[]; prunedImageIds: string[] };
  /** True while some image layers were still loading when the plan was made: `reclaimable` is then a lower bound. */
  sizesPending?: boolean;
}

export type StepStatus = "done" | "failed" | "skipped";

export interface StepResult {
  step: number;
  action: PlanAction;
  node: NodeId;
  subject: string;
  status: StepStatus;
  message: string;
  /** Bytes the step freed when done (its planned share). */
  bytes: number;
}

export interface RunSummary {
  planId: string;
  /** completed: every step done (or found already done); stopped: a step failed or the host changed, the rest untouched. */
  outcome: "completed" | "stopped";
  /** Steps in the plan. */
  steps: number;
  done: number;
  failed: number;
  skipped: number;
  freedBytes: number;
  /** The step the run stopped at, and why (null when it completed). */
  stoppedAt: { step: number; action: PlanAction; subject: string; message: string } | null;
  durationMs: number;
}
