import "server-only";
import type { Plan } from "@/lib/cleanup/plan-types";
import { AppError } from "@/lib/errors";

/*
 * Plans live in memory for a few minutes and run once: what the user previewed is exactly what runs,
 * and a stale preview cannot be replayed against a host that has moved on. After it expires a plan leaves a
 * tombstone for an hour, so that a late click hears "expired" (410) or "already run" (409), not "never existed".
 */

type PlanState = "ready" | "running" | "finished";

interface StoredPlan {
  /** Dropped once the plan expires: a tombstone keeps only what the answers need. */
  plan: Plan | null;
  expiresAt: number;
  state: PlanState;
}

export const TOMBSTONE_MS = 60 * 60_000;
const MAX_PLANS = 500;
const holder = globalThis as typeof globalThis & { __dockgraphPlans?: Map<string, StoredPlan> };

function plans(): Map<string, StoredPlan> {
  holder.__dockgraphPlans ??= new Map();
  return holder.__dockgraphPlans;
}

/** Turns expired plans into tombstones, forgets old tombstones, and keeps the store bounded (never a running plan). */
function sweep(now: number): void {
  const store = plans();
  for (const [id, stored] of store) {
    if (stored.state === "running") continue;
    if (now > stored.expiresAt + TOMBSTONE_MS) store.delete(id);
    else if (now > stored.expiresAt) stored.plan = null;
  }
  for (const [id, stored] of store) {
    if (store.size < MAX_PLANS) break;
    if (stored.state !== "running") store.delete(id);
  }
}

export function savePlan(plan: Plan, now = Date.now()): void {
  sweep(now);
  plans().set(plan.planId, { plan, expiresAt: Date.parse(plan.expiresAt), state: "ready" });
}

function lookup(planId: string, now: number): StoredPlan {
  sweep(now);
  const stored = plans().get(planId);
  if (!stored) throw new AppError("not_found", `No plan ${planId}: it never existed, expired more than an hour ago, or the server restarted. Plan again.`);
  return stored;
}

function expired(planId: string, stored: StoredPlan): AppError {
  return new AppError("gone", `Plan ${planId} expired at ${new Date(stored.expiresAt).toISOString()}: the host may have changed since. Plan again.`);
}

/** A stored plan, to show or export; an expired one is gone (410). */
export function findPlan(planId: string, now = Date.now()): Plan {
  const stored = lookup(planId, now);
  if (stored.plan === null) throw expired(planId, stored);
  return stored.plan;
}

/** Takes a plan for running: only once (409 after), only before it expires (410 after). */
export function claimPlan(planId: string, now = Date.now()): Plan {
  const stored = lookup(planId, now);
  if (stored.state === "running") throw new AppError("conflict", `Plan ${planId} is running already.`);
  if (stored.state === "finished") throw new AppError("conflict", `Plan ${planId} has run already; plans run once. Plan again.`);
  if (stored.plan === null || now > stored.expiresAt) throw expired(planId, stored);
  stored.state = "running";
  return stored.plan;
}

export function finishPlan(planId: string): void {
  const stored = plans().get(planId);
  if (stored) stored.state = "finished";
}
