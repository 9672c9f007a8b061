import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { nextBin } from "../scripts/app-build";
import { freePort, waitForHttp } from "../scripts/next-server";
import { repoRoot } from "../scripts/sandbox/paths";
import { SocketRelay } from "../test/support/socket-relay";
import { expect, test } from "./fixtures";

/*
 * The server is killed (SIGKILL, by its pid) in the middle of a destructive step: after the step's intent is on disk,
 * before its outcome. A socket relay between the server and the sandbox daemon makes the window exact: it holds the
 * DELETE before the daemon sees it (the step did not happen), or lets the daemon do it and keeps the answer from the
 * server (it happened). The restarted server must report the interrupted step, ask the daemon, and close it with a
 * `reconciled` audit line that says which.
 */

const TOKEN = "crash-token-0123456789abcdef";

interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
}

/** `next start` with its output kept (the restart's report is read from it). */
async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin(), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot(),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/api/health`, child);
  return { baseUrl, child, output: () => output };
}

async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  if (server.child.pid !== undefined) process.kill(server.child.pid, "SIGKILL");
  await exited;
}

interface AuditLine {
  phase?: string;
  planId: string;
  step: number;
  action: string;
  subject: string;
  outcome: string;
  found?: string;
  message: string;
}

function auditLines(dataDir: string): AuditLine[] {
  try {
    return fs
      .readFileSync(path.join(dataDir, "audit.log"), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as AuditLine);
  } catch {
    return [];
  }
}

test.describe("a server killed between a step's intent and its outcome", () => {
  test.use({ freshHost: true });

  test("the restart reports the interrupted step and reconciles it against the daemon", async ({ sandbox, manifest, docker }) => {
    test.setTimeout(120_000);
    const dir = path.resolve("test-results", "audit-crash");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const dataDir = path.join(dir, "data");
    const relay = new SocketRelay(path.join(dir, "docker.sock"), sandbox.dockerHost.replace(/^unix:\/\//, ""));
    await relay.open();
    const env = { DOCKER_HOST: `unix://${relay.socketPath}`, DOCKGRAPH_DATA_DIR: dataDir, DOCKGRAPH_TOKEN: TOKEN };
    // Two throwaway containers on a seeded image, so the seeded host is as it was once they are gone.
    const image = manifest.scenarios.exitedOnly?.images.image?.tags[0];
    if (!image) throw new Error("the seed has no hello-world image");
    const names = ["dockgraph-crash-kept", "dockgraph-crash-gone"];
    const ids: string[] = [];
    for (const name of names) ids.push((await docker(["create", "--name", name, image])).stdout.trim());
    const reports: string[] = [];
    let server = await startServer(env);
    try {
      /** Plans the removal of one container, runs it until the relay holds its DELETE, then kills the server. */
      const killDuringRemoval = async (name: string, id: string, holdAt: "request" | "response") => {
        const response = await fetch(`${server.baseUrl}/api/plans`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-dockgraph-token": TOKEN, origin: server.baseUrl },
          body: JSON.stringify({ targets: [name] }),
        });
        expect(response.status).toBe(201);
        const plan = (await response.json()) as { planId: string; steps: { action: string }[] };
        expect(plan.steps.map((step) => step.action)).toEqual(["remove-container"]);
        relay.hold((request) => (request.method === "DELETE" && request.path.endsWith(`/containers/${id}`) ? holdAt : null));
        const held = relay.nextHeld();
        void fetch(`${server.baseUrl}/api/plans/${plan.planId}/execute`, { method: "POST", headers: { "x-dockgraph-token": TOKEN, origin: server.baseUrl } })
          .then((answer) => answer.text())
          .catch(() => undefined);
        await held;
        if (holdAt === "response") {
          // The daemon has the request: wait until it removed the container, while the server still waits for the answer.
          await expect.poll(async () => (await docker(["inspect", id])).code, { timeout: 10_000 }).not.toBe(0);
        }
        // The intent is on disk before the daemon is called; there is no outcome yet.
        const lines = auditLines(dataDir).filter((line) => line.planId === plan.planId);
        expect(lines.map((line) => line.phase)).toEqual(["intent"]);
        expect(lines[0]).toMatchObject({ step: 1, action: "remove-container", subject: name, outcome: "pending" });
        await kill(server);
        // Cut what the relay still holds: the killed server's connections die with it.
        await relay.close();
        await relay.open();
        return plan.planId;
      };

      const restart = async (planId: string) => {
        server = await startServer(env);
        await expect.poll(() => server.output(), { timeout: 20_000 }).toContain("reconciled");
        const report = server
          .output()
          .split("\n")
          .filter((line) => line.startsWith("[dockgraph] audit:"));
        reports.push(report.join("\n"));
        const audit = (await (await fetch(`${server.baseUrl}/api/audit`)).json()) as { entries: AuditLine[] };
        const forPlan = audit.entries.filter((entry) => entry.planId === planId);
        // Newest first: the reconciled line, then the intent it closes.
        expect(forPlan.map((entry) => entry.phase)).toEqual(["reconciled", "intent"]);
        return { report, reconciled: forPlan[0] };
      };

      const firstPlan = await killDuringRemoval(names[0] ?? "", ids[0] ?? "", "request");
      expect((await docker(["inspect", ids[0] ?? ""])).code).toBe(0);
      const first = await restart(firstPlan);
      expect(first.report[0]).toContain("1 destructive step started before the server last stopped and never recorded an outcome");
      expect(first.report[1]).toContain(`plan ${firstPlan} step 1 remove-container ${names[0]}`);
      expect(first.reconciled).toMatchObject({ phase: "reconciled", step: 1, action: "remove-container", outcome: "did-not-happen" });
      expect(first.reconciled?.found).toBe(`container ${names[0]} (${ids[0]?.slice(0, 12)}) is still there (created)`);

      const secondPlan = await killDuringRemoval(names[1] ?? "", ids[1] ?? "", "response");
      const second = await restart(secondPlan);
      expect(second.report[1]).toContain(`plan ${secondPlan} step 1 remove-container ${names[1]}`);
      expect(second.reconciled).toMatchObject({ phase: "reconciled", outcome: "happened", found: `container ${names[1]} no longer exists` });
      // The first step stays closed: reported once, not again.
      expect(second.report.join("\n")).not.toContain(firstPlan);
    } finally {
      await kill(server);
      await relay.close();
      for (const name of names) await docker(["rm", name]);
      fs.writeFileSync(path.join(dir, "restart-reports.txt"), `${reports.join("\n\n")}\n`);
      console.log(`restart reports:\n${reports.join("\n\n")}`);
    }
  });
});
