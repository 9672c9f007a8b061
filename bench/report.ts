import fs from "node:fs";
import path from "node:path";
import type { Machine } from "./machine";

/* The benchmark's table: each row against its target from issue 11, as text for the terminal and docs/performance.md. */

export type Verdict = "met" | "missed" | "n/a";

export interface Row {
  what: string;
  measured: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString("en-US")} ms` : "n/a");
export const times = (value: number) => (Number.isFinite(value) ? `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)}×` : "n/a");

/** A row whose figure is a ratio to a raw Engine call; missed when any of the ratios is above the target. */
export function ratioRow(what: string, measuredMs: number[], referenceMs: number, referenceLabel: string, targetRatio: number): Row {
  const ratios = measuredMs.map((value) => value / referenceMs);
  const known = ratios.every(Number.isFinite) && ratios.length > 0;
  return {
    what,
    measured: measuredMs.map(ms).join(" / "),
    reference: `${referenceLabel} ${ms(referenceMs)}`,
    ratio: known ? ratios.map(times).join(" / ") : "n/a",
    target: `≤ ${targetRatio}×`,
    verdict: known ? (ratios.every((ratio) => ratio <= targetRatio) ? "met" : "missed") : "n/a",
  };
}

export function verdict(ok: boolean | null): Verdict {
  return ok === null ? "n/a" : ok ? "met" : "missed";
}

export function textTable(rows: readonly Row[]): string {
  const header = ["what", "measured", "raw reference", "ratio", "target", ""];
  const lines = rows.map((row) => [row.what, row.measured, row.reference, row.ratio, row.target, row.verdict]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

function markdownTable(rows: readonly Row[]): string {
  const escape = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    "| what | measured | raw reference | ratio | target | |",
    "|---|---|---|---|---|---|",
    ...rows.map((row) => `| ${[row.what, row.measured, row.reference, row.ratio, row.target, row.verdict].map(escape).join(" | ")} |`),
  ].join("\n");
}

export interface SizeSection {
  size: string;
  measuredAt: string;
  commit: string;
  machine: Machine & { docker: string; chromium: string };
  host: string;
  notes: string[];
  rows: Row[];
}

const PREAMBLE = `# Performance

Measured by \`npm run bench -- --size S|M|L\` (bench/live-host.ts; see docs/testing.md): a sandbox daemon filled by
bench/host-generator.ts with the shape of issue 11 (at L: 2,000 images, 1,193 with a parent; 10,000 containers, 8,500
exited, 1,000 created, 490 running, 10 paused; one image used by 951 containers), a fresh production server
(\`next start\`) on loopback, and the page in headless Chromium. Every server figure is a ratio to raw Engine API calls
the benchmark makes itself on the daemon's socket in the same run. The generator writes the exits of the exited
containers into their records while the daemon is stopped (what dockerd records when a container exits), instead
of running each one. The targets are issue 11's, set for L (the cleanup's for M); smaller sizes are held to the same
numbers. Each run replaces its size's section.
`;

function renderSection(section: SizeSection): string {
  const machine = section.machine;
  return [
    `## ${section.size}`,
    "",
    `Measured ${section.measuredAt} at commit ${section.commit}. Host: ${section.host}.`,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}; Docker Engine ${machine.docker} (${machine.dockerCli}); Node ${machine.node}; ${machine.chromium}; load average ${machine.loadAverage} (1 / 5 / 15 min) when the run began.`,
    "",
    markdownTable(section.rows),
    "",
    ...section.notes.map((note) => `- ${note}`),
    "",
  ].join("\n");
}

/** Writes (or replaces) the section of this size in docs/performance.md, keeping the others, in S, M, L order. */
export function writePerformanceDoc(file: string, section: SizeSection): void {
  const sections = new Map<string, string>();
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, "utf8");
    for (const match of text.matchAll(/^## (S|M|L)\n[\s\S]*?(?=^## |(?![\s\S]))/gm)) sections.set(match[1] as string, match[0].trimEnd() + "\n");
  }
  sections.set(section.size, renderSection(section));
  const ordered = ["S", "M", "L"].flatMap((size) => (sections.has(size) ? [sections.get(size) as string] : []));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${PREAMBLE}\n${ordered.join("\n")}`);
}
