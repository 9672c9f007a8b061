import { describe, expect, it } from "vitest";
import type { HistoryStep, ImageLayerFacts } from "@/lib/docker/snapshot";
import { layerSizesFromHistory, layerSizesOf } from "@/lib/docker/snapshot";

/*
 * Layer sizes from inspect + history, on answers recorded from a Docker 20.10 daemon for
 *   probe/edge:1          FROM busybox:static (2 layers) + RUN true (no layer) + WORKDIR /new/dir (a 0-byte
 *                         layer: the folder is new) + RUN head -c 5000 … + RUN mkdir /empty + RUN rm /bin/zcat + ENV
 *   probe/commit-empty:1  `docker commit` of an unchanged container of probe/edge:1 (no new layer)
 */

const diffIds = ["57f09b0f", "ba347899", "3099b533", "cdf2cdc8", "bc3f036c", "c7d907b3"].map((hex) => `sha256:${hex}${"0".repeat(56)}`);
const SIZE = 1_990_472;
const TRUE_SIZES = [1_982_256, 3_216, 0, 5_000, 0, 0];

/** `GET /images/probe/edge:1/history`, newest first, as the daemon answered. */
const edgeHistoryNewestFirst: HistoryStep[] = [
  { Size: 0, CreatedBy: "/bin/sh -c #(nop)  ENV A=1" },
  { Size: 0, CreatedBy: "/bin/sh -c rm /bin/zcat" },
  { Size: 0, CreatedBy: "/bin/sh -c mkdir /empty" },
  { Size: 5000, CreatedBy: "/bin/sh -c head -c 5000 /dev/urandom > /x.bin" },
  { Size: 0, CreatedBy: "/bin/sh -c #(nop) WORKDIR /new/dir" },
  { Size: 0, CreatedBy: "/bin/sh -c true" },
  { Size: 0, CreatedBy: '/bin/sh -c #(nop)  CMD ["sh" "-c" "trap \'exit 0\' TERM INT; sleep 2147483647 & wait"]' },
  { Size: 3216, CreatedBy: "/bin/busybox sh -c /bin/busybox --install -s /bin && mkdir -p /tmp /root /etc /var/log /opt && chmod 1777 /tmp" },
  { Size: 1982256, CreatedBy: "/bin/sh -c #(nop) COPY file:73e2b2d48642b21b357384b0cb81c1869cc5e0c48a00f61553756196058304b9 in /bin/busybox " },
];
const commitStep: HistoryStep = { Size: 0, CreatedBy: "sh -c trap 'exit 0' TERM INT; sleep 2147483647 & wait" };

const edge: ImageLayerFacts = {
  imageId: "sha256:d6229658",
  parentId: "sha256:5fd3389a",
  size: SIZE,
  diffIds,
  history: [...edgeHistoryNewestFirst].reverse(),
};
const commitEmpty: ImageLayerFacts = {
  imageId: "sha256:f3bb932d",
  parentId: edge.imageId,
  size: SIZE,
  diffIds,
  history: [...edge.history, commitStep],
};

describe("layerSizesOf", () => {
  it("gives an unchanged commit its parent's sizes (history has one 0-byte step more than layers)", () => {
    const parent = { diffIds, layerSizes: TRUE_SIZES, size: SIZE, historyLength: edge.history.length };
    expect(layerSizesOf(commitEmpty, parent)).toEqual(TRUE_SIZES);
  });

  it("gives a child one layer over its parent the difference of their sizes", () => {
    const parent = { diffIds: diffIds.slice(0, 5), layerSizes: TRUE_SIZES.slice(0, 5), size: SIZE, historyLength: 7 };
    expect(layerSizesOf(edge, parent)).toEqual(TRUE_SIZES);
  });

  it("falls back to history when the parent is not a prefix of the layers", () => {
    const stranger = { diffIds: ["sha256:other"], layerSizes: [7], size: 7, historyLength: 1 };
    expect(layerSizesOf(edge, stranger)).toEqual(TRUE_SIZES);
  });
});

describe("layerSizesFromHistory", () => {
  it("places the sizes of a build with empty and 0-byte layers", () => {
    expect(layerSizesFromHistory(6, edge.history)).toEqual(TRUE_SIZES);
  });

  it("keeps the base layer's size when a commit added a step but no layer (the old alignment shifted every size)", () => {
    const sizes = layerSizesFromHistory(6, commitEmpty.history);
    expect(sizes[0]).toBe(1_982_256);
    expect(sizes.reduce((total, bytes) => total + bytes, 0)).toBe(SIZE);
  });

  it("pads missing history with zeros at the base", () => {
    expect(layerSizesFromHistory(3, [{ Size: 10, CreatedBy: "import" }])).toEqual([0, 0, 10]);
  });
});
