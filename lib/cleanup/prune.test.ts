import { describe, expect, it } from "vitest";
import type { HostSnapshot, ImageRecord } from "@/lib/docker/types";
import { matchesLabels, parseCliFilters, parseGoDuration, parseLabelFilter, parseUntil, pruneRemoval } from "@/lib/cleanup/prune";
import type { Removal } from "@/lib/cleanup/planner";
import { indexHost } from "@/lib/cleanup/targets";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";
import randomHost from "@/lib/graph/__fixtures__/random-host-7.json";

// Hosts recorded from the sandbox daemon (scripts/record-fixtures.ts); the integration test checks the same against the CLI.
const hosts: [string, HostSnapshot][] = [
  ["seeded host", seeded.snapshot as HostSnapshot],
  ["random host 7", randomHost.snapshot as HostSnapshot],
];

const NOW = new Date("2026-11-24T10:00:00Z");

function removedImageIds(removal: Removal): string[] {
  return removal.images.flatMap((entry) => [entry.image.id, ...entry.pruned]).sort();
}

/** Images with no container on them or on any image built on them: what `docker image prune -a` deletes. */
function unusedOracle(snapshot: HostSnapshot): string[] {
  const used = new Set(snapshot.containers.map((container) => container.imageId));
  const byId = new Map(snapshot.images.map((image) => [image.id, image]));
  const inUse = new Set<string>();
  for (const imageId of used) {
    for (let id: string | null = imageId; id !== null && !inUse.has(id); id = byId.get(id)?.parentId ?? null) inUse.add(id);
  }
  return snapshot.images.filter((image) => !inUse.has(image.id)).map((image) => image.id).sort();
}

/** Untagged, childless, unused images, then the untagged parents left without children or containers. */
function danglingOracle(snapshot: HostSnapshot): string[] {
  const used = new Set(snapshot.containers.map((container) => container.imageId));
  const childrenOf = (image: ImageRecord) => snapshot.images.filter((candidate) => candidate.parentId === image.id);
  const untagged = (image: ImageRecord) => image.repoTags.length === 0 && image.repoDigests.length === 0;
  const deleted = new Set(snapshot.images.filter((image) => untagged(image) && !used.has(image.id) && childrenOf(image).length === 0).map((image) => image.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const image of snapshot.images) {
      if (deleted.has(image.id) || !untagged(image) || used.has(image.id)) continue;
      const children = childrenOf(image);
      if (children.length > 0 && children.every((child) => deleted.has(child.id))) {
        deleted.add(image.id);
        grew = true;
      }
    }
  }
  return [...deleted].sort();
}

describe.each(hosts)("pruneRemoval on the %s", (_name, snapshot) => {
  const index = indexHost(snapshot);

  it("stopped-containers takes every created, exited and dead container and nothing else", () => {
    const removal = pruneRemoval(index, "stopped-containers", { labels: [] });
    const expected = snapshot.containers.filter((container) => ["created", "exited", "dead"].includes(container.state)).map((container) => container.id);
    expect(removal.containers.map((container) => container.id).sort()).toEqual(expected.sort());
    expect(removal.images).toEqual([]);
  });

  it("dangling-images deletes the untagged leaves nothing uses and the untagged parents the daemon prunes with them", () => {
    const removal = pruneRemoval(index, "dangling-images", { labels: [] });
    expect(removedImageIds(removal)).toEqual(danglingOracle(snapshot));
    expect(removal.untagOnly).toEqual([]);
    expect(removal.containers).toEqual([]);
  });

  it("unused-images deletes every image with no container on it or on an image built on it", () => {
    const removal = pruneRemoval(index, "unused-images", { labels: [] });
    expect(removedImageIds(removal)).toEqual(unusedOracle(snapshot));
    // What stays only loses references, and never all of them while a container uses the image.
    const used = new Set(snapshot.containers.map((container) => container.imageId));
    for (const entry of removal.untagOnly) {
      const all = [...entry.image.repoTags, ...entry.image.repoDigests];
      if (used.has(entry.image.id)) expect(entry.references.length).toBeLessThan(all.length);
      for (const reference of entry.references) expect(all).toContain(reference);
    }
  });

  it("until 0 keeps everything, a far future until keeps nothing out", () => {
    for (const scope of ["stopped-containers", "dangling-images", "unused-images"] as const) {
      const none = pruneRemoval(index, scope, { labels: [], until: 0 });
      expect(none.containers.length + none.images.length + none.untagOnly.length).toBe(0);
      const all = pruneRemoval(index, scope, { labels: [] });
      const future = pruneRemoval(index, scope, { labels: [], until: 4_000_000_000 });
      expect(removedImageIds(future)).toEqual(removedImageIds(all));
      expect(future.containers.map((container) => container.id)).toEqual(all.containers.map((container) => container.id));
    }
  });
});

describe("label filters", () => {
  const snapshot = seeded.snapshot as HostSnapshot;
  const index = indexHost(snapshot);
  const names = (filters: string[]) =>
    pruneRemoval(index, "stopped-containers", parseCliFilters(filters, NOW))
      .containers.map((container) => container.name)
      .sort();

  it("label=key and label=key=value keep only what carries it", () => {
    expect(names(["label=com.docker.compose.project=shop"])).toEqual(["shop-migrate-1"]);
    expect(names(["label=com.docker.compose.project"])).toEqual(["app-service-1", "billing-postgres-1", "shop-migrate-1"]);
    expect(names(["label=com.docker.compose.oneoff=False", "label!=com.docker.compose.project=billing"])).toEqual(["app-service-1"]);
  });

  it("label! leaves out only what matches every label! filter, as the daemon's matchLabels does", () => {
    const all = names([]);
    expect(names(["label!=com.docker.compose.project=shop"])).toEqual(all.filter((name) => name !== "shop-migrate-1"));
    // No stopped container is both in project shop and not a one-off: nothing is left out.
    expect(names(["label!=com.docker.compose.project=shop", "label!=com.docker.compose.oneoff=False"])).toEqual(all);
    expect(names(["label!=com.docker.compose.project"])).toEqual(all.filter((name) => !["app-service-1", "billing-postgres-1", "shop-migrate-1"].includes(name)));
  });

  it("matches keys and values exactly; an empty value is a value", () => {
    const filter = (text: string) => [parseLabelFilter(text)];
    expect(matchesLabels({ a: "" }, filter("a="))).toBe(true);
    expect(matchesLabels({ a: "1" }, filter("a="))).toBe(false);
    expect(matchesLabels({ a: "1" }, filter("a"))).toBe(true);
    expect(matchesLabels({}, filter("!a"))).toBe(true);
    expect(matchesLabels({ ab: "1" }, filter("a"))).toBe(false);
    expect(matchesLabels({ a: "1" }, [...filter("!a=1"), ...filter("!b")])).toBe(true);
    expect(matchesLabels({ a: "1", b: "2" }, [...filter("!a=1"), ...filter("!b")])).toBe(false);
    expect(matchesLabels({ a: "x=y" }, filter("a=x=y"))).toBe(true);
  });

  it("refuses malformed label filters", () => {
    for (const text of ["", "=x", "!", "!=x", "a b"]) expect(() => parseLabelFilter(text), text).toThrowError(expect.objectContaining({ code: "invalid_input" }));
  });
});

describe("parseGoDuration", () => {
  it("reads what Go's time.ParseDuration reads, in seconds", () => {
    const cases: [string, number][] = [
      ["24h", 86_400],
      ["1h30m", 5_400],
      ["10m", 600],
      ["1.5h", 5_400],
      [".5h", 1_800],
      ["2h45m30s", 9_930],
      ["300ms", 0.3],
      ["-1h", -3_600],
      ["+10s", 10],
      ["0", 0],
      ["1us", 0.000001],
      ["1µs", 0.000001],
    ];
    for (const [text, seconds] of cases) expect(parseGoDuration(text), text).toBeCloseTo(seconds, 9);
  });

  it("refuses what Go refuses", () => {
    for (const text of ["", "h", "1", "1h30", "1d", "1 h", "1.h.", "..5h", "-", "1H"]) expect(parseGoDuration(text), text).toBeNull();
  });
});

describe("parseUntil", () => {
  const nowSeconds = NOW.getTime() / 1000;
  const localOffsetSeconds = NOW.getTimezoneOffset() * 60;

  it("takes durations back from now, in whole seconds", () => {
    expect(parseUntil("24h", NOW)).toBe(nowSeconds - 86_400);
    expect(parseUntil("1h30m", NOW)).toBe(nowSeconds - 5_400);
    expect(parseUntil("10m", NOW)).toBe(nowSeconds - 600);
    expect(parseUntil("1500ms", NOW)).toBe(nowSeconds - 2);
  });

  it("takes RFC 3339 times, with a zone or in local time, and dates", () => {
    expect(parseUntil("2026-11-01T00:00:00Z", NOW)).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(parseUntil("2026-11-01T10:30:00+02:00", NOW)).toBe(Date.UTC(2026, 10, 1, 8, 30) / 1000);
    expect(parseUntil("2026-11-01T10:30:00-05:30", NOW)).toBe(Date.UTC(2026, 10, 1, 16, 0) / 1000);
    expect(parseUntil("2026-11-01T10:30:00.25Z", NOW)).toBeCloseTo(Date.UTC(2026, 10, 1, 10, 30) / 1000 + 0.25, 6);
    expect(parseUntil("2026-11-01", NOW)).toBe(Date.UTC(2026, 10, 1) / 1000 + localOffsetSeconds);
    expect(parseUntil("2026-11-01T10", NOW)).toBe(Date.UTC(2026, 10, 1, 10) / 1000 + localOffsetSeconds);
    expect(parseUntil("2026-11-01T10:30", NOW)).toBe(Date.UTC(2026, 10, 1, 10, 30) / 1000 + localOffsetSeconds);
    expect(parseUntil("2026-11-01Z", NOW)).toBe(Date.UTC(2026, 10, 1) / 1000);
  });

  it("takes unix seconds, with a fraction", () => {
    expect(parseUntil("1700000000", NOW)).toBe(1_700_000_000);
    expect(parseUntil("1700000000.5", NOW)).toBe(1_700_000_000.5);
    expect(parseUntil("0", NOW)).toBe(0);
  });

  it("refuses the rest with invalid_input", () => {
    for (const text of ["yesterday", "Dec 1", "2026-13-01", "2026-02-30", "2026-11-01T25:00", "-5", "1h30", "2026-11-01 10:00", ""]) {
      expect(() => parseUntil(text, NOW), text).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    }
  });
});

describe("parseCliFilters", () => {
  it("reads --filter values as the CLI passes them", () => {
    expect(parseCliFilters(["until=24h", "label=a=b", "label!=c"], NOW)).toEqual({
      until: NOW.getTime() / 1000 - 86_400,
      labels: [
        { key: "a", value: "b", negated: false },
        { key: "c", value: null, negated: true },
      ],
    });
  });

  it("refuses a second until and filters prune does not take", () => {
    expect(() => parseCliFilters(["until=1h", "until=2h"], NOW)).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    expect(() => parseCliFilters(["until=1h"], NOW, { labels: [], until: 5 })).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    for (const text of ["dangling=true", "reference=x", "label"]) expect(() => parseCliFilters([text], NOW), text).toThrowError(expect.objectContaining({ code: "invalid_input" }));
  });
});
