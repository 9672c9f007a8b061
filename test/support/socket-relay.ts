import fs from "node:fs";
import net from "node:net";

/*
 * A unix-socket relay between a dockgraph server and a daemon, for tests:
 * - close() and open() again look to the server like a daemon that stopped and started (socket gone, connections cut);
 * - every HTTP request the server sends is recorded (method, path, query), its head parsed and its body skipped by
 *   Content-Length or chunked framing, so a test can check exactly which Engine API calls were made;
 * - a hold rule can stop one request before the daemon sees it ("request"), or let the daemon act and keep its
 *   answer from the server ("response"): the window a crash test needs between "asked" and "told".
 */

export interface RecordedRequest {
  method: string;
  /** The request target's path, as sent (not decoded). */
  path: string;
  /** The query string without "?", as sent. */
  query: string;
  /** The whole request target, as sent. */
  target: string;
}

export type HoldPoint = "request" | "response";
export type HoldRule = (request: RecordedRequest) => HoldPoint | null;

const MAX_HEAD_BYTES = 256 * 1024;

type BodyState = { kind: "head" } | { kind: "body"; remaining: number } | { kind: "chunk-size" } | { kind: "chunk-data"; remaining: number } | { kind: "trailer" };

/** Splits a client's byte stream into requests; `feed` answers the requests whose heads ended in the chunk, with their offsets. */
export class RequestStreamParser {
  private buffer = Buffer.alloc(0);
  private state: BodyState = { kind: "head" };
  /** Absolute offset of buffer[0] in the stream. */
  private bufferStart = 0;
  private headStart = 0;

  feed(chunk: Buffer): { request: RecordedRequest; start: number }[] {
    const chunkStart = this.bufferStart + this.buffer.length;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const found: { request: RecordedRequest; start: number }[] = [];
    for (;;) {
      const state = this.state;
      if (state.kind === "head") {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end === -1) {
          if (this.buffer.length > MAX_HEAD_BYTES) throw new Error("request head too large");
          break;
        }
        const head = this.buffer.subarray(0, end).toString("latin1");
        this.headStart = this.bufferStart;
        this.consume(end + 4);
        const parsed = parseHead(head);
        found.push({ request: parsed.request, start: this.headStart - chunkStart });
        if (parsed.chunked) this.state = { kind: "chunk-size" };
        else if (parsed.contentLength > 0) this.state = { kind: "body", remaining: parsed.contentLength };
      } else if (state.kind === "body" || state.kind === "chunk-data") {
        const take = Math.min(state.remaining, this.buffer.length);
        this.consume(take);
        state.remaining -= take;
        if (state.remaining > 0) break;
        this.state = state.kind === "body" ? { kind: "head" } : { kind: "chunk-size" };
      } else {
        const end = this.buffer.indexOf("\r\n");
        if (end === -1) break;
        const line = this.buffer.subarray(0, end).toString("latin1");
        this.consume(end + 2);
        if (state.kind === "trailer") {
          if (line === "") this.state = { kind: "head" };
        } else if (line !== "") {
          const size = Number.parseInt(line.split(";")[0] ?? "", 16);
          // The data, then the CRLF that ends it.
          this.state = size > 0 ? { kind: "chunk-data", remaining: size + 2 } : { kind: "trailer" };
        }
      }
    }
    return found;
  }

  private consume(bytes: number): void {
    this.buffer = this.buffer.subarray(bytes);
    this.bufferStart += bytes;
  }
}

function parseHead(head: string): { request: RecordedRequest; contentLength: number; chunked: boolean } {
  const [requestLine = "", ...headerLines] = head.split("\r\n");
  const [method = "", target = ""] = requestLine.split(" ");
  let contentLength = 0;
  let chunked = false;
  for (const headerLine of headerLines) {
    const colon = headerLine.indexOf(":");
    const name = headerLine.slice(0, colon).trim().toLowerCase();
    const value = headerLine.slice(colon + 1).trim().toLowerCase();
    if (name === "content-length") contentLength = Number(value);
    if (name === "transfer-encoding") chunked = value.split(",").some((coding) => coding.trim() === "chunked");
  }
  const question = target.indexOf("?");
  return {
    request: { method, target, path: question === -1 ? target : target.slice(0, question), query: question === -1 ? "" : target.slice(question + 1) },
    contentLength,
    chunked,
  };
}

/**
 * A unix socket in front of the daemon's: every connection to it gets one of its own to the daemon (`connect`), and
 * what passes between the two is the subclass's business (`relay`). Closing it cuts every connection (the event stream
 * among them), which to the client is a daemon that went away; opening it again, one that came back.
 */
export abstract class UnixSocketRelay {
  private server: net.Server | null = null;
  private readonly connections = new Set<net.Socket>();

  constructor(
    readonly socketPath: string,
    private readonly daemonSocket: string,
  ) {}

  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  async open(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    const server = net.createServer((client) => this.relay(client, this.connect(client)));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.socketPath, resolve);
    });
    this.server = server;
  }

  /** Refuse new connections and cut the open ones (the event stream among them). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.connections) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }

  /** The daemon's side of a client's connection; either closing closes the other. */
  private connect(client: net.Socket): net.Socket {
    const upstream = net.connect(this.daemonSocket);
    for (const socket of [client, upstream]) {
      this.connections.add(socket);
      socket.on("close", () => {
        this.connections.delete(socket);
        (socket === client ? upstream : client).destroy();
      });
      socket.on("error", () => socket.destroy());
    }
    return upstream;
  }

  /** Passes the bytes between a client and its daemon connection. */
  protected abstract relay(client: net.Socket, upstream: net.Socket): void;
}

export class SocketRelay extends UnixSocketRelay {
  private holdRule: HoldRule | null = null;
  private heldWaiters: ((request: RecordedRequest) => void)[] = [];
  /** Every request the server sent through the relay, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Requests held (by the hold rule), in order. */
  readonly held: RecordedRequest[] = [];

  /** From now on, hold the first request the rule picks (one at a time; the rule is cleared once it fires). */
  hold(rule: HoldRule): void {
    this.holdRule = rule;
  }

  /** Resolves with the next request held. */
  nextHeld(): Promise<RecordedRequest> {
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  protected relay(client: net.Socket, upstream: net.Socket): void {
    const parser = new RequestStreamParser();
    // Once a hold fires, that direction of this connection stays silent: nothing more reaches the other side.
    let requestsHeld = false;
    let responsesHeld = false;
    client.on("data", (chunk: Buffer) => {
      if (requestsHeld) return;
      let forwardUpTo = chunk.length;
      let found: { request: RecordedRequest; start: number }[];
      try {
        found = parser.feed(chunk);
      } catch {
        client.destroy();
        return;
      }
      for (const { request, start } of found) {
        this.requests.push(request);
        const point = this.holdRule?.(request) ?? null;
        if (point === null) continue;
        this.holdRule = null;
        if (point === "request") {
          requestsHeld = true;
          forwardUpTo = Math.max(0, start);
        } else {
          responsesHeld = true;
        }
        this.held.push(request);
        for (const waiter of this.heldWaiters.splice(0)) waiter(request);
        break;
      }
      if (forwardUpTo > 0) upstream.write(chunk.subarray(0, forwardUpTo));
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!responsesHeld) client.write(chunk);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  }
}
