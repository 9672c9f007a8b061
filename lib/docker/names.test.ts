import { describe, expect, it } from "vitest";
import { assertContainerName, assertImageName, describe as describeInput, parseImageReference } from "@/lib/docker/names";

describe("parseImageReference", () => {
  it.each([
    ["ubuntu", { domain: null, path: "ubuntu", tag: null, digest: null }],
    ["ubuntu:14.04", { domain: null, path: "ubuntu", tag: "14.04", digest: null }],
    ["training/webapp", { domain: null, path: "training/webapp", tag: null, digest: null }],
    ["registry.example.com:5000/team/ubuntu:14.04", { domain: "registry.example.com:5000", path: "team/ubuntu", tag: "14.04", digest: null }],
    ["localhost/app:1", { domain: "localhost", path: "app", tag: "1", digest: null }],
    [
      `hello-world@sha256:${"a".repeat(64)}`,
      { domain: null, path: "hello-world", tag: null, digest: `sha256:${"a".repeat(64)}` },
    ],
  ])("parses %s", (input, expected) => {
    expect(parseImageReference(input)).toEqual(expected);
  });

  it.each(["", "../x", "Ubuntu", "ubuntu:", "ubuntu:-x", "a b", "x\u0000y", "x?y=1", "x#y", "x/../y", "a".repeat(5000), "hello@sha256:short"])(
    "rejects %j",
    (input) => {
      expect(parseImageReference(input)).toBeNull();
    },
  );
});

describe("assertImageName / assertContainerName", () => {
  it("accepts IDs, prefixes and references", () => {
    expect(assertImageName(`sha256:${"0".repeat(64)}`)).toBe(`sha256:${"0".repeat(64)}`);
    expect(assertImageName("910ede5b19df")).toBe("910ede5b19df");
    expect(assertImageName("ubuntu:latest")).toBe("ubuntu:latest");
    expect(assertContainerName("hungry_hopper")).toBe("hungry_hopper");
    expect(assertContainerName("cc2ef23a2aa2")).toBe("cc2ef23a2aa2");
  });

  it("refuses anything that could change the URL path", () => {
    for (const input of ["../../containers/x", "a/b", "x%2Fy", "x?force=1", "", "-x", "/etc"]) {
      expect(() => assertContainerName(input)).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    }
    for (const input of ["../x", "x?force=true", "x%2F", ""]) {
      expect(() => assertImageName(input)).toThrowError(expect.objectContaining({ code: "invalid_input" }));
    }
  });

  it("quotes bad input briefly and without control characters", () => {
    expect(describeInput("a\u0000b")).toBe('"a?b"');
    expect(describeInput("x".repeat(5000))).toHaveLength(80);
  });
});
