import { beforeAll, describe, expect, it } from "vitest";
import { GET as getDisk } from "@/app/api/disk/route";
import type { DiskSummary } from "@/lib/graph/disk-summary";
import { dockerCli, ensureSeeded, reseed, sandboxDockerHost } from "@/test/support/seeded-host";
import type { SeedManifest } from "@/scripts/sandbox/seed";

/*
 * GET /api/disk against the seeded sandbox: the counts `docker system df` prints, and an answer that follows
 * the host at once after a change (the route caches the slow /system/df, but never across a change).
 */

interface CliDfRow {
  Type: string;
  TotalCount: string;
  Active: string;
}

let manifest: SeedManifest;

async function readDisk(): Promise<DiskSummary> {
  const response = await getDisk(new Request("http://127.0.0.1:3000/api/disk", { headers: { host: "127.0.0.1:3000" } }));
  expect(response.status).toBe(200);
  return (await response.json()) as DiskSummary;
}

async function cliDf(): Promise<Map<string, CliDfRow>> {
  const result = await dockerCli(["system", "df", "--format", "{{json .}}"]);
  expect(result.code, result.stderr).toBe(0);
  const rows = result.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as CliDfRow);
  return new Map(rows.map((row) => [row.Type, row]));
}

beforeAll(async () => {
  process.env.DOCKER_HOST = sandboxDockerHost();
  manifest = await ensureSeeded();
});

describe("GET /api/disk on the seeded host", () => {
  it("counts images and containers as docker system df does", async () => {
    // One after the other: the daemon runs one disk-usage computation at a time and the CLI does not wait.
    const disk = await readDisk();
    const cli = await cliDf();
    expect(String(disk.images.total)).toBe(cli.get("Images")?.TotalCount);
    expect(String(disk.images.active)).toBe(cli.get("Images")?.Active);
    expect(String(disk.containers.total)).toBe(cli.get("Containers")?.TotalCount);
    expect(String(disk.containers.running)).toBe(cli.get("Containers")?.Active);
    expect(disk.images.reclaimableBytes).toBeLessThanOrEqual(disk.images.bytes);
    expect(disk.containers.reclaimableBytes).toBeLessThanOrEqual(disk.containers.bytes);
  });

  it("answers requests that arrive together, and one that meets another client's disk-usage call", async () => {
    // Without sharing, the daemon would refuse all but one of these ("a disk usage operation is already running").
    const fresh = () => getDisk(new Request("http://127.0.0.1:3000/api/disk?fresh", { headers: { host: "127.0.0.1:3000" } }));
    const [cli, ...answers] = await Promise.all([dockerCli(["system", "df"]), fresh(), fresh(), fresh()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    // The CLI, which does not wait, may have been the one refused: that is the daemon's doing, not ours.
    if (cli.code !== 0) expect(cli.stderr).toContain("a disk usage operation is already running");
  });

  it("follows a change made with the CLI at once, without waiting for its cache", async () => {
    const before = await readDisk();
    const stopped = manifest.containers.find((container) => container.state === "exited");
    if (!stopped) throw new Error("the seed has no exited container");
    try {
      expect((await dockerCli(["rm", stopped.id])).code).toBe(0);
      const after = await readDisk();
      expect(after.containers.total).toBe(before.containers.total - 1);
    } finally {
      await reseed();
    }
  });
});
