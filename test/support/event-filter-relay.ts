import type net from "node:net";
import { UnixSocketRelay } from "./socket-relay";

/*
 * A unix-socket relay between a client and the sandbox daemon that can swallow events: every request passes
 * through as it is, but the answer to `GET /events` (chunked JSON lines) is decoded, the lines `drop` says so are
 * left out, and the rest re-encoded as chunks. To the client that is a daemon that dropped events under load.
 * Closing it cuts every connection (the event stream among them): a daemon that went away; opening it again, one
 * that came back.
 */

export interface DaemonEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export class EventFilterRelay extends UnixSocketRelay {
  /** Which events to swallow; none by default. */
  drop: (event: DaemonEvent) => boolean = () => false;
  /** How many event lines were swallowed so far. */
  dropped = 0;

  protected relay(client: net.Socket, upstream: net.Socket): void {
    // HTTP/1.1 without pipelining: the answer that follows a `GET …/events` request is the event stream.
    let filter: ChunkedLineFilter | null = null;
    client.on("data", (data: Buffer) => {
      if (filter === null && /^GET \S*\/events[?\s]/.test(data.toString("latin1", 0, 200))) {
        filter = new ChunkedLineFilter((line) => this.keep(line));
      }
      upstream.write(data);
    });
    upstream.on("data", (data: Buffer) => {
      client.write(filter === null ? data : filter.push(data));
    });
  }

  private keep(line: string): boolean {
    let event: DaemonEvent;
    try {
      event = JSON.parse(line) as DaemonEvent;
    } catch {
      return true;
    }
    if (!this.drop(event)) return true;
    this.dropped++;
    return false;
  }
}

/** Decodes an HTTP response with a chunked body, keeps the body lines `keep` accepts, re-encodes them as chunks. */
class ChunkedLineFilter {
  private buffer = Buffer.alloc(0);
  private headersDone = false;
  private lines = "";

  constructor(private readonly keep: (line: string) => boolean) {}

  push(data: Buffer): Buffer {
    this.buffer = Buffer.concat([this.buffer, data]);
    const out: Buffer[] = [];
    if (!this.headersDone) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end === -1) return Buffer.alloc(0);
      out.push(this.buffer.subarray(0, end + 4));
      this.buffer = this.buffer.subarray(end + 4);
      this.headersDone = true;
    }
    for (;;) {
      const sizeEnd = this.buffer.indexOf("\r\n");
      if (sizeEnd === -1) break;
      const size = Number.parseInt(this.buffer.toString("latin1", 0, sizeEnd), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) {
        out.push(Buffer.from("0\r\n\r\n"));
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (this.buffer.length < sizeEnd + 2 + size + 2) break;
      this.lines += this.buffer.toString("utf8", sizeEnd + 2, sizeEnd + 2 + size);
      this.buffer = this.buffer.subarray(sizeEnd + 2 + size + 2);
      let newline = this.lines.indexOf("\n");
      while (newline !== -1) {
        const line = this.lines.slice(0, newline + 1);
        this.lines = this.lines.slice(newline + 1);
        if (this.keep(line.trim())) {
          const bytes = Buffer.from(line, "utf8");
          out.push(Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n"));
        }
        newline = this.lines.indexOf("\n");
      }
    }
    return Buffer.concat(out);
  }
}
