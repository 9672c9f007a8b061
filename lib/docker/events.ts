import "server-only";
import type { Readable } from "node:stream";
import type { DockerConnection } from "@/lib/docker/client";
import { AppError, isAppError } from "@/lib/errors";

/** One change on the host, as the daemon announced it. */
export interface HostEvent {
  type: "image" | "container";
  action: string;
  /** Image ID or reference, or container ID, as the daemon names it. */
  id: string;
  /** Unix nanoseconds. */
  timeNano: number;
  /** The actor's attributes (`name` of a tag, `imageID` of a commit, labels, …). */
  attributes: Record<string, string>;
}

export type HubMessage =
  | { kind: "event"; event: HostEvent }
  /** The stream (re)connected: anything may have changed while it was down, so re-list everything. */
  | { kind: "connected" }
  | { kind: "disconnected"; message: string; error: AppError };

type Listener = (message: HubMessage) => void;

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * One `GET /events` stream per daemon, shared by every browser tab. The daemon ends the stream when it
 * restarts and can drop events under load, so listeners are told to re-list after every reconnect.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private abort: AbortController | null = null;
  private connected = false;
  private lastDisconnect: AppError | null = null;

  constructor(private readonly connection: DockerConnection) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.connected) listener({ kind: "connected" });
    else if (this.lastDisconnect !== null) listener({ kind: "disconnected", message: this.lastDisconnect.message, error: this.lastDisconnect });
    if (this.abort === null) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private emit(message: HubMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.connected = false;
  }

  private start(): void {
    const controller = new AbortController();
    this.abort = controller;
    void this.run(controller.signal);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let retryMs = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        const stream = (await this.connection.request("GET", "/events", {
          query: { filters: JSON.stringify({ type: ["image", "container"] }) },
          stream: true,
          signal,
        })) as Readable;
        this.connected = true;
        this.lastDisconnect = null;
        retryMs = RETRY_MIN_MS;
        this.emit({ kind: "connected" });
        await this.consume(stream, signal);
        if (!signal.aborted) this.disconnected(new AppError("daemon_unreachable", `The Docker daemon at ${this.connection.host} closed the event stream (did it restart?).`, { host: this.connection.host }));
      } catch (error) {
        if (signal.aborted) return;
        this.disconnected(isAppError(error) ? error : new AppError("daemon_unreachable", `Event stream failed: ${String(error)}`, { host: this.connection.host }));
      }
      await sleep(retryMs, signal);
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    }
  }

  private disconnected(error: AppError): void {
    this.connected = false;
    this.lastDisconnect = error;
    this.emit({ kind: "disconnected", message: error.message, error });
  }

  private consume(stream: Readable, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let buffer = "";
      const finish = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        stream.destroy();
        finish();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf("\n");
        while (newline !== -1) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          const event = line ? parseEvent(line) : null;
          if (event) this.emit({ kind: "event", event });
          newline = buffer.indexOf("\n");
        }
      });
      stream.on("end", finish);
      stream.on("close", finish);
      stream.on("error", finish);
    });
  }
}

/**
 * The image and container events the daemon logged from `sinceNano` (unix nanoseconds) until now, from its
 * in-memory log (a request with `until` answers at once): what a reader needs to be sure it saw every change made
 * before its request.
 */
export async function readRecentEvents(connection: DockerConnection, sinceNano: bigint): Promise<HostEvent[]> {
  const seconds = sinceNano / 1_000_000_000n;
  const nanos = (sinceNano % 1_000_000_000n).toString().padStart(9, "0");
  // Now, not later: an `until` in the future makes the daemon stream live events until then.
  const until = (Date.now() / 1000).toFixed(3);
  const stream = (await connection.request("GET", "/events", {
    query: { since: `${seconds}.${nanos}`, until, filters: JSON.stringify({ type: ["image", "container"] }) },
    stream: true,
  })) as Readable;
  const text = await new Promise<string>((resolve, reject) => {
    let body = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("end", () => resolve(body));
    stream.on("error", reject);
  });
  return text.split("\n").flatMap((line) => {
    const event = line.trim() ? parseEvent(line.trim()) : null;
    return event ? [event] : [];
  });
}

export function parseEvent(line: string): HostEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const value = raw as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: unknown }; id?: unknown; timeNano?: unknown };
  const type = value.Type;
  if (type !== "image" && type !== "container") return null;
  const id = typeof value.Actor?.ID === "string" ? value.Actor.ID : typeof value.id === "string" ? value.id : "";
  return {
    type,
    action: typeof value.Action === "string" ? value.Action : "",
    id,
    timeNano: typeof value.timeNano === "number" ? value.timeNano : 0,
    attributes: stringAttributes(value.Actor?.Attributes),
  };
}

function stringAttributes(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

const holder = globalThis as typeof globalThis & { __dockgraphEventHubs?: WeakMap<DockerConnection, EventHub> };

export function getEventHub(connection: DockerConnection): EventHub {
  holder.__dockgraphEventHubs ??= new WeakMap();
  let hub = holder.__dockgraphEventHubs.get(connection);
  if (!hub) {
    hub = new EventHub(connection);
    holder.__dockgraphEventHubs.set(connection, hub);
  }
  return hub;
}
