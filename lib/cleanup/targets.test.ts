import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import { AppError } from "@/lib/errors";
import { indexHost, isImageIdPrefix, isTargetSyntax, normalizeReference, resolveTarget } from "@/lib/cleanup/targets";
import { containerByName, imageByTag, loadFixture } from "@/lib/cleanup/__fixtures__/fixture";

const seeded = loadFixture("scenarios-walk.json.gz").states[0]!.snapshot;
const index = indexHost(seeded);
const short = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);

function resolveOn(snapshot: HostSnapshot, input: string) {
  return resolveTarget(indexHost(snapshot), input);
}

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

/** A hex digit that starts the IDs of at least two of `ids`. */
function sharedDigit(ids: string[]): string {
  const digit = "0123456789abcdef".split("").find((candidate) => ids.filter((id) => id.startsWith(candidate)).length > 1);
  if (digit === undefined) throw new Error("no shared prefix in the fixture");
  return digit;
}

describe("normalizeReference", () => {
  it("fills in the default registry, library/ and latest, like the CLI", () => {
    for (const value of ["ubuntu", "ubuntu:latest", "docker.io/library/ubuntu:latest", "index.docker.io/library/ubuntu", "docker.io/ubuntu"]) {
      expect(normalizeReference(value), value).toMatchObject({
        repository: "docker.io/library/ubuntu",
        tag: "latest",
        familiar: "ubuntu:latest",
        key: "docker.io/library/ubuntu:latest",
      });
    }
  });

  it("keeps registries with ports, localhost and namespaces", () => {
    expect(normalizeReference("registry.example.com:5000/team/ubuntu:14.04")).toMatchObject({
      repository: "registry.example.com:5000/team/ubuntu",
      familiar: "registry.example.com:5000/team/ubuntu:14.04",
    });
    expect(normalizeReference("localhost/ml/trainer")).toMatchObject({ repository: "localhost/ml/trainer", familiar: "localhost/ml/trainer:latest" });
    expect(normalizeReference("acme/api:dev")).toMatchObject({ repository: "docker.io/acme/api", familiar: "acme/api:dev" });
    expect(normalizeReference("docker.io/library/team/app:1")?.familiar).toBe("library/team/app:1");
  });

  it("keys a digest reference by its digest, with or without a tag", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const plain = normalizeReference(`ubuntu@${digest}`);
    expect(plain).toMatchObject({ canonical: true, tag: null, familiar: `ubuntu@${digest}`, key: `docker.io/library/ubuntu@${digest}` });
    expect(normalizeReference(`ubuntu:14.04@${digest}`)?.key).toBe(plain?.key);
  });

  it("rejects what the daemon would reject", () => {
    for (const value of ["Ubuntu", "../x", "ubuntu:", "a b", "ubuntu@sha256:abc", ""]) expect(normalizeReference(value), value).toBeNull();
  });
});

describe("isImageIdPrefix", () => {
  it("takes a name as an ID when it starts the ID, with or without the algorithm", () => {
    const id = `sha256:abc${"0".repeat(61)}`;
    expect(isImageIdPrefix(id, "abc")).toBe(true);
    expect(isImageIdPrefix(id, "sha256:ab")).toBe(true);
    expect(isImageIdPrefix(id, "sha256")).toBe(true);
    expect(isImageIdPrefix(id, "abd")).toBe(false);
  });
});

describe("resolveTarget: images", () => {
  const ubuntu = imageByTag(seeded, "ubuntu:14.04");

  it("resolves a node id to the image itself", () => {
    expect(resolveTarget(index, `image:${ubuntu.id}`)).toMatchObject({ kind: "image", matchedBy: "node-id", daemonName: ubuntu.id, image: { id: ubuntu.id } });
  });

  it("resolves every ID form by ID", () => {
    const hex = ubuntu.id.slice("sha256:".length);
    expect(resolveTarget(index, ubuntu.id)).toMatchObject({ kind: "image", matchedBy: "id" });
    expect(resolveTarget(index, hex)).toMatchObject({ kind: "image", matchedBy: "id" });
    expect(resolveTarget(index, short(ubuntu.id))).toMatchObject({ kind: "image", matchedBy: "id-prefix", daemonName: short(ubuntu.id) });
    expect(resolveTarget(index, `sha256:${short(ubuntu.id)}`)).toMatchObject({ kind: "image", matchedBy: "id-prefix" });
  });

  it("resolves references in every form the CLI accepts, to a reference target", () => {
    for (const [input, reference] of [
      ["ubuntu", "ubuntu:latest"],
      ["ubuntu:latest", "ubuntu:latest"],
      ["docker.io/library/ubuntu:latest", "ubuntu:latest"],
      ["ubuntu:14.04", "ubuntu:14.04"],
      ["registry.example.com:5000/team/ubuntu:14.04", "registry.example.com:5000/team/ubuntu:14.04"],
    ] as const) {
      expect(resolveTarget(index, input), input).toMatchObject({ kind: "image-reference", reference, daemonName: input, image: { id: ubuntu.id } });
    }
  });

  it("lets a tag win over an ID prefix", () => {
    const other = imageByTag(seeded, "hello-world:latest");
    const prefix = short(ubuntu.id).slice(0, 6);
    const tagged: HostSnapshot = {
      ...seeded,
      images: seeded.images.map((image) => (image.id === other.id ? { ...image, repoTags: [...image.repoTags, `${prefix}:latest`] } : image)),
    };
    expect(resolveOn(tagged, prefix)).toMatchObject({ kind: "image-reference", image: { id: other.id }, reference: `${prefix}:latest` });
  });

  it("treats a tag that starts the image's own ID as an ID, as the daemon does", () => {
    const prefix = short(ubuntu.id).slice(0, 6);
    const tagged: HostSnapshot = {
      ...seeded,
      images: seeded.images.map((image) => (image.id === ubuntu.id ? { ...image, repoTags: [...image.repoTags, `${prefix}:latest`] } : image)),
    };
    expect(resolveOn(tagged, prefix)).toMatchObject({ kind: "image", matchedBy: "reference", image: { id: ubuntu.id } });
  });

  it("resolves a force-removed image's node id to a missing image with its containers", () => {
    const orphan = containerByName(seeded, "jolly_lamarr");
    expect(resolveTarget(index, `image:${orphan.imageId}`)).toMatchObject({
      kind: "missing-image",
      imageId: orphan.imageId,
      containers: [{ name: "jolly_lamarr" }],
    });
  });

  it("says where a force-removed image went when asked by its ID", () => {
    const orphan = containerByName(seeded, "jolly_lamarr");
    const error = failure(() => resolveTarget(index, short(orphan.imageId)));
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("force-removed");
    expect(error.message).toContain("jolly_lamarr");
  });

  it("calls an ID prefix of several images ambiguous, naming them", () => {
    const digit = sharedDigit(seeded.images.map((image) => image.id.slice("sha256:".length)));
    const containerless = seeded.containers.some((container) => container.id.startsWith(digit))
      ? { ...seeded, containers: seeded.containers.filter((container) => !container.id.startsWith(digit)) }
      : seeded;
    const error = failure(() => resolveOn(containerless, `sha256:${digit}`));
    expect(error.code).toBe("ambiguous");
    expect(error.message).toMatch(/starts the IDs of \d+ images/);
    expect(error.message).toContain(`No such image: sha256:${digit}`);
  });
});

describe("resolveTarget: containers", () => {
  const hopper = containerByName(seeded, "hungry_hopper");

  it("resolves a node id, a full ID, a name with or without slash and a unique prefix", () => {
    expect(resolveTarget(index, `container:${hopper.id}`)).toMatchObject({ kind: "container", matchedBy: "node-id", daemonName: hopper.id });
    expect(resolveTarget(index, hopper.id)).toMatchObject({ kind: "container", matchedBy: "id" });
    expect(resolveTarget(index, "hungry_hopper")).toMatchObject({ kind: "container", matchedBy: "name", daemonName: "hungry_hopper" });
    expect(resolveTarget(index, "/hungry_hopper")).toMatchObject({ kind: "container", matchedBy: "name", daemonName: "hungry_hopper" });
    const prefix = hopper.id.slice(0, 12);
    const unique = !seeded.images.some((image) => image.id.slice("sha256:".length).startsWith(prefix));
    expect(unique).toBe(true);
    expect(resolveTarget(index, prefix)).toMatchObject({ kind: "container", matchedBy: "id-prefix", container: { id: hopper.id } });
  });

  it("calls an ID prefix of several containers ambiguous", () => {
    const digit = sharedDigit(seeded.containers.map((container) => container.id));
    const imageless = { ...seeded, images: seeded.images.filter((image) => !image.id.startsWith(`sha256:${digit}`)) };
    const error = failure(() => resolveOn(imageless, digit));
    expect(error.code).toBe("ambiguous");
    expect(error.message).toMatch(/starts the IDs of \d+ containers/);
  });
});

describe("resolveTarget: a name for both an image and a container", () => {
  it("is ambiguous unless given as a node id", () => {
    const renamed: HostSnapshot = {
      ...seeded,
      containers: seeded.containers.map((container) => (container.name === "hungry_hopper" ? { ...container, name: "ubuntu" } : container)),
    };
    const error = failure(() => resolveOn(renamed, "ubuntu"));
    expect(error.code).toBe("ambiguous");
    expect(error.message).toContain("node id");
    const hopper = containerByName(seeded, "hungry_hopper");
    expect(resolveOn(renamed, `container:${hopper.id}`)).toMatchObject({ kind: "container", container: { name: "ubuntu" } });
  });

  it("is ambiguous for an ID prefix of an image and a container", () => {
    const image = seeded.images[0]!;
    const container = seeded.containers[0]!;
    const prefix = short(image.id).slice(0, 8);
    const clash: HostSnapshot = { ...seeded, containers: [{ ...container, id: `${prefix}${"f".repeat(56)}` }] };
    expect(failure(() => resolveOn(clash, prefix)).code).toBe("ambiguous");
  });
});

describe("resolveTarget: bad targets", () => {
  it("refuses malformed input as invalid_input, naming it safely", () => {
    for (const input of ["../x", "a".repeat(5000), "ubu\u0000ntu", "has space", "", "image:sha256:xyz", "Upper:Tag", "name?x=1", "%2e%2e/x"]) {
      const error = failure(() => resolveTarget(index, input));
      expect(error.code, JSON.stringify(input.slice(0, 20))).toBe("invalid_input");
      expect(error.message).not.toContain("\u0000");
      expect(error.message.length).toBeLessThan(300);
      expect(isTargetSyntax(input)).toBe(false);
    }
  });

  it("answers unknown targets with not_found naming the target", () => {
    for (const input of ["never-seeded:1.0", `image:sha256:${"0".repeat(64)}`, `container:${"0".repeat(64)}`, "nobody_here"]) {
      const error = failure(() => resolveTarget(index, input));
      expect(error.code, input).toBe("not_found");
      expect(error.message).toContain(input);
    }
  });
});
