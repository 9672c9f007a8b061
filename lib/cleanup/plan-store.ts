import "server-only";
import type { Plan } from "@/lib/cleanup/plan-types";
import { AppError } from "@/lib/errors";

/*
 * Plans live in memory for a few minutes and run once: what the user previewed is exactly what runs,
 * and a stale preview cannot be replayed against a host that has moved on.
 */

type PlanState = "ready" | "running" | "finished";

interface StoredPlan {
  plan: Plan;
  state: PlanState;
}

const MAX_PLANS = 500;
const holder = globalThis as typeof globalThis & { __dockgraphPlans?: Map<string, StoredPlan> };

function plans(): Map<string, StoredPlan> {
  holder.__dockgraphPlans ??= new Map();
  return holder.__dockgraphPlans;
}

export function savePlan(plan: Plan): void {
  const store = plans();
  const now = Date.now();
  for (const [id, stored] of store) {
    if (Date.parse(stored.plan.expiresAt) < now || store.size >= MAX_PLANS) store.delete(id);
  }
  store.set(plan.planId, { plan, state: "ready" });
}

export function findPlan(planId: string): Plan {
  const stored = plans().get(planId);
  if (!stored) throw new AppError("not_found", `No plan ${planId}: it never existed or the server restarted. Plan again.`);
  return stored.plan;
}

/** Takes a plan for running: only once, only before it expires. */
export function claimPlan(planId: string, now = Date.now()): Plan {
  const stored = plans().get(planId);
  if (!stored) throw new AppError("not_found", `No plan ${planId}: it never existed or the server restarted. Plan again.`);
  if (stored.state === "running") throw new AppError("conflict", `Plan ${planId} is running already.`);
  if (stored.state === "finished") throw new AppError("conflict", `Plan ${planId} has run already; plans run once. Plan again.`);
  if (Date.parse(stored.plan.expiresAt) < now) {
    throw new AppError("gone", `Plan ${planId} expired at ${stored.plan.expiresAt}: the host may have changed since. Plan again.`);
  }
  stored.state = "running";
  return stored.plan;
}

export function finishPlan(planId: string): void {
  const stored = plans().get(planId);
  if (stored) stored.state = "finished";
}
