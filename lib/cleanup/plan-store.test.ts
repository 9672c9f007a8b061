import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { HostSnapshot, ImageLayers } from "@/lib/docker/types";
import { claimPlan, findPlan, finishPlan, savePlan, TOMBSTONE_MS } from "@/lib/cleanup/plan-store";
import { PLAN_TTL_MS, planForTargets } from "@/lib/cleanup/planner";
import type { Plan } from "@/lib/cleanup/plan-types";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

const snapshot = seeded.snapshot as HostSnapshot;
const layers = new Map(Object.entries(seeded.layers as Record<string, ImageLayers>));
const T0 = Date.parse("2026-11-24T10:00:00Z");

function newPlan(now = T0): Plan {
  return planForTargets({ snapshot, layers, planId: randomUUID(), now: new Date(now) }, ["hello-world:latest"], { stopRunning: false });
}

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? "unknown";
  }
}

describe("plan store", () => {
  it("runs a plan once: 409 while it runs and after it ran", () => {
    const plan = newPlan();
    savePlan(plan, T0);
    expect(claimPlan(plan.planId, T0 + 1000)).toBe(plan);
    expect(codeOf(() => claimPlan(plan.planId, T0 + 2000))).toBe("conflict");
    finishPlan(plan.planId);
    expect(codeOf(() => claimPlan(plan.planId, T0 + 3000))).toBe("conflict");
    // Still there to show or export until it expires.
    expect(findPlan(plan.planId, T0 + 3000)).toBe(plan);
  });

  it("lets exactly one of two simultaneous runs through", async () => {
    const plan = newPlan();
    savePlan(plan, T0);
    const outcomes = await Promise.allSettled([0, 1].map(async () => claimPlan(plan.planId, T0 + 10)));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = outcomes.find((outcome) => outcome.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
  });

  it("answers gone (410) for an hour after expiry, then not found (404)", () => {
    const plan = newPlan();
    savePlan(plan, T0);
    const expiry = T0 + PLAN_TTL_MS;
    expect(Date.parse(plan.expiresAt)).toBe(expiry);
    expect(codeOf(() => claimPlan(plan.planId, expiry + 1))).toBe("gone");
    expect(codeOf(() => findPlan(plan.planId, expiry + 1))).toBe("gone");
    // Other plans saved meanwhile must not turn the tombstone into "never existed".
    savePlan(newPlan(expiry + 60_000), expiry + 60_000);
    expect(codeOf(() => claimPlan(plan.planId, expiry + TOMBSTONE_MS))).toBe("gone");
    expect(codeOf(() => claimPlan(plan.planId, expiry + TOMBSTONE_MS + 1))).toBe("not_found");
  });

  it("keeps answering 409 for a plan that ran, through its tombstone hour", () => {
    const plan = newPlan();
    savePlan(plan, T0);
    claimPlan(plan.planId, T0);
    finishPlan(plan.planId);
    const expiry = T0 + PLAN_TTL_MS;
    expect(codeOf(() => claimPlan(plan.planId, expiry + 30 * 60_000))).toBe("conflict");
    expect(codeOf(() => findPlan(plan.planId, expiry + 30 * 60_000))).toBe("gone");
    expect(codeOf(() => claimPlan(plan.planId, expiry + TOMBSTONE_MS + 1))).toBe("not_found");
  });

  it("answers not found for an unknown plan", () => {
    expect(codeOf(() => claimPlan(randomUUID(), T0))).toBe("not_found");
    expect(codeOf(() => findPlan(randomUUID(), T0))).toBe("not_found");
  });

  it("stays bounded without ever dropping a running plan", () => {
    const running = newPlan();
    savePlan(running, T0);
    claimPlan(running.planId, T0);
    const first = newPlan();
    savePlan(first, T0);
    let last = first;
    for (let count = 0; count < 600; count += 1) {
      last = newPlan();
      savePlan(last, T0 + 1);
    }
    expect(codeOf(() => findPlan(first.planId, T0 + 1))).toBe("not_found");
    expect(findPlan(last.planId, T0 + 1)).toBe(last);
    // Hours later, still running (a long stop): a second run is still refused as a conflict.
    expect(codeOf(() => claimPlan(running.planId, T0 + 3 * TOMBSTONE_MS))).toBe("conflict");
  });
});
