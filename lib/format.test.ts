import { describe, expect, it } from "vitest";
import { formatBytes, plural } from "@/lib/format";

describe("plural", () => {
  it("uses the singular for exactly one", () => {
    expect(plural(1, "step")).toBe("1 step");
  });

  it("uses the plural for zero and many, with an irregular form when given", () => {
    expect(plural(0, "step")).toBe("0 steps");
    expect(plural(4, "step")).toBe("4 steps");
    expect(plural(2, "child image", "child images")).toBe("2 child images");
    expect(plural(3, "was", "were")).toBe("3 were");
  });
});

describe("formatBytes", () => {
  it("prints decimal units as the Docker CLI does", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(524_288)).toBe("524 kB");
    expect(formatBytes(1_800_000)).toBe("1.80 MB");
    expect(formatBytes(12_345_678)).toBe("12.3 MB");
    expect(formatBytes(3_000_000_000_000_000)).toBe("3000 TB");
  });

  it("says it does not know rather than print a wrong size", () => {
    expect(formatBytes(-1)).toBe("?");
    expect(formatBytes(Number.NaN)).toBe("?");
  });
});
