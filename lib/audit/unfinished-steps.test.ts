import { describe, expect, it } from "vitest";
import { parseAuditLines, type AuditEntry } from "@/lib/audit/audit-log";
import { questionFor, reconciledEntry, unfinishedIntents, verdictFor, type UnfinishedIntent } from "@/lib/audit/unfinished-steps";

const PLAN = "11111111-2222-4333-8444-555555555555";
const CONTAINER = "c".repeat(64);
const IMAGE = `sha256:${"a".repeat(64)}`;
const OTHER_IMAGE = `sha256:${"b".repeat(64)}`;

function line(step: number, phase: AuditEntry["phase"], extra: Partial<Record<string, unknown>> = {}): string {
  const base = { time: `2026-12-01T10:00:0${step}.000Z`, planId: PLAN, step, action: "remove-container", node: `container:${CONTAINER}`, subject: "web", bytes: 0, message: "m" };
  const byPhase = { intent: { outcome: "pending" }, outcome: { outcome: "done" }, reconciled: { outcome: "happened", found: "gone" } }[phase];
  return JSON.stringify({ ...base, phase, ...byPhase, ...extra });
}

function intent(action: string, node: string, ref?: string): UnfinishedIntent {
  return { time: "2026-12-01T10:00:00.000Z", phase: "intent", outcome: "pending", planId: PLAN, step: 3, stepKey: `${PLAN}#3`, action, node, subject: "thing", bytes: 0, message: "m", ...(ref ? { ref } : {}) };
}

describe("unfinishedIntents", () => {
  it("keeps intents that no outcome or reconciled line of the same step follows", () => {
    const records = parseAuditLines(
      [line(1, "intent"), line(1, "outcome"), line(2, "intent"), line(3, "intent"), line(3, "reconciled"), line(4, "outcome"), line(5, "intent"), '{"cut short'].join("\n"),
    );
    expect(unfinishedIntents(records).map((record) => record.step)).toEqual([2, 5]);
  });

  it("is empty for a log of old outcome lines only", () => {
    const old = JSON.parse(line(1, "outcome")) as Record<string, unknown>;
    delete old.phase;
    expect(unfinishedIntents(parseAuditLines(JSON.stringify(old)))).toEqual([]);
  });
});

describe("questionFor", () => {
  it("asks about the container, the image by ID, or the untagged reference", () => {
    expect(questionFor(intent("remove-container", `container:${CONTAINER}`))).toEqual({ kind: "container", id: CONTAINER });
    expect(questionFor(intent("remove-image", `image:${IMAGE}`))).toEqual({ kind: "image", name: IMAGE, imageId: IMAGE });
    expect(questionFor(intent("untag", `image:${IMAGE}`, "app/web:1"))).toEqual({ kind: "image", name: "app/web:1", imageId: IMAGE });
  });

  it("asks nothing for a node it cannot name safely", () => {
    expect(questionFor(intent("remove-container", "container:../../x"))).toBeNull();
    expect(questionFor(intent("untag", `image:${IMAGE}`))).toBeNull();
  });
});

describe("verdictFor", () => {
  const container = (state: string | null) => ({ kind: "container" as const, facts: state === null ? null : { id: CONTAINER, state } });
  const image = (id: string | null, references: string[] = []) => ({ kind: "image" as const, facts: id === null ? null : { id, references } });

  it("a removal happened when the object is gone, and did not while it is there", () => {
    expect(verdictFor(intent("remove-container", `container:${CONTAINER}`), container(null)).outcome).toBe("happened");
    expect(verdictFor(intent("remove-container", `container:${CONTAINER}`), container("exited"))).toEqual({
      outcome: "did-not-happen",
      found: `container thing (${CONTAINER.slice(0, 12)}) is still there (exited)`,
    });
    expect(verdictFor(intent("remove-image", `image:${IMAGE}`), image(null)).outcome).toBe("happened");
    expect(verdictFor(intent("remove-image", `image:${IMAGE}`), image(IMAGE, ["app/web:1"])).found).toBe("image thing is still there (app/web:1)");
  });

  it("a stop happened when the container no longer runs; an unpause when it is no longer paused", () => {
    expect(verdictFor(intent("stop-container", `container:${CONTAINER}`), container("exited")).outcome).toBe("happened");
    expect(verdictFor(intent("stop-container", `container:${CONTAINER}`), container("running")).outcome).toBe("did-not-happen");
    expect(verdictFor(intent("stop-container", `container:${CONTAINER}`), container(null)).outcome).toBe("unknown");
    expect(verdictFor(intent("unpause-container", `container:${CONTAINER}`), container("paused")).outcome).toBe("did-not-happen");
    expect(verdictFor(intent("unpause-container", `container:${CONTAINER}`), container("running")).outcome).toBe("happened");
  });

  it("an untag happened when the reference is gone or names another image", () => {
    const untag = intent("untag", `image:${IMAGE}`, "app/web:1");
    expect(verdictFor(untag, image(null)).outcome).toBe("happened");
    expect(verdictFor(untag, image(OTHER_IMAGE)).outcome).toBe("happened");
    expect(verdictFor(untag, image(IMAGE, ["app/web:1"])).outcome).toBe("did-not-happen");
  });
});

describe("reconciledEntry", () => {
  it("closes the step with its key fields, what was found, and a readable message", () => {
    const untag = intent("untag", `image:${IMAGE}`, "app/web:1");
    const entry = reconciledEntry(untag, { outcome: "did-not-happen", found: "reference app/web:1 still names image aaaaaaaaaaaa" }, new Date("2026-12-01T11:00:00Z"));
    expect(entry).toMatchObject({ phase: "reconciled", planId: PLAN, step: 3, action: "untag", ref: "app/web:1", outcome: "did-not-happen", time: "2026-12-01T11:00:00.000Z" });
    expect(entry.message).toBe(
      "Interrupted (the server stopped between the intent at 2026-12-01T10:00:00.000Z and the outcome); checked at restart: it did not happen: reference app/web:1 still names image aaaaaaaaaaaa.",
    );
    expect(unfinishedIntents(parseAuditLines([JSON.stringify(untag), JSON.stringify(entry)].join("\n")))).toEqual([]);
  });
});
