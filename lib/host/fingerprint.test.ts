import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import { fingerprint } from "@/lib/host/host-model";
import seeded from "@/lib/graph/__fixtures__/seeded-host.json";

const snapshot = seeded.snapshot as HostSnapshot;

describe("the consistency check's fingerprint", () => {
  it("does not depend on the order the daemon lists things in", () => {
    const listed = fingerprint(snapshot.images, snapshot.containers);
    const reversed = fingerprint([...snapshot.images].reverse(), [...snapshot.containers].reverse());
    expect(reversed.hash).toBe(listed.hash);
    expect(listed).toMatchObject({ images: snapshot.images.length, containers: snapshot.containers.length });
  });

  it("changes with a tag, a parent, a state or a container's image, not with a status string", () => {
    const base = fingerprint(snapshot.images, snapshot.containers).hash;
    const [image, ...images] = snapshot.images;
    const [container, ...containers] = snapshot.containers;
    if (!image || !container) throw new Error("empty fixture");
    expect(fingerprint([{ ...image, repoTags: [...image.repoTags, "moved:here"] }, ...images], snapshot.containers).hash).not.toBe(base);
    expect(fingerprint([{ ...image, parentId: image.parentId === null ? "sha256:0" : null }, ...images], snapshot.containers).hash).not.toBe(base);
    expect(fingerprint(snapshot.images, [{ ...container, state: container.state === "running" ? "exited" : "running" }, ...containers]).hash).not.toBe(base);
    expect(fingerprint(snapshot.images, [{ ...container, imageId: "sha256:other" }, ...containers]).hash).not.toBe(base);
    expect(fingerprint(snapshot.images, [{ ...container, status: "Up 3 hours" }, ...containers]).hash).toBe(base);
  });
});
