import "server-only";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";

const entrySchema = z.object({
  time: z.string(),
  planId: z.string(),
  step: z.number(),
  action: z.string(),
  /** The object acted on: node id, plus a readable name. */
  node: z.string(),
  subject: z.string(),
  outcome: z.enum(["done", "failed", "skipped"]),
  bytes: z.number(),
  message: z.string(),
});

/** One executed step, as appended to the audit log (one JSON object per line); read back through the same schema. */
export type AuditEntry = z.infer<typeof entrySchema>;

export const AUDIT_FILE = "audit.log";

export class AuditLog {
  constructor(private readonly dataDir: string) {}

  get file(): string {
    return path.join(this.dataDir, AUDIT_FILE);
  }

  async append(entry: AuditEntry): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true });
    await fs.appendFile(this.file, `${JSON.stringify(entry)}\n`, "utf8");
  }

  /** The newest entries, newest first. */
  async recent(limit: number): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const entries: AuditEntry[] = [];
    const lines = text.split("\n");
    for (let index = lines.length - 1; index >= 0 && entries.length < limit; index -= 1) {
      const line = lines[index]?.trim();
      if (!line) continue;
      // A line cut short by a crash, or edited by hand into something else: skip it, keep the rest readable.
      const entry = entrySchema.safeParse(parseJson(line));
      if (entry.success) entries.push(entry.data);
    }
    return entries;
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
