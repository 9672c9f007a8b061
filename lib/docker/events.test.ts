import { describe, expect, it } from "vitest";
import { parseEvent } from "@/lib/docker/events";

describe("parseEvent", () => {
  it("reads image and container events as the daemon sends them (API 1.41)", () => {
    const line = JSON.stringify({
      status: "die",
      id: "3254b046e42c",
      Type: "container",
      Action: "die",
      Actor: { ID: "3254b046e42cf6d21cc556b5eeccb29d1b1d77125c2c31857f4294d293101ff0", Attributes: { exitCode: "3" } },
      scope: "local",
      time: 1795499308,
      timeNano: 1795499308123456789,
    });
    expect(parseEvent(line)).toEqual({
      type: "container",
      action: "die",
      id: "3254b046e42cf6d21cc556b5eeccb29d1b1d77125c2c31857f4294d293101ff0",
      timeNano: 1795499308123456789,
      attributes: { exitCode: "3" },
    });
    expect(parseEvent(JSON.stringify({ Type: "image", Action: "untag", Actor: { ID: "sha256:abc" } }))).toMatchObject({
      type: "image",
      action: "untag",
      id: "sha256:abc",
    });
  });

  it("ignores other object types and garbage", () => {
    expect(parseEvent(JSON.stringify({ Type: "network", Action: "connect", Actor: { ID: "n" } }))).toBeNull();
    expect(parseEvent("{not json")).toBeNull();
    expect(parseEvent("42")).toBeNull();
  });
});
