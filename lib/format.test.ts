import { describe, expect, it } from "vitest";
import { plural } from "@/lib/format";

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
