import { describe, expect, it } from "vitest";
import { POST as postPrunePlan } from "@/app/api/prune/plan/route";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import type { Plan, PruneScope } from "@/lib/cleanup/plan-types";
import { CHANGE_HEADERS, configureServerForTests, inventory, minus, TEST_ORIGIN, type Inventory } from "@/test/support/host-inventory";
import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readSnapshot } from "@/lib/docker/snapshot";
import { dockerCli, reseed, sandboxDockerHost } from "@/test/support/seeded-host";

/*
 * Prune plans agree with the Docker CLI: on the seeded host, what a prune plan lists is exactly what
 * `docker image prune`, `docker image prune -a` and `docker container prune` then remove from the same host;
 * and running the plan itself (by ID, step by step) leaves the same host as the CLI does.
 */

configureServerForTests("app-data-prune");
const ORIGIN = TEST_ORIGIN;
const headers = CHANGE_HEADERS;

interface Change {
  containers: string[];
  images: string[];
  tags: string[];
}

function change(before: Inventory, after: Inventory): Change {
  return { containers: minus(before.containers, after.containers), images: minus(before.images, after.images), tags: minus(before.tags, after.tags) };
}

async function prunePlan(scope: PruneScope, extra: Record<string, unknown> = {}): Promise<Plan> {
  const response = await postPrunePlan(new Request(`${ORIGIN}/api/prune/plan`, { method: "POST", headers, body: JSON.stringify({ scope, ...extra }) }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Plan;
}

function planned(plan: Plan, before: Inventory): Change {
  const images = [...plan.removes.imageIds, ...plan.removes.prunedImageIds].sort();
  const gone = new Set(images);
  const untagged = plan.steps.filter((step) => step.action === "untag").map((step) => `${step.node.slice("image:".length)} ${step.ref}`);
  // Removing an image takes all its tags with it.
  const tags = [...before.tags].filter((entry) => gone.has(entry.split(" ")[0] ?? "") || untagged.includes(entry)).sort();
  return { containers: [...plan.removes.containerIds].sort(), images, tags };
}

const CLI: Record<PruneScope, string[]> = {
  "dangling-images": ["image", "prune", "-f"],
  "unused-images": ["image", "prune", "-a", "-f"],
  "stopped-containers": ["container", "prune", "-f"],
};

describe.each(Object.keys(CLI) as PruneScope[])("prune %s", (scope) => {
  it("lists exactly what the Docker CLI removes", async () => {
    await reseed();
    const before = await inventory();
    const plan = await prunePlan(scope);
    const expected = planned(plan, before);
    expect(expected.containers.length + expected.images.length).toBeGreaterThan(0);

    const cli = await dockerCli(CLI[scope]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(change(before, await inventory())).toEqual(expected);
  });

  it("run as a plan, leaves the same host as the CLI", async () => {
    await reseed();
    const before = await inventory();
    const plan = await prunePlan(scope);
    const response = await postExecute(new Request(`${ORIGIN}/api/plans/${plan.planId}/execute`, { method: "POST", headers }), {
      params: Promise.resolve({ planId: plan.planId }),
    });
    const lines = (await response.text()).trim().split("\n");
    const summary = JSON.parse(lines.at(-1) ?? "{}") as { summary?: { outcome: string } };
    expect(summary.summary?.outcome, lines.join("\n")).toBe("completed");
    expect(change(before, await inventory())).toEqual(planned(plan, before));
  });
});

async function createdSeconds(kind: "containers" | "images"): Promise<number[]> {
  const snapshot = await readSnapshot(createConnection(parseConfig({ DOCKER_HOST: sandboxDockerHost() })));
  const objects = kind === "containers" ? snapshot.containers.filter((container) => ["created", "exited", "dead"].includes(container.state)) : snapshot.images;
  return [...new Set(objects.map((object) => object.created))].sort((a, b) => a - b);
}

describe("prune filters agree with the CLI", () => {
  it("label, label! and until on stopped containers", async () => {
    await reseed();
    // One more stopped container a second later, so that at least two creation seconds exist whatever the speed.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await dockerCli(["create", "--name", "until_probe", "hello-world:latest", "true"])).code).toBe(0);
    const seconds = await createdSeconds("containers");
    // A second in the middle: containers made before it go, those made in it or after stay.
    const middle = seconds[Math.floor(seconds.length / 2)];
    expect(seconds.length).toBeGreaterThan(1);
    const cases: string[][] = [
      ["label!=com.docker.compose.project=shop", "label!=com.docker.compose.oneoff=False"],
      ["label=com.docker.compose.oneoff=False", "label!=com.docker.compose.project=billing"],
      [`until=${middle}`],
      ["label!=com.docker.compose.project"],
      ["label=com.docker.compose.project=shop"],
    ];
    // Container prune judges each container alone: every case is planned on the seeded host, then the CLI runs
    // them one after another and must remove exactly what the plan listed among what is left.
    const plans = [];
    for (const filter of cases) plans.push(await prunePlan("stopped-containers", { filter }));
    expect(new Set(plans.map((plan) => plan.removes.containerIds.length)).size).toBeGreaterThan(1);
    for (const [position, filter] of cases.entries()) {
      const before = await inventory();
      const cli = await dockerCli(["container", "prune", "-f", ...filter.flatMap((value) => ["--filter", value])]);
      expect(cli.code, cli.stderr).toBe(0);
      const expected = (plans[position]?.removes.containerIds ?? []).filter((id) => before.containers.has(id)).sort();
      expect(change(before, await inventory()).containers, filter.join(" ")).toEqual(expected);
    }
  });

  it("until as an RFC 3339 time on unused images", async () => {
    await reseed();
    // One more unused image a second later, so that some time splits the unused images whatever the seed's speed.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await dockerCli(["commit", "hungry_hopper", "until/probe:1"])).code).toBe(0);
    const before = await inventory();
    const all = planned(await prunePlan("unused-images"), before);
    // The earliest creation second that leaves out some of what an unfiltered prune takes, but not all of it.
    let chosen: { until: string; expected: Change } | null = null;
    for (const second of await createdSeconds("images")) {
      const until = new Date(second * 1000).toISOString().replace(".000Z", "Z");
      const expected = planned(await prunePlan("unused-images", { until }), before);
      if (expected.images.length > 0 && expected.images.length < all.images.length) {
        chosen = { until, expected };
        break;
      }
    }
    if (chosen === null) throw new Error("no creation time splits the unused images");
    const cli = await dockerCli(["image", "prune", "-a", "-f", "--filter", `until=${chosen.until}`]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(change(before, await inventory())).toEqual(chosen.expected);
  });

  it("a duration that reaches back before the seed keeps everything, as the CLI does", async () => {
    const before = await inventory();
    const plan = await prunePlan("unused-images", { filter: ["until=1h30m"] });
    expect(plan.steps).toEqual([]);
    const cli = await dockerCli(["image", "prune", "-a", "-f", "--filter", "until=1h30m"]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(change(before, await inventory())).toEqual({ containers: [], images: [], tags: [] });
  });

  it("refuses a malformed filter with 400", async () => {
    const response = await postPrunePlan(new Request(`${ORIGIN}/api/prune/plan`, { method: "POST", headers, body: JSON.stringify({ scope: "everything" }) }));
    expect(response.status).toBe(400);
    const badLabel = await postPrunePlan(new Request(`${ORIGIN}/api/prune/plan`, { method: "POST", headers, body: JSON.stringify({ scope: "dangling-images", label: "=x" }) }));
    expect(badLabel.status).toBe(400);
  });
});
