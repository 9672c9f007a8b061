import "server-only";
import { AuditLog, type AuditReconciled } from "@/lib/audit/audit-log";
import { questionFor, reconciledEntry, unfinishedIntents, verdictFor, type StepFacts, type StepQuestion, type UnfinishedIntent } from "@/lib/audit/unfinished-steps";
import { getConfig } from "@/lib/config";
import { getConnection, type DockerConnection } from "@/lib/docker/client";
import { inspectContainer, inspectImage } from "@/lib/docker/operations";

export interface ReconcileReport {
  /** Intents without an outcome found in the log. */
  unfinished: number;
  /** Steps checked and closed with a reconciled line. */
  reconciled: (AuditReconciled & { stepKey: string })[];
  /** Steps left open for the next start, and why (the daemon could not be asked, a live server owns the run). */
  unchecked: { stepKey: string; subject: string; reason: string }[];
}

export interface ReconcileOptions {
  dataDir?: string;
  connection?: DockerConnection;
  log?: (line: string) => void;
  now?: () => Date;
}

async function ask(connection: DockerConnection, question: StepQuestion): Promise<StepFacts> {
  if (question.kind === "container") {
    const facts = await inspectContainer(connection, question.id);
    return { kind: "container", facts: facts && { id: facts.id, state: facts.state } };
  }
  const facts = await inspectImage(connection, question.name);
  return { kind: "image", facts: facts && { id: facts.id, references: [...facts.repoTags, ...facts.repoDigests] } };
}

function isOtherLiveProcess(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function describeStep(intent: UnfinishedIntent): string {
  return `plan ${intent.planId} step ${intent.step} ${intent.action} ${intent.subject}`;
}

/**
 * At server start: finds destructive steps whose intent was written but whose outcome never was (the server was
 * killed in between), asks the daemon whether each happened, appends a `reconciled` line with what it found and logs
 * it. Never throws: a daemon that cannot be asked leaves the step open for the next start.
 */
export async function reconcileUnfinishedSteps(options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const report: ReconcileReport = { unfinished: 0, reconciled: [], unchecked: [] };
  try {
    const audit = new AuditLog(options.dataDir ?? getConfig().dataDir);
    const unfinished = unfinishedIntents(await audit.all()).filter((intent) => !isOtherLiveProcess(intent.pid));
    report.unfinished = unfinished.length;
    if (unfinished.length === 0) return report;
    log(
      `[dockgraph] audit: ${unfinished.length} destructive step${unfinished.length === 1 ? "" : "s"} started before the server last stopped and never recorded an outcome (${audit.file}); checking each against the daemon.`,
    );
    const connection = options.connection ?? getConnection();
    for (const intent of unfinished) {
      const question = questionFor(intent);
      if (question === null) {
        report.unchecked.push({ stepKey: intent.stepKey, subject: intent.subject, reason: "the intent does not name an object the daemon can be asked about" });
        log(`[dockgraph] audit: ${describeStep(intent)}: cannot be checked (the intent names no container, image or reference).`);
        continue;
      }
      let facts: StepFacts;
      try {
        facts = await ask(connection, question);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        report.unchecked.push({ stepKey: intent.stepKey, subject: intent.subject, reason });
        log(`[dockgraph] audit: ${describeStep(intent)}: could not ask the daemon (${reason}); left open, checked again at the next start.`);
        continue;
      }
      const entry = reconciledEntry(intent, verdictFor(intent, facts), options.now?.() ?? new Date());
      await audit.append(entry, { durable: true });
      report.reconciled.push({ ...entry, stepKey: intent.stepKey });
      log(`[dockgraph] audit: ${describeStep(intent)} (intent at ${intent.time}): reconciled — ${entry.outcome}: ${entry.found}.`);
    }
  } catch (error) {
    log(`[dockgraph] audit: the check of unfinished steps failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return report;
}
