import type { Plan } from "@/lib/cleanup/plan-types";

/** One shell word, single-quoted unless it is plainly safe (references may hold characters a shell reads). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Text made safe for a comment: control characters (a newline would end the comment) become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

/** A trailing `  # text` comment for a command line (empty when there is nothing to say). */
export function shellComment(text: string): string {
  const line = oneLine(text);
  return line === "" ? "" : `  # ${line}`;
}

/**
 * A plan as the equivalent shell script of docker commands, in order, never with -f; stops at the first refusal.
 * Objects are named by full ID (names and short IDs can change meaning before the script runs), tags quoted.
 */
export function planAsShellScript(plan: Plan): string {
  const lines = [
    "#!/bin/sh",
    `# ${oneLine(`dockgraph plan ${plan.planId} (${plan.kind === "prune" ? `prune ${plan.scope ?? ""}` : plan.targets.join(" ")}), made ${plan.createdAt}`)}`,
    "# Runs the same steps as the dashboard, without force: the first refusal stops the script.",
    "set -e",
  ];
  for (const step of plan.steps) {
    lines.push("", `# ${oneLine(`${step.id}. ${step.reason}`)}`, step.command);
  }
  for (const blocked of plan.blocked) lines.push("", `# ${oneLine(`left out: ${blocked.target}: ${blocked.reason}`)}`);
  if (plan.steps.length === 0) lines.push("", "# nothing to do");
  return `${lines.join("\n")}\n`;
}
