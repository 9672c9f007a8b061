"use client";

import type { ContainerState } from "@/lib/docker/types";
import type { NodeFilters } from "@/components/graph/visible-graph";
import { STATE_COLORS } from "@/components/graph/node-style";

const STATE_CHOICES: { state: ContainerState; label: string }[] = [
  { state: "running", label: "running" },
  { state: "paused", label: "paused" },
  { state: "exited", label: "stopped" },
  { state: "created", label: "created" },
  { state: "dead", label: "dead" },
];

const SIZE_CHOICES = [
  { bytes: 0, label: "any size" },
  { bytes: 1_000_000, label: "≥ 1 MB" },
  { bytes: 10_000_000, label: "≥ 10 MB" },
  { bytes: 100_000_000, label: "≥ 100 MB" },
  { bytes: 1_000_000_000, label: "≥ 1 GB" },
];

interface FilterBarProps {
  filters: NodeFilters;
  onFilters: (filters: NodeFilters) => void;
  showBuildSteps: boolean;
  onShowBuildSteps: (show: boolean) => void;
  projects: { name: string; containers: number }[];
  collapsedProjects: ReadonlySet<string>;
  onToggleProject: (name: string) => void;
}

function Chip({ pressed, onClick, children, color }: { pressed: boolean; onClick: () => void; children: React.ReactNode; color?: string }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={`flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs ${
        pressed ? "border-indigo-500 bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200" : "border-slate-300 text-slate-600 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800"
      }`}
    >
      {color ? <span className="h-2 w-2 rounded-full" style={{ background: color }} /> : null}
      {children}
    </button>
  );
}

/** Filters (state, dangling, unused, size), build-step images, and Compose projects to fold. */
export function FilterBar({ filters, onFilters, showBuildSteps, onShowBuildSteps, projects, collapsedProjects, onToggleProject }: FilterBarProps) {
  const toggleState = (state: ContainerState) => {
    const states = new Set(filters.states);
    if (states.has(state)) states.delete(state);
    else states.add(state);
    onFilters({ ...filters, states });
  };
  return (
    <div className="flex flex-wrap items-center gap-x-2 gap-y-1.5 border-b border-slate-200 bg-white px-4 py-1.5 dark:border-slate-800 dark:bg-slate-900" role="toolbar" aria-label="Filters">
      <span className="text-xs text-slate-500">Containers:</span>
      {STATE_CHOICES.map(({ state, label }) => (
        <Chip key={state} pressed={filters.states.has(state)} onClick={() => toggleState(state)} color={STATE_COLORS[state]}>
          {label}
        </Chip>
      ))}
      <span className="ml-3 text-xs text-slate-500">Images:</span>
      <Chip pressed={filters.danglingOnly} onClick={() => onFilters({ ...filters, danglingOnly: !filters.danglingOnly })}>
        dangling
      </Chip>
      <Chip pressed={filters.unusedOnly} onClick={() => onFilters({ ...filters, unusedOnly: !filters.unusedOnly })}>
        unused
      </Chip>
      <select
        aria-label="Minimum image size"
        value={filters.minImageBytes}
        onChange={(event) => onFilters({ ...filters, minImageBytes: Number(event.target.value) })}
        className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-700 dark:bg-slate-950"
      >
        {SIZE_CHOICES.map((choice) => (
          <option key={choice.bytes} value={choice.bytes}>
            {choice.label}
          </option>
        ))}
      </select>
      <Chip pressed={showBuildSteps} onClick={() => onShowBuildSteps(!showBuildSteps)}>
        build-step images
      </Chip>
      {projects.length > 0 ? (
        <>
          <span className="ml-3 text-xs text-slate-500">Compose:</span>
          {projects.length <= INLINE_PROJECTS ? (
            <ProjectChips projects={projects} collapsedProjects={collapsedProjects} onToggleProject={onToggleProject} />
          ) : (
            // Many projects would push the graph off the screen: they open from one button instead.
            <details className="relative">
              <summary className="cursor-pointer list-none rounded-full border border-slate-300 px-2 py-0.5 text-xs text-slate-600 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800">
                {projects.length} projects{collapsedProjects.size > 0 ? `, ${collapsedProjects.size} folded` : ""} ▾
              </summary>
              <div className="absolute left-0 z-20 mt-1 flex max-h-72 w-80 flex-wrap gap-1.5 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                <ProjectChips projects={projects} collapsedProjects={collapsedProjects} onToggleProject={onToggleProject} />
              </div>
            </details>
          )}
        </>
      ) : null}
    </div>
  );
}

/** Up to this many Compose projects show as chips in the bar; more go into a drop-down. */
const INLINE_PROJECTS = 8;

function ProjectChips({ projects, collapsedProjects, onToggleProject }: Pick<FilterBarProps, "projects" | "collapsedProjects" | "onToggleProject">) {
  return projects.map((project) => (
    <Chip key={project.name} pressed={!collapsedProjects.has(project.name)} onClick={() => onToggleProject(project.name)}>
      <span data-compose-project={project.name}>
        {collapsedProjects.has(project.name) ? "▸" : "▾"} {project.name} ({project.containers})
      </span>
    </Chip>
  ));
}
