import { describe, expect, it } from "vitest";
import { POST as postPrunePlan } from "@/app/api/prune/plan/route";
import { POST as postExecute } from "@/app/api/plans/[planId]/execute/route";
import type { Plan, PruneScope } from "@/lib/cleanup/plan-types";
import { CHANGE_HEADERS, configureServerForTests, inventory, minus, TEST_ORIGIN, type Inventory } from "@/test/support/host-inventory";
import { dockerCli, reseed } from "@/test/support/seeded-host";

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

describe("prune filters", () => {
  it("keeps what a label or until filter excludes, like the CLI", async () => {
    await reseed();
    const byLabel = await prunePlan("stopped-containers", { label: "com.docker.compose.project=shop" });
    const before = await inventory();
    const cli = await dockerCli(["container", "prune", "-f", "--filter", "label=com.docker.compose.project=shop"]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(change(before, await inventory()).containers).toEqual([...byLabel.removes.containerIds].sort());
    expect(byLabel.removes.containerIds.length).toBeGreaterThan(0);

    const nothingYet = await prunePlan("unused-images", { until: "240h" });
    expect(nothingYet.steps).toEqual([]);
  });

  it("refuses a malformed filter with 400", async () => {
    const response = await postPrunePlan(new Request(`${ORIGIN}/api/prune/plan`, { method: "POST", headers, body: JSON.stringify({ scope: "everything" }) }));
    expect(response.status).toBe(400);
    const badLabel = await postPrunePlan(new Request(`${ORIGIN}/api/prune/plan`, { method: "POST", headers, body: JSON.stringify({ scope: "dangling-images", label: "=x" }) }));
    expect(badLabel.status).toBe(400);
  });
});
