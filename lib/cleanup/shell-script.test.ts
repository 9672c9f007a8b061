import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { HostSnapshot, ImageLayers } from "@/lib/docker/types";
import { planForTargets, type PlanningContext } from "@/lib/cleanup/planner";
import { planAsShellScript, shellQuote } from "@/lib/cleanup/shell-script";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

// The seeded scenarios as recorded from the sandbox daemon (scripts/record-fixtures.ts).
const snapshot = seeded.snapshot as HostSnapshot;
const layers = new Map(Object.entries(seeded.layers as Record<string, ImageLayers>));

function context(): PlanningContext {
  return { snapshot, layers, planId: "00000000-0000-4000-8000-000000000002", now: new Date("2026-11-24T10:00:00Z") };
}

/** Runs a script with `docker` replaced by a function that prints its arguments, one bracketed word each. */
function dockerCalls(script: string): string[] {
  const shim = `docker() { for word in "$@"; do printf '[%s]' "$word"; done; echo; }\n`;
  const run = spawnSync("sh", ["-c", shim + script], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split("\n").filter((line) => line !== "");
}

describe("planAsShellScript", () => {
  const plan = planForTargets(context(), ["shop/cache:7.2", "training/webapp", snapshot.images.find((image) => image.repoTags.includes("ubuntu:latest"))?.id ?? ""], {
    stopRunning: true,
  });
  const script = planAsShellScript(plan);

  it("runs the plan's steps in order, as docker commands, never forced", () => {
    const commands = script.split("\n").filter((line) => line.startsWith("docker "));
    expect(commands).toEqual(plan.steps.map((step) => step.command));
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("\nset -e\n");
    expect(script).not.toMatch(/\s(-f|--force)\b/);
    expect(dockerCalls(script).map((call) => call.match(/^\[([a-z]+)\]/)?.[1])).toEqual(
      plan.steps.map((step) => ({ "unpause-container": "unpause", "stop-container": "stop", "remove-container": "rm", untag: "rmi", "remove-image": "rmi" })[step.action]),
    );
  });

  it("names containers and images by full ID (names and short IDs can change meaning), tags as stored", () => {
    const calls = dockerCalls(script);
    plan.steps.forEach((step, position) => {
      const call = calls[position] ?? "";
      const expected = step.expect;
      if (expected.kind === "container") expect(call.endsWith(`[${expected.containerId}]`), call).toBe(true);
      if (expected.kind === "image") expect(call).toBe(`[rmi][${expected.imageId}]`);
      if (expected.kind === "reference") expect(call).toBe(`[rmi][${expected.reference}]`);
    });
    expect(calls[0]).toMatch(/^\[unpause\]\[[0-9a-f]{64}\]$/);
    expect(script).toContain("  # shop-cache-1");
  });

  it("keeps what people typed inside comments, even with a newline in it", () => {
    const hostile = planAsShellScript({
      ...plan,
      targets: ["x\ndocker rmi -f everything"],
      blocked: [{ target: "y\ndocker rm -f victim", node: null, reason: "because\nreasons", needs: "wait" }],
    });
    expect(dockerCalls(hostile)).toEqual(dockerCalls(script));
    expect(hostile).not.toMatch(/^docker (rmi|rm) -f/m);
  });

  it("says so when there is nothing to do", () => {
    const empty = planAsShellScript({ ...plan, steps: [] });
    expect(empty).toContain("# nothing to do");
    expect(dockerCalls(empty)).toEqual([]);
  });
});

describe("shellQuote", () => {
  it("gives the shell back exactly the word it was given", () => {
    const words = ["ubuntu:14.04", "registry.example.com:5000/team/ubuntu:14.04", "it's", "a b", "$(touch /tmp/pwned)", "`id`", "x;y", "", "tab\there"];
    for (const word of words) {
      const run = spawnSync("sh", ["-c", `printf '%s' ${shellQuote(word)}`], { encoding: "utf8" });
      expect(run.stdout, word).toBe(word);
    }
    expect(shellQuote("ubuntu:14.04")).toBe("ubuntu:14.04");
  });
});
