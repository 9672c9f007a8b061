import { describe, expect, it } from "vitest";
import { toAppError } from "@/lib/docker/errors";

const context = { call: "DELETE /images/x", host: "unix:///var/run/docker.sock" };

describe("toAppError", () => {
  it("keeps the daemon's words for conflicts and unknown objects", () => {
    const conflict = toAppError({ statusCode: 409, json: { message: "conflict: unable to delete abc (must be forced)" } }, context);
    expect(conflict).toMatchObject({ code: "conflict", message: "conflict: unable to delete abc (must be forced)" });
    expect(conflict.details).toMatchObject({ status: 409, daemonMessage: "conflict: unable to delete abc (must be forced)" });
    expect(toAppError({ statusCode: 404, json: { message: "No such image: x" } }, context)).toMatchObject({ code: "not_found" });
    expect(toAppError({ statusCode: 500, json: { message: "boom" } }, context)).toMatchObject({ code: "daemon_error" });
  });

  it("says which host could not be reached and what to do", () => {
    const error = toAppError(Object.assign(new Error("connect ENOENT"), { code: "ENOENT" }), context);
    expect(error.code).toBe("daemon_unreachable");
    expect(error.message).toContain("unix:///var/run/docker.sock");
    expect(error.message).toMatch(/DOCKER_HOST/);
    expect(toAppError(Object.assign(new Error("denied"), { code: "EACCES" }), context).message).toMatch(/Permission denied/);
  });
});
