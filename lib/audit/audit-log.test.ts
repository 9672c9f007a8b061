import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AUDIT_FILE, AuditLog, parseAuditLines, stepKeyOf, type AuditEntry } from "@/lib/audit/audit-log";
import { parseConfig } from "@/lib/config";

const folders: string[] = [];

async function tempFolder(): Promise<string> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), "dockgraph-audit-"));
  folders.push(folder);
  return folder;
}

afterAll(async () => {
  await Promise.all(folders.map((folder) => fs.rm(folder, { recursive: true })));
});

type OutcomeEntry = Extract<AuditEntry, { phase: "outcome" }>;

function entry(step: number, outcome: OutcomeEntry["outcome"] = "done"): OutcomeEntry {
  return {
    phase: "outcome",
    time: new Date(Date.UTC(2026, 10, 24, 10, 0, step)).toISOString(),
    planId: "00000000-0000-4000-8000-000000000003",
    step,
    action: "remove-container",
    node: `container:${String(step).padStart(64, "0")}`,
    subject: `c${step}`,
    outcome,
    bytes: step * 10,
    message: `Removed container c${step}.`,
  };
}

describe("AuditLog", () => {
  it("appends one JSON line per step in the configured folder, creating it", async () => {
    const dataDir = path.join(await tempFolder(), "nested", "data");
    const log = new AuditLog(parseConfig({ DOCKGRAPH_DATA_DIR: dataDir }).dataDir);
    await log.append(entry(1));
    await log.append(entry(2, "failed"));
    expect(log.file).toBe(path.join(dataDir, AUDIT_FILE));
    const lines = (await fs.readFile(path.join(dataDir, AUDIT_FILE), "utf8")).split("\n");
    expect(lines).toEqual([JSON.stringify(entry(1)), JSON.stringify(entry(2, "failed")), ""]);
  });

  it("reads the newest entries first, up to the limit", async () => {
    const log = new AuditLog(await tempFolder());
    for (const step of [1, 2, 3, 4]) await log.append(entry(step));
    expect((await log.recent(10)).map((read) => read.step)).toEqual([4, 3, 2, 1]);
    expect(await log.recent(2)).toEqual([entry(4), entry(3)].map((one) => ({ ...one, stepKey: stepKeyOf(one) })));
  });

  it("skips malformed lines and keeps the rest", async () => {
    const dataDir = await tempFolder();
    const log = new AuditLog(dataDir);
    await log.append(entry(1));
    const junk = ['{"time":"2026-11-24T10:00:0', "42", '{"step":"two"}', JSON.stringify({ ...entry(9), outcome: "exploded" }), "", "   "];
    await fs.appendFile(log.file, `${junk.join("\n")}\n`);
    await log.append(entry(2));
    expect((await log.recent(100)).map((read) => read.step)).toEqual([2, 1]);
  });

  it("is empty before the first step ran", async () => {
    expect(await new AuditLog(path.join(await tempFolder(), "never-written")).recent(5)).toEqual([]);
  });

  it("keeps every line whole when steps finish side by side", async () => {
    const log = new AuditLog(await tempFolder());
    await Promise.all(Array.from({ length: 50 }, (_, index) => log.append(entry(index + 1))));
    const read = await log.recent(1000);
    expect(read.map((one) => one.step).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  });

  it("reads lines written before phases existed as outcomes, beside intents and reconciled lines", () => {
    const { phase: _phase, ...old } = entry(1);
    const intent = { ...entry(2), phase: "intent", outcome: "pending", pid: 42 };
    const reconciled = { ...entry(2), phase: "reconciled", outcome: "did-not-happen", found: "container c2 is still there (exited)" };
    const records = parseAuditLines([JSON.stringify(old), JSON.stringify(intent), JSON.stringify(reconciled)].join("\n"));
    expect(records.map((record) => [record.phase, record.outcome, record.stepKey])).toEqual([
      ["outcome", "done", "00000000-0000-4000-8000-000000000003#1"],
      ["intent", "pending", "00000000-0000-4000-8000-000000000003#2"],
      ["reconciled", "did-not-happen", "00000000-0000-4000-8000-000000000003#2"],
    ]);
    // An intent must say pending; a reconciled line must say what was found.
    expect(parseAuditLines(JSON.stringify({ ...intent, outcome: "done" }))).toEqual([]);
    expect(parseAuditLines(JSON.stringify({ ...reconciled, found: undefined }))).toEqual([]);
  });

  it("writes a durable line completely before it resolves, creating the file", async () => {
    const log = new AuditLog(path.join(await tempFolder(), "fresh"));
    await log.append({ ...entry(1), phase: "intent", outcome: "pending" }, { durable: true });
    expect(await fs.readFile(log.file, "utf8")).toBe(`${JSON.stringify({ ...entry(1), phase: "intent", outcome: "pending" })}\n`);
  });
});
