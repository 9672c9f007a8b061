"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Plan, PruneScope, RunSummary, StepResult } from "@/lib/cleanup/plan-types";
import { cleanupApi, type PruneFilters } from "@/lib/cleanup-client";
import { queryKeys } from "@/lib/query-keys";
import { formatBytes, plural } from "@/lib/format";

/** What the dialog plans: the removal of some nodes, or one of the prune scopes. */
export type PlanRequest = { kind: "targets"; targets: string[]; title: string } | { kind: "prune"; scope: PruneScope; title: string };

interface PlanDialogProps {
  request: PlanRequest;
  token: string;
  /** The live stream sends deltas: the graph shows each step's effect without being fetched again. */
  graphFollowsHost: boolean;
  onClose: () => void;
}

const ACTION_LABELS: Record<Plan["steps"][number]["action"], string> = {
  "unpause-container": "unpause",
  "stop-container": "stop",
  "remove-container": "remove container",
  untag: "untag",
  "remove-image": "remove image",
};

const STATUS_STYLES: Record<StepResult["status"], string> = {
  done: "text-green-700 dark:text-green-400",
  failed: "text-red-700 dark:text-red-400",
  skipped: "text-slate-500",
};

type Phase = { name: "planning" } | { name: "preview"; plan: Plan } | { name: "running"; plan: Plan } | { name: "finished"; plan: Plan; summary: RunSummary } | { name: "error"; message: string };

/**
 * Plan → preview (steps, warnings, what is left out, total) → consent → run with live progress.
 * Nothing runs before the user presses Run; stopping running containers needs its own tick.
 */
export function PlanDialog({ request, token, graphFollowsHost, onClose }: PlanDialogProps) {
  const queryClient = useQueryClient();
  const [stopRunning, setStopRunning] = useState(false);
  const [phase, setPhase] = useState<Phase>({ name: "planning" });
  const [results, setResults] = useState<Map<number, StepResult>>(new Map());
  const [script, setScript] = useState<{ planId: string; text: string } | null>(null);
  const [pruneFilters, setPruneFilters] = useState<PruneFilters>({});
  const dialogRef = useRef<HTMLDialogElement>(null);

  // Only the newest planning request may set the preview: the one before is cancelled, so that an older answer
  // cannot replace the plan for the options the user chose since.
  const planning = useRef<AbortController | null>(null);

  const makePlan = useCallback(async () => {
    planning.current?.abort();
    const controller = new AbortController();
    planning.current = controller;
    const { signal } = controller;
    setPhase({ name: "planning" });
    try {
      const plan =
        request.kind === "targets"
          ? await cleanupApi.plan(token, request.targets, stopRunning, { signal })
          : await cleanupApi.prunePlan(token, request.scope, pruneFilters, { signal });
      if (!signal.aborted) setPhase({ name: "preview", plan });
    } catch (error) {
      if (!signal.aborted) setPhase({ name: "error", message: error instanceof Error ? error.message : String(error) });
    }
  }, [request, token, stopRunning, pruneFilters]);

  const scriptRequest = useRef<AbortController | null>(null);
  useEffect(
    () => () => {
      planning.current?.abort();
      scriptRequest.current?.abort();
    },
    [],
  );

  useEffect(() => {
    dialogRef.current?.showModal();
  }, []);

  useEffect(() => {
    // Planning reads the host, changes nothing: re-plan whenever the consent changes.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void makePlan();
  }, [makePlan]);

  const run = async (plan: Plan) => {
    setPhase({ name: "running", plan });
    setResults(new Map());
    try {
      await cleanupApi.execute(token, plan.planId, (event) => {
        if (event.type === "step") {
          setResults((previous) => new Map(previous).set(event.step, event));
          if (!graphFollowsHost) void queryClient.invalidateQueries({ queryKey: queryKeys.graph() });
        } else if (event.type === "summary") {
          setPhase({ name: "finished", plan, summary: event.summary });
        } else {
          setPhase({ name: "error", message: event.error.message });
        }
      });
    } catch (error) {
      setPhase({ name: "error", message: error instanceof Error ? error.message : String(error) });
    } finally {
      // What the graph does not carry (blockers, space) is read again; the graph itself only without deltas.
      void queryClient.invalidateQueries({ queryKey: queryKeys.all, predicate: (query) => !graphFollowsHost || query.queryKey[1] !== queryKeys.graph()[1] });
    }
  };

  const toggleScript = async (planId: string) => {
    scriptRequest.current?.abort();
    if (script?.planId === planId) {
      setScript(null);
      return;
    }
    const controller = new AbortController();
    scriptRequest.current = controller;
    try {
      const text = await cleanupApi.script(planId, { signal: controller.signal });
      setScript({ planId, text });
    } catch (error) {
      if (!controller.signal.aborted) setScript({ planId, text: `# The script could not be read: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const plan = phase.name === "preview" || phase.name === "running" || phase.name === "finished" ? phase.plan : null;
  const needsConsent = request.kind === "targets" && (plan?.blocked.some((blocked) => blocked.needs === "stop-running") || stopRunning);

  return (
    <dialog
      ref={dialogRef}
      onClose={onClose}
      // Escape must not hide a run in progress: its steps keep going on the server.
      onCancel={(event) => {
        if (phase.name === "running") event.preventDefault();
      }}
      aria-label={request.title}
      data-testid="plan-dialog"
      className="m-auto w-[min(46rem,calc(100vw-2rem))] rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex max-h-[85vh] flex-col">
        <header className="border-b border-slate-200 px-5 py-3 dark:border-slate-800">
          <h2 className="text-base font-semibold">{request.title}</h2>
          <p className="text-xs text-slate-500">Runs without force, re-checking the daemon before every step. Nothing happens until you press Run.</p>
        </header>
        <div className="min-h-0 flex-1 overflow-y-auto px-5 py-3 text-sm">
          {request.kind === "prune" ? (
            <PruneFilterForm applied={pruneFilters} disabled={phase.name === "running" || phase.name === "finished"} onApply={setPruneFilters} />
          ) : null}
          {phase.name === "planning" ? <p className="text-slate-500">Planning…</p> : null}
          {phase.name === "error" ? (
            <p role="alert" className="text-red-700 dark:text-red-400" data-testid="plan-error">
              {phase.message}
            </p>
          ) : null}
          {plan ? (
            <>
              <p data-testid="plan-total">
                {plan.steps.length === 0 ? "Nothing to do." : `${plural(plan.steps.length, "step")}; frees `}
                {plan.steps.length > 0 ? <strong>{formatBytes(plan.reclaimableBytes)}</strong> : null}
                {plan.removes.prunedImageIds.length > 0 ? ` (the daemon also deletes ${plural(plan.removes.prunedImageIds.length, "untagged parent image")} by itself)` : ""}
              </p>
              {needsConsent ? (
                <label className="mt-3 flex items-start gap-2 rounded border border-amber-300 bg-amber-50 p-2 dark:border-amber-800 dark:bg-amber-950">
                  <input
                    type="checkbox"
                    checked={stopRunning}
                    disabled={phase.name !== "preview"}
                    onChange={(event) => setStopRunning(event.target.checked)}
                    data-testid="consent-stop"
                  />
                  <span>Stop the running containers this needs (they get SIGTERM, then SIGKILL after 10 s).</span>
                </label>
              ) : null}
              {plan.blocked.length > 0 ? (
                <div className="mt-3" data-testid="plan-blocked">
                  <h3 className="font-semibold">Left out</h3>
                  <ul className="list-disc pl-5">
                    {plan.blocked.map((blocked) => (
                      <li key={`${blocked.target}-${blocked.reason}`}>{blocked.reason}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {plan.warnings.length > 0 ? (
                <div className="mt-3" data-testid="plan-warnings">
                  <h3 className="font-semibold">Before you run it</h3>
                  <ul className="list-disc pl-5 text-amber-800 dark:text-amber-300">
                    {plan.warnings.map((warning) => (
                      <li key={`${warning.kind}-${warning.node}`}>{warning.message}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {plan.steps.length > 0 ? (
                <ol className="mt-3 space-y-1" data-testid="plan-steps">
                  {plan.steps.map((step) => {
                    const result = results.get(step.id);
                    return (
                      <li key={step.id} className="rounded border border-slate-200 px-2 py-1.5 dark:border-slate-700" data-step-action={step.action} data-step-status={result?.status ?? "pending"}>
                        <div className="flex items-center gap-2">
                          <span className="w-6 text-right text-xs text-slate-500">{step.id}.</span>
                          <span className="font-medium">{ACTION_LABELS[step.action]}</span>
                          <code className="min-w-0 flex-1 truncate text-xs">{step.subject}</code>
                          {step.bytes > 0 ? <span className="text-xs text-slate-500">{formatBytes(step.bytes)}</span> : null}
                          {result ? <span className={`text-xs font-semibold ${STATUS_STYLES[result.status]}`}>{result.status}</span> : null}
                        </div>
                        <p className="pl-8 text-xs text-slate-500">{result && result.status !== "done" ? result.message : step.reason}</p>
                      </li>
                    );
                  })}
                </ol>
              ) : null}
              {plan && script?.planId === plan.planId ? (
                <pre className="mt-3 max-h-64 overflow-auto rounded bg-slate-100 p-2 text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200" data-testid="plan-script">
                  {script.text}
                </pre>
              ) : null}
              {phase.name === "finished" ? (
                <p className="mt-3 font-medium" role="status" data-testid="run-summary" data-outcome={phase.summary.outcome}>
                  {phase.summary.outcome === "completed"
                    ? `Done: ${plural(phase.summary.done, "step")}, ${formatBytes(phase.summary.freedBytes)} freed.`
                    : `Stopped${phase.summary.stoppedAt ? ` at step ${phase.summary.stoppedAt.step} (${ACTION_LABELS[phase.summary.stoppedAt.action]} ${phase.summary.stoppedAt.subject})` : ""}: ${plural(phase.summary.done, "step")} done, the rest left untouched.`}
                </p>
              ) : null}
            </>
          ) : null}
        </div>
        <footer className="flex items-center gap-2 border-t border-slate-200 px-5 py-3 dark:border-slate-800">
          {plan && plan.steps.length > 0 ? (
            <>
              <button
                type="button"
                onClick={() => void toggleScript(plan.planId)}
                aria-expanded={script?.planId === plan.planId}
                className="text-sm text-indigo-700 hover:underline dark:text-indigo-300"
                data-testid="show-script"
              >
                {script?.planId === plan.planId ? "Hide shell script" : "Show as shell script"}
              </button>
              <a href={cleanupApi.scriptUrl(plan.planId)} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
                Download
              </a>
            </>
          ) : null}
          <div className="ml-auto flex gap-2">
            <button
              type="button"
              onClick={() => dialogRef.current?.close()}
              disabled={phase.name === "running"}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm disabled:opacity-50 dark:border-slate-700"
            >
              {phase.name === "finished" ? "Close" : "Cancel"}
            </button>
            {phase.name === "preview" && plan && plan.steps.length > 0 ? (
              <button type="button" onClick={() => void run(plan)} className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700" data-testid="run-plan">
                Run {plural(plan.steps.length, "step")}
              </button>
            ) : null}
          </div>
        </footer>
      </div>
    </dialog>
  );
}

/** The CLI's prune filters (`--filter` values), applied by re-planning: what the preview lists is what will go. */
function PruneFilterForm({ applied, disabled, onApply }: { applied: PruneFilters; disabled: boolean; onApply: (filters: PruneFilters) => void }) {
  const [text, setText] = useState((applied.filter ?? []).join(" "));
  return (
    <form
      className="mb-3 flex flex-wrap items-end gap-2 text-xs"
      aria-label="Prune filters"
      onSubmit={(event) => {
        event.preventDefault();
        const filter = text.split(/\s+/).filter(Boolean);
        onApply(filter.length > 0 ? { filter } : {});
      }}
    >
      <label className="flex min-w-0 flex-1 flex-col gap-0.5">
        <span className="text-slate-500">
          Filters, as <code>--filter</code> takes them (space-separated)
        </span>
        <input
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="until=24h label=env=dev label!=keep"
          className="rounded border border-slate-300 bg-white px-2 py-0.5 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
          disabled={disabled}
          data-testid="prune-filter"
        />
      </label>
      <button type="submit" disabled={disabled} className="rounded-md border border-slate-300 px-2 py-0.5 disabled:opacity-50 dark:border-slate-700">
        Apply filters
      </button>
    </form>
  );
}
