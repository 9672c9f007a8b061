import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { createConnection } from "@/lib/docker/client";
import { readEngineInfo } from "@/lib/docker/snapshot";
import { dockerCli, sandboxDockerHost } from "@/test/support/seeded-host";

/*
 * Docker CLI contexts as the CLI itself writes them: `docker context create` and `docker context use` in a
 * configuration folder of the test's own, then dockgraph, given only that folder, reaches the sandbox daemon.
 */

let configDir: string;

beforeAll(async () => {
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), "dockgraph-cli-config-"));
  const created = await dockerCli(["--config", configDir, "context", "create", "sandbox", "--docker", `host=${sandboxDockerHost()}`]);
  expect(created.code, created.stderr).toBe(0);
});

afterAll(() => {
  fs.rmSync(configDir, { recursive: true, force: true });
});

describe("a daemon chosen by Docker CLI context", () => {
  it("is reached through DOCKER_CONTEXT when DOCKER_HOST is not set", async () => {
    const connection = createConnection(parseConfig({ DOCKER_CONTEXT: "sandbox", DOCKER_CONFIG: configDir }));
    const engine = await readEngineInfo(connection, { fresh: true });
    expect(engine).toMatchObject({ host: sandboxDockerHost(), context: "sandbox" });
  });

  it("is reached through the CLI's current context (docker context use)", async () => {
    const used = await dockerCli(["--config", configDir, "context", "use", "sandbox"]);
    expect(used.code, used.stderr).toBe(0);
    const connection = createConnection(parseConfig({ DOCKER_CONFIG: configDir }));
    expect(connection.host).toBe(sandboxDockerHost());
    expect((await readEngineInfo(connection, { fresh: true })).context).toBe("sandbox");
  });
});
