import { describe, expect, it } from "vitest";
import { assertDecodablePath } from "@/lib/http/request-target";

describe("assertDecodablePath", () => {
  it("accepts plain and well-encoded paths", () => {
    for (const path of ["/api/plans/00000000-0000-4000-8000-000000000000/execute", "/api/plans/%2e%2e%2F/script", "/api/x/%F0%9F%98%80", "/"]) {
      expect(() => assertDecodablePath(path), path).not.toThrow();
    }
  });

  it("refuses a bad escape or a cut UTF-8 sequence with a 400", () => {
    for (const path of ["/api/plans/%zz/execute", "/api/plans/a%E0%A4/script", "/api/%ff", "/api/plans/%/execute"]) {
      expect(() => assertDecodablePath(path), path).toThrow(expect.objectContaining({ code: "invalid_input" }));
    }
  });
});
