import "server-only";
import { createHash } from "node:crypto";
import type { HostIndex } from "@/lib/cleanup/targets";
import { indexHost, normalizeReference } from "@/lib/cleanup/targets";
import type { DockerConnection } from "@/lib/docker/client";
import type { HostEvent, HubMessage } from "@/lib/docker/events";
import { getEventHub, readRecentEvents } from "@/lib/docker/events";
import { inspectContainer, inspectImage, listContainers, listImages, readEngineInfo, readSnapshot } from "@/lib/docker/snapshot";
import type { ContainerRecord, EngineInfo, HostSnapshot, ImageRecord } from "@/lib/docker/types";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { GraphState } from "@/lib/graph/graph-state";
import type { GraphDeltaEvent, GraphPayload } from "@/lib/graph/types";
import { listedImageName, type ImageLookup } from "@/lib/host/container-image";
import { SlowFacts } from "@/lib/host/slow-facts";

/*
 * The informer of one Docker host: one full listing, then kept current from the daemon's event stream, each event
 * re-reading only the object it names. A reconnect, a backlog too long to trust, or drift found by the periodic
 * consistency check means a full re-list that replaces the model at once. Readers get an immutable view (a frozen
 * snapshot, its index, the graph) per version and never talk to the daemon.
 */

/** A change of the graph, as `/api/events` sends it. */
export type HostDelta = GraphDeltaEvent;

export type ModelMessage =
  | { kind: "delta"; delta: HostDelta }
  /** A (re)listing replaced the model: clients whose version differs refetch. */
  | { kind: "connected"; host: string; version: number }
  | { kind: "disconnected"; message: string };

export interface HostView {
  host: string;
  version: number;
  /** Differs between server processes: with the version, it makes an ETag no restarted server reuses. */
  epoch: string;
  snapshot: HostSnapshot;
  /** Built once per version, shared by every request. */
  readonly index: HostIndex;
  /** The graph payload of this version, with `version`. */
  readonly graph: GraphPayload & { version: number };
}

export interface HostModelOptions {
  host: string;
  consistencyCheckMs: number;
  /** How long events are gathered before the objects they name are read (bursts become one read each). */
  coalesceMs?: number;
  /** Without readers or subscribers for this long, the model stops following events (and re-lists when used again). */
  idleMs?: number;
  log?: (line: string) => void;
}

type Listener = (message: ModelMessage) => void;

/** More distinct objects waiting than this and reading them one by one costs more than a re-list. */
const BACKLOG_LIMIT = 2_000;
const INSPECT_CONCURRENCY = 8;
/** Rounds of reading images again whose references disagree, before the next events settle it. */
const MAX_REFERENCE_ROUNDS = 3;
const CONSISTENCY_SETTLE_MS = 250;
/** Drift is confirmed by a second look this much later before the model re-lists (an event may just be slow). */
const DRIFT_CONFIRM_MS = 2_000;
/** Container events that change nothing the list shows. */
const QUIET_CONTAINER_ACTIONS = new Set(["exec_create", "exec_start", "exec_detach", "attach", "detach", "resize", "top", "export", "archive-path"]);
/** Container events after which its writable layer may hold other bytes. */
const SIZE_CHANGING_ACTIONS = new Set(["start", "die", "stop", "kill", "restart", "extract-to-dir", "exec_die", "unpause", "pause"]);
const FULL_IMAGE_ID = /^sha256:[0-9a-f]{64}$/;
const EPOCH = Date.now().toString(36);

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: AppError) => void;
}

function deferred(): Deferred {
  let resolve = () => {};
  let reject: (error: AppError) => void = () => {};
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // A waiter may never come: an unobserved rejection must not crash the server.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function recordKey(value: unknown): string {
  return JSON.stringify(value);
}

export class HostModel {
  readonly host: string;
  private readonly options: Required<Omit<HostModelOptions, "host">>;
  private readonly listeners = new Set<Listener>();
  readonly facts: SlowFacts;

  private graph: GraphState | null = null;
  private engine: EngineInfo | null = null;
  private changedAt = new Date().toISOString();
  private version = 0;
  private readonly imageOrder = new Map<string, number>();
  private readonly containerOrder = new Map<string, number>();
  private orderCounter = 0;
  private readonly configImages = new Map<string, string>();
  private readonly imageIdByReferenceKey = new Map<string, string>();
  private view: HostView | null = null;

  private unsubscribeHub: (() => void) | null = null;
  /** Grows when the model stops: a listing started before that must not bring the store back. */
  private generation = 0;
  private hubError: AppError | null = null;
  private listed: Deferred = deferred();
  private relisting = false;
  private readonly pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private work: Promise<void> = Promise.resolve();
  private eventCount = 0;
  /** Unix nanoseconds up to which the model has seen the daemon's events (its listing's start at least). */
  private seenUntilNano = 0n;
  /** Keys of the last events seen, so that events read again by `sync()` are not applied twice. */
  private readonly recentEventKeys = new Set<string>();
  private lastUsed = Date.now();
  private warmTimer: ReturnType<typeof setTimeout> | null = null;
  private driftSuspected = false;
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private idleTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly connection: DockerConnection,
    options: HostModelOptions,
  ) {
    this.host = options.host;
    this.options = {
      consistencyCheckMs: options.consistencyCheckMs,
      coalesceMs: options.coalesceMs ?? 60,
      idleMs: options.idleMs ?? 10 * 60_000,
      log: options.log ?? ((line) => console.info(`[dockgraph] ${connection.host}: ${line}`)),
    };
    this.facts = new SlowFacts(connection, this.options.log);
  }

  /**
   * The current view, after the first listing and after every event received so far is applied. With `sync`, also
   * after every event the daemon logged before this call (one small request to its event log): for answers that
   * must follow a change a client just made (plans, disk usage, blockers), not for the hot graph path.
   */
  async current(options: { sync?: boolean } = {}): Promise<HostView> {
    this.lastUsed = Date.now();
    this.start();
    if (this.hubError) throw this.hubError;
    await this.listed.promise;
    if (options.sync) await this.catchUp();
    await this.settle();
    if (this.hubError) throw this.hubError;
    return this.currentView();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.lastUsed = Date.now();
    this.start();
    if (this.hubError) listener({ kind: "disconnected", message: this.hubError.message });
    else if (this.graph !== null && !this.relisting) listener({ kind: "connected", host: this.host, version: this.version });
    return () => {
      this.listeners.delete(listener);
      this.lastUsed = Date.now();
    };
  }

  /** Stops following events (tests; the idle timer). */
  stop(reason: string): void {
    if (this.unsubscribeHub === null) return;
    this.unsubscribeHub();
    this.unsubscribeHub = null;
    if (this.checkTimer) clearInterval(this.checkTimer);
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.checkTimer = this.idleTimer = this.flushTimer = null;
    this.pending.clear();
    this.generation++;
    this.graph = null;
    this.view = null;
    this.listed = deferred();
    this.options.log(`stopped following events: ${reason}`);
  }

  private start(): void {
    if (this.unsubscribeHub !== null) return;
    this.unsubscribeHub = getEventHub(this.connection).subscribe((message) => this.onHubMessage(message));
    this.checkTimer = setInterval(() => void this.checkConsistency(), this.options.consistencyCheckMs);
    this.checkTimer.unref();
    this.idleTimer = setInterval(() => {
      if (this.listeners.size === 0 && Date.now() - this.lastUsed > this.options.idleMs) this.stop(`unused for ${Math.round(this.options.idleMs / 1000)} s`);
    }, Math.min(this.options.idleMs, 60_000));
    this.idleTimer.unref();
  }

  private emit(message: ModelMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private onHubMessage(message: HubMessage): void {
    switch (message.kind) {
      case "connected":
        this.hubError = null;
        this.relist(this.graph === null && this.version === 0 ? null : "the event stream reconnected");
        return;
      case "disconnected":
        this.hubError = message.error;
        this.pending.clear();
        this.listed.reject(message.error);
        this.listed = deferred();
        this.emit({ kind: "disconnected", message: message.message });
        return;
      case "event":
        this.onEvent(message.event);
        return;
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.work.then(task);
    this.work = run.catch((error: unknown) => this.options.log(`model update failed: ${String(error)}`));
    return run;
  }

  /** Lists everything and replaces the model at once; `reason` null for the first listing. */
  private relist(reason: string | null): void {
    this.relisting = true;
    const waiting = this.listed;
    const generation = this.generation;
    void this.enqueue(async () => {
      const started = Date.now();
      try {
        const engine = await readEngineInfo(this.connection, { fresh: reason !== null });
        const snapshot = await readSnapshot(this.connection);
        if (generation !== this.generation) {
          waiting.reject(new AppError("daemon_unreachable", `Stopped following the Docker daemon at ${this.connection.host} while listing it.`, { host: this.connection.host }));
          return;
        }
        this.replace({ ...snapshot, engine }, reason, Date.now() - started);
        waiting.resolve();
      } catch (error) {
        const failure = error instanceof AppError ? error : new AppError("daemon_error", `Listing the host failed: ${String(error)}`);
        this.options.log(`listing failed: ${failure.message}`);
        waiting.reject(failure);
        if (this.listed === waiting) this.listed = deferred();
      } finally {
        this.relisting = false;
      }
    });
  }

  private replace(snapshot: HostSnapshot, reason: string | null, durationMs: number): void {
    this.imageOrder.clear();
    this.containerOrder.clear();
    this.configImages.clear();
    this.imageIdByReferenceKey.clear();
    const listedNano = BigInt(Date.parse(snapshot.takenAt) - durationMs) * 1_000_000n;
    if (listedNano > this.seenUntilNano) this.seenUntilNano = listedNano;
    snapshot.images.forEach((image, position) => {
      this.imageOrder.set(image.id, -position);
      this.indexReferences(image, "add");
      Object.freeze(image);
    });
    snapshot.containers.forEach((container, position) => {
      this.containerOrder.set(container.id, -position);
      this.configImages.set(container.id, container.image);
      Object.freeze(container);
    });
    this.graph = new GraphState(snapshot);
    this.engine = snapshot.engine;
    this.changedAt = snapshot.takenAt;
    this.version++;
    this.view = null;
    this.options.log(
      reason === null
        ? `listed ${snapshot.images.length} images and ${snapshot.containers.length} containers in ${durationMs} ms`
        : `re-listed: ${reason} (${snapshot.images.length} images, ${snapshot.containers.length} containers)`,
    );
    this.emit({ kind: "connected", host: this.host, version: this.version });
    this.warmIndex();
    this.facts.wantLayers(snapshot.images.map((image) => image.id));
    this.facts.refreshSizes("all");
  }

  private onEvent(event: HostEvent): void {
    const key = `${event.timeNano} ${event.type} ${event.action} ${event.id}`;
    if (this.recentEventKeys.has(key)) return;
    this.recentEventKeys.add(key);
    if (this.recentEventKeys.size > 2_000) {
      for (const old of [...this.recentEventKeys].slice(0, 1_000)) this.recentEventKeys.delete(old);
    }
    const nano = BigInt(Math.floor(event.timeNano));
    if (nano > this.seenUntilNano) this.seenUntilNano = nano;
    this.eventCount++;
    if (event.type === "container") {
      if (QUIET_CONTAINER_ACTIONS.has(event.action) || event.id === "") return;
      if (SIZE_CHANGING_ACTIONS.has(event.action)) this.facts.containerChanged(event.id);
      this.pending.add(`c:${event.id}`);
      // A commit makes an image; an untagged one has no image event of its own.
      const committed = event.attributes.imageID;
      if (event.action === "commit" && committed) this.pending.add(`i:${committed}`);
    } else {
      if (event.id === "") return;
      this.pending.add(`i:${event.id}`);
      // A tag may have left another image, which no event names (it may even have gone again before the read).
      const reference = event.attributes.name;
      if (event.action === "tag" && reference) this.pending.add(`r:${reference}`);
    }
    if (this.pending.size > BACKLOG_LIMIT) {
      this.pending.clear();
      this.relist(`more than ${BACKLOG_LIMIT} objects changed faster than they could be read`);
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.enqueue(() => this.flush());
    }, this.options.coalesceMs);
  }

  /** Reads the daemon's log of recent events and applies those the stream has not brought yet. */
  private async catchUp(): Promise<void> {
    // A millisecond back: event times arrive as JSON numbers, which keep nanoseconds only roughly.
    const since = this.seenUntilNano > 1_000_000n ? this.seenUntilNano - 1_000_000n : 0n;
    for (const event of await readRecentEvents(this.connection, since)) this.onEvent(event);
  }

  /** Applies what is pending now (a reader wants every event received so far). */
  private async settle(): Promise<void> {
    if (this.pending.size > 0) {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = null;
      await this.enqueue(() => this.flush());
    } else {
      await this.work;
    }
  }

  private async flush(): Promise<void> {
    const graph = this.graph;
    if (graph === null || this.pending.size === 0) return;
    const keys = [...this.pending];
    this.pending.clear();
    const containerIds = keys.filter((key) => key.startsWith("c:")).map((key) => key.slice(2));
    const imageNames = new Set(keys.filter((key) => key.startsWith("i:")).map((key) => key.slice(2)));
    for (const key of keys) {
      if (!key.startsWith("r:")) continue;
      const referenceKey = normalizeReference(key.slice(2))?.key;
      const holder = referenceKey !== undefined ? this.imageIdByReferenceKey.get(referenceKey) : undefined;
      if (holder !== undefined) imageNames.add(holder);
    }
    try {
      const images = await this.readImages(graph, [...imageNames]);
      const containers = await mapLimit(containerIds, INSPECT_CONCURRENCY, async (id) => ({ id, read: await inspectContainer(this.connection, id) }));
      if (this.graph !== graph) return;
      this.applyReads(graph, images, containers);
    } catch (error) {
      if (this.hubError === null) this.relist(`reading changed objects failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  /**
   * Reads the named images, then every image that held one of the references they carry now (a tag that moved
   * left another image): image ID → record, or null when it is gone.
   */
  private async readImages(graph: GraphState, names: readonly string[]): Promise<Map<string, ImageRecord | null>> {
    const results = new Map<string, ImageRecord | null>();
    const read = async (batch: readonly string[]) =>
      mapLimit(batch, INSPECT_CONCURRENCY, async (name) => {
        const record = await inspectImage(this.connection, name);
        if (record) results.set(record.id, record);
        else if (FULL_IMAGE_ID.test(name)) results.set(name, null);
        else {
          // A reference that names nothing now: whatever held it must be read again.
          const key = normalizeReference(name)?.key;
          const holder = key !== undefined ? this.imageIdByReferenceKey.get(key) : undefined;
          if (holder !== undefined && !results.has(holder)) results.set(holder, await inspectImage(this.connection, holder));
        }
      });
    await read(names);
    // Reads made side by side can see different moments (a tag moving meanwhile): read again every image claiming a
    // reference another claims too, the model's current holder included, until the claims agree.
    for (let round = 0; round < MAX_REFERENCE_ROUNDS; round++) {
      const contested = this.contestedImages(graph, results);
      if (contested.length === 0) break;
      await read(contested);
    }
    // The classic builder commits its steps without events: a new image's unknown parents are read too.
    for (let unknownParents = this.unknownParents(graph, results); unknownParents.length > 0; unknownParents = this.unknownParents(graph, results)) {
      await read(unknownParents);
      for (const id of unknownParents) if (!results.has(id)) results.set(id, null);
    }
    return results;
  }

  private contestedImages(graph: GraphState, results: ReadonlyMap<string, ImageRecord | null>): string[] {
    const claims = new Map<string, Set<string>>();
    for (const record of results.values()) {
      if (record === null) continue;
      for (const value of [...record.repoTags, ...record.repoDigests]) {
        const key = normalizeReference(value)?.key;
        if (key === undefined) continue;
        const claimants = claims.get(key) ?? new Set<string>();
        claimants.add(record.id);
        const holder = this.imageIdByReferenceKey.get(key);
        if (holder !== undefined && !results.has(holder) && graph.image(holder)) claimants.add(holder);
        claims.set(key, claimants);
      }
    }
    const contested = new Set<string>();
    for (const claimants of claims.values()) if (claimants.size > 1) for (const id of claimants) contested.add(id);
    return [...contested];
  }

  private unknownParents(graph: GraphState, results: ReadonlyMap<string, ImageRecord | null>): string[] {
    const parents = new Set<string>();
    for (const record of results.values()) {
      if (record?.parentId && !results.has(record.parentId) && !graph.image(record.parentId)) parents.add(record.parentId);
    }
    return [...parents];
  }

  private applyReads(
    graph: GraphState,
    images: ReadonlyMap<string, ImageRecord | null>,
    containers: readonly { id: string; read: { record: ContainerRecord; configImage: string } | null }[],
  ): void {
    const changes = { imageUpserts: [] as ImageRecord[], imageRemovals: [] as string[], containerUpserts: [] as ContainerRecord[], containerRemovals: [] as string[] };
    for (const [id, record] of images) {
      const old = graph.image(id);
      if (record === null) {
        if (!old) continue;
        this.indexReferences(old, "remove");
        this.imageOrder.delete(id);
        this.facts.forgetImage(id);
        changes.imageRemovals.push(id);
        continue;
      }
      // The listing's SharedSize is not in inspect: keep what the list said.
      const next = Object.freeze(old && old.sharedSize !== null ? { ...record, sharedSize: old.sharedSize } : record);
      if (old && recordKey(old) === recordKey(next)) continue;
      if (old) this.indexReferences(old, "remove");
      this.indexReferences(next, "add");
      if (!this.imageOrder.has(id)) this.imageOrder.set(id, ++this.orderCounter);
      changes.imageUpserts.push(next);
    }
    const lookup = this.imageLookup(graph, changes.imageRemovals);
    const readContainers = new Set<string>();
    for (const { id, read } of containers) {
      readContainers.add(id);
      const old = graph.container(id);
      if (read === null) {
        if (!old) continue;
        this.configImages.delete(id);
        this.containerOrder.delete(id);
        this.facts.forgetContainer(id);
        changes.containerRemovals.push(id);
        continue;
      }
      this.configImages.set(id, read.configImage);
      const next = Object.freeze({ ...read.record, image: listedImageName(lookup, read.configImage, read.record.imageId), sizeRw: old?.sizeRw ?? null });
      if (old && recordKey(old) === recordKey(next)) continue;
      if (!this.containerOrder.has(id)) this.containerOrder.set(id, ++this.orderCounter);
      changes.containerUpserts.push(next);
    }
    if (changes.imageUpserts.length > 0 || changes.imageRemovals.length > 0) {
      // A reference that moved or went changes what the list shows as other containers' image.
      for (const container of graph.containerRecords()) {
        if (readContainers.has(container.id)) continue;
        const image = listedImageName(lookup, this.configImages.get(container.id) ?? container.image, container.imageId);
        if (image !== container.image) changes.containerUpserts.push(Object.freeze({ ...container, image }));
      }
    }
    const total = changes.imageUpserts.length + changes.imageRemovals.length + changes.containerUpserts.length + changes.containerRemovals.length;
    if (total === 0) return;
    const delta = graph.apply(changes);
    const baseVersion = this.version;
    this.version++;
    this.changedAt = new Date().toISOString();
    this.view = null;
    this.emit({ kind: "delta", delta: { host: this.host, version: this.version, baseVersion, ...delta } });
    this.warmIndex();
    this.facts.wantLayers(changes.imageUpserts.map((image) => image.id));
    this.facts.refreshSizes(changes.containerUpserts.map((container) => container.id));
  }

  /** Builds the next version's index between requests, so that no request waits for it. */
  private warmIndex(): void {
    this.warmTimer ??= setTimeout(() => {
      this.warmTimer = null;
      if (this.graph !== null && this.engine !== null) void this.currentView().index;
    }, 20);
    this.warmTimer.unref();
  }

  private imageLookup(graph: GraphState, removedIds: readonly string[]): ImageLookup {
    const removed = new Set(removedIds);
    return {
      imageIdByReferenceKey: this.imageIdByReferenceKey,
      hasImage: (id) => !removed.has(id) && graph.image(id) !== undefined,
      imageIdsWithPrefix: (hex) => {
        const matches: string[] = [];
        for (const image of graph.imageRecords()) {
          if (!removed.has(image.id) && image.id.slice("sha256:".length).startsWith(hex)) matches.push(image.id);
          if (matches.length > 1) break;
        }
        return matches;
      },
    };
  }

  private indexReferences(image: ImageRecord, change: "add" | "remove"): void {
    for (const value of [...image.repoTags, ...image.repoDigests]) {
      const key = normalizeReference(value)?.key;
      if (key === undefined) continue;
      if (change === "add") this.imageIdByReferenceKey.set(key, image.id);
      else if (this.imageIdByReferenceKey.get(key) === image.id) this.imageIdByReferenceKey.delete(key);
    }
  }

  private currentView(): HostView {
    const graph = this.graph;
    const engine = this.engine;
    if (graph === null || engine === null) throw new AppError("daemon_unreachable", `The Docker daemon at ${this.connection.host} has not been listed yet.`, { host: this.connection.host });
    if (this.view?.version === this.version) return this.view;
    const byOrder = (order: ReadonlyMap<string, number>) => (a: { id: string }, b: { id: string }) => (order.get(b.id) ?? 0) - (order.get(a.id) ?? 0);
    const snapshot: HostSnapshot = Object.freeze({
      takenAt: this.changedAt,
      engine,
      // As the daemon lists them: newest first.
      images: Object.freeze([...graph.imageRecords()].sort(byOrder(this.imageOrder))) as ImageRecord[],
      containers: Object.freeze([...graph.containerRecords()].sort(byOrder(this.containerOrder))) as ContainerRecord[],
    });
    let index: HostIndex | null = null;
    let payload: (GraphPayload & { version: number }) | null = null;
    const version = this.version;
    const view: HostView = {
      host: this.host,
      version,
      epoch: EPOCH,
      snapshot,
      get index() {
        index ??= indexHost(snapshot);
        return index;
      },
      get graph() {
        payload ??= { ...graph.payload({ generatedAt: snapshot.takenAt, daemon: engine }), version };
        return payload;
      },
    };
    this.view = view;
    return view;
  }

  /**
   * The periodic check: lists IDs and states (the lists are the cheapest calls there are) and compares them with
   * the model. Drift — events the daemon dropped — means a re-list, said in the log.
   */
  private async checkConsistency(): Promise<void> {
    if (this.graph === null || this.relisting || this.hubError !== null || this.pending.size > 0) return;
    const eventsBefore = this.eventCount;
    let images: ImageRecord[];
    let containers: ContainerRecord[];
    try {
      [images, containers] = await Promise.all([listImages(this.connection), listContainers(this.connection)]);
    } catch {
      return;
    }
    // Events in flight would make a changing host look like drift: compare only a quiet one.
    await new Promise((resolve) => setTimeout(resolve, CONSISTENCY_SETTLE_MS).unref());
    // A failure is logged by the work chain; the next check tries again.
    await this.enqueue(async () => {
      const graph = this.graph;
      if (graph === null || this.eventCount !== eventsBefore || this.pending.size > 0 || this.relisting) return;
      const listed = fingerprint(images, containers);
      const modelled = fingerprint([...graph.imageRecords()], [...graph.containerRecords()]);
      if (listed.hash === modelled.hash) {
        this.driftSuspected = false;
        return;
      }
      if (!this.driftSuspected) {
        this.driftSuspected = true;
        setTimeout(() => void this.checkConsistency(), DRIFT_CONFIRM_MS).unref();
        return;
      }
      this.driftSuspected = false;
      const modelledLines = new Set(modelled.lines);
      const listedLines = new Set(listed.lines);
      const onlyDaemon = listed.lines.filter((line) => !modelledLines.has(line)).slice(0, 3);
      const onlyModel = modelled.lines.filter((line) => !listedLines.has(line)).slice(0, 3);
      const engine = this.engine ?? (await readEngineInfo(this.connection));
      this.replace(
        { takenAt: new Date().toISOString(), engine, images, containers },
        `the consistency check found drift (daemon: ${listed.images} images, ${listed.containers} containers; model: ${modelled.images} images, ${modelled.containers} containers; only the daemon has ${onlyDaemon.join(" | ") || "-"}; only the model has ${onlyModel.join(" | ") || "-"})`,
        0,
      );
    }).catch(() => {});
  }
}

/** Counts and a hash of what events keep current: IDs, references, parents, container states and images. */
export function fingerprint(images: readonly ImageRecord[], containers: readonly ContainerRecord[]): { images: number; containers: number; hash: string; lines: string[] } {
  const lines = [
    ...images.map((image) => `i ${image.id} ${image.parentId ?? "-"} ${[...image.repoTags].sort().join(",")} ${[...image.repoDigests].sort().join(",")}`),
    ...containers.map((container) => `c ${container.id} ${container.state} ${container.imageId} ${container.name}`),
  ].sort();
  return { images: images.length, containers: containers.length, hash: createHash("sha256").update(lines.join("\n")).digest("hex"), lines };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const position = next++;
      results[position] = await run(items[position] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The host's id in the API: one host today; named hosts come later. */
export const DEFAULT_HOST_ID = "default";

const holder = globalThis as typeof globalThis & { __dockgraphHostModels?: WeakMap<DockerConnection, HostModel> };

/** The live model of the host behind this connection: one per connection, kept for the life of the server. */
export function getHostModel(connection: DockerConnection): HostModel {
  holder.__dockgraphHostModels ??= new WeakMap();
  let model = holder.__dockgraphHostModels.get(connection);
  if (!model) {
    model = new HostModel(connection, { host: DEFAULT_HOST_ID, consistencyCheckMs: getConfig().consistencyCheckMs });
    holder.__dockgraphHostModels.set(connection, model);
  }
  return model;
}
