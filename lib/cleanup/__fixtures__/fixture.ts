import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { HostSnapshot, ImageLayers } from "@/lib/docker/types";
import type { DaemonAnswer } from "@/lib/cleanup/types";

/*
 * Recorded daemon behaviour for the unit tests of lib/cleanup (written by scripts/cleanup-fixtures/record.ts,
 * `npm run fixtures:record -- --cleanup`): a sequence of host states, each with the snapshot as lib/docker
 * reads it and the daemon's real answers to removals asked in that state. Refusals change nothing, so a state
 * holds many; the one removal that went through (if any) leads to the next state.
 */

export interface RecordedAnswer {
  removal: "image" | "container";
  /** The name the removal was asked with. */
  name: string;
  force: boolean;
  answer: DaemonAnswer;
}

export interface RecordedState {
  /** What changed the host into this state. */
  label: string;
  snapshot: HostSnapshot;
  containerSizes: Record<string, number>;
  /** `/system/df` LayersSize. */
  layersSize: number;
  /** `/system/df` SharedSize per top-level image. */
  sharedSizes: Record<string, number>;
  answers: RecordedAnswer[];
}

export interface CleanupFixture {
  description: string;
  recordedAt: string;
  /** Layers per image ID over all states (immutable per ID). */
  layers: Record<string, ImageLayers>;
  states: RecordedState[];
}

export const FIXTURE_DIR = path.dirname(new URL(import.meta.url).pathname);

/** Reads a recorded fixture (`.json.gz`). */
export function loadFixture(file: string): CleanupFixture {
  return JSON.parse(gunzipSync(fs.readFileSync(path.join(FIXTURE_DIR, file))).toString("utf8")) as CleanupFixture;
}

export function layersMap(fixture: CleanupFixture): Map<string, ImageLayers> {
  return new Map(Object.entries(fixture.layers));
}

/** The image a tag names in a snapshot; throws when there is none (a fixture that lost a case should fail loudly). */
export function imageByTag(snapshot: HostSnapshot, tag: string): HostSnapshot["images"][number] {
  const image = snapshot.images.find((candidate) => candidate.repoTags.includes(tag));
  if (!image) throw new Error(`No image tagged ${tag} in the fixture`);
  return image;
}

export function containerByName(snapshot: HostSnapshot, name: string): HostSnapshot["containers"][number] {
  const container = snapshot.containers.find((candidate) => candidate.name === name);
  if (!container) throw new Error(`No container ${name} in the fixture`);
  return container;
}

/** The state a scripted step led to, by the start of its label (e.g. "docker rm hungry_hopper"). */
export function stateAfter(fixture: CleanupFixture, labelStart: string): RecordedState {
  const state = fixture.states.find((candidate) => candidate.label.startsWith(labelStart));
  if (!state) throw new Error(`No state "${labelStart}…" in the fixture`);
  return state;
}
