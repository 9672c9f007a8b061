import type { Plan } from "@/lib/cleanup/plan-types";

/** A plan as the equivalent shell script of docker commands, in order, never with -f; stops at the first refusal. */
export function planAsShellScript(plan: Plan): string {
  const lines = [
    "#!/bin/sh",
    `# dockgraph plan ${plan.planId} (${plan.kind === "prune" ? `prune ${plan.scope ?? ""}` : plan.targets.join(" ")}), made ${plan.createdAt}`,
    "# Runs the same steps as the dashboard, without force: the first refusal stops the script.",
    "set -e",
  ];
  for (const step of plan.steps) {
    lines.push("", `# ${step.id}. ${step.reason}`, step.command);
  }
  for (const blocked of plan.blocked) lines.push("", `# left out: ${blocked.target}: ${blocked.reason}`);
  if (plan.steps.length === 0) lines.push("", "# nothing to do");
  return `${lines.join("\n")}\n`;
}
