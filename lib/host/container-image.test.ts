import { describe, expect, it } from "vitest";
import { normalizeReference } from "@/lib/cleanup/targets";
import { listedImageName, resolveImageName, type ImageLookup } from "@/lib/host/container-image";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"ab".repeat(32)}`;

function lookup(references: Record<string, string>): ImageLookup {
  const images = [A, B];
  return {
    imageIdByReferenceKey: new Map(Object.entries(references).map(([reference, id]) => [normalizeReference(reference)?.key ?? reference, id])),
    hasImage: (id) => images.includes(id),
    imageIdsWithPrefix: (hex) => images.filter((id) => id.slice(7).startsWith(hex)),
  };
}

describe("the container list's Image field, derived as the daemon derives it", () => {
  it("keeps the reference the container was created with while it names the container's image", () => {
    const host = lookup({ "ubuntu:latest": A });
    expect(listedImageName(host, "ubuntu", A)).toBe("ubuntu");
    expect(listedImageName(host, "docker.io/library/ubuntu:latest", A)).toBe("docker.io/library/ubuntu:latest");
  });

  it("shows the image ID once the tag moved to another image or went", () => {
    expect(listedImageName(lookup({ "ubuntu:latest": B }), "ubuntu", A)).toBe(A);
    expect(listedImageName(lookup({}), "ubuntu", A)).toBe(A);
  });

  it("resolves IDs and unique ID prefixes after references, as GetImage does", () => {
    const host = lookup({ "aaaa:latest": B });
    expect(resolveImageName(host, A)).toBe(A);
    expect(resolveImageName(host, "a".repeat(64))).toBe(A);
    // "aaaa" is a reference first (to B), though it also starts A's ID.
    expect(resolveImageName(host, "aaaa")).toBe(B);
    expect(resolveImageName(host, "aab")).toBeNull();
    expect(resolveImageName(lookup({}), "ab")).toBe(B);
    // Ambiguous prefix: both IDs start with "a".
    expect(resolveImageName(lookup({}), "a")).toBeNull();
    expect(listedImageName(host, "abab", B)).toBe("abab");
  });
});
