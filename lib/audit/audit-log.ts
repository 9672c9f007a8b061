import "server-only";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";

/*
 * The audit log: one JSON object per line. A destructive step writes two lines that share a step key: an intent
 * (durable on disk before the daemon is called) and its outcome after. An intent left without an outcome is a step
 * a crash interrupted; at the next start it is checked against the daemon and closed by a `reconciled` line.
 */

const stepFields = {
  time: z.string(),
  planId: z.string(),
  step: z.number(),
  action: z.string(),
  /** The object acted on: node id, plus a readable name. */
  node: z.string(),
  subject: z.string(),
  /** The reference an untag step removes. */
  ref: z.string().optional(),
  bytes: z.number(),
  message: z.string(),
};

const intentSchema = z.object({
  ...stepFields,
  phase: z.literal("intent"),
  outcome: z.literal("pending"),
  /** The server process that wrote it: an intent of a process still running is its run in progress, not a crash. */
  pid: z.number().optional(),
});

const outcomeSchema = z.object({ ...stepFields, phase: z.literal("outcome"), outcome: z.enum(["done", "failed", "skipped"]) });

const reconciledSchema = z.object({
  ...stepFields,
  phase: z.literal("reconciled"),
  outcome: z.enum(["happened", "did-not-happen", "unknown"]),
  /** What the daemon showed at the restart, in words. */
  found: z.string(),
});

// Lines written before intents existed carry no phase: they are outcomes.
const entrySchema = z.preprocess(
  (value) => (typeof value === "object" && value !== null && !("phase" in value) ? { ...value, phase: "outcome" } : value),
  z.discriminatedUnion("phase", [intentSchema, outcomeSchema, reconciledSchema]),
);

/** One line of the audit log, as written and as read back (through the same schema). */
export type AuditEntry = z.infer<typeof entrySchema>;
export type AuditIntent = z.infer<typeof intentSchema>;
export type AuditReconciled = z.infer<typeof reconciledSchema>;
/** A line as read, with the step key every phase of one step shares. */
export type AuditRecord = AuditEntry & { stepKey: string };

export const AUDIT_FILE = "audit.log";

/** The key an intent, its outcome and a reconciled line share. */
export function stepKeyOf(entry: Pick<AuditEntry, "planId" | "step">): string {
  return `${entry.planId}#${entry.step}`;
}

/** Reads audit lines (file order); a line cut short by a crash, or edited into something else, is skipped. */
export function parseAuditLines(text: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const entry = entrySchema.safeParse(parseJson(line));
    if (entry.success) records.push({ ...entry.data, stepKey: stepKeyOf(entry.data) });
  }
  return records;
}

export class AuditLog {
  constructor(private readonly dataDir: string) {}

  get file(): string {
    return path.join(this.dataDir, AUDIT_FILE);
  }

  /**
   * Appends one line in a single write. `durable`: flushed to disk before this resolves (intents: a kill or a power
   * loss right after must still leave the line), including the folder entry when this created the file.
   */
  async append(entry: AuditEntry, options: { durable?: boolean } = {}): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true });
    const handle = await fs.open(this.file, "a");
    let created = false;
    try {
      created = options.durable === true && (await handle.stat()).size === 0;
      await handle.write(`${JSON.stringify(entry)}\n`);
      if (options.durable) await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await syncFolder(this.dataDir);
  }

  /** Every line in file order. */
  async all(): Promise<AuditRecord[]> {
    try {
      return parseAuditLines(await fs.readFile(this.file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  /** The newest entries, newest first. */
  async recent(limit: number): Promise<AuditRecord[]> {
    return (await this.all()).reverse().slice(0, limit);
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
