import net from "node:net";

/*
 * HTTP/1.1 over a bare socket, for tests that must send what no well-behaved client would: request targets with
 * raw NUL, CR/LF or invalid UTF-8 bytes, lying or chunked bodies, unknown methods. One request per connection.
 */

export interface RawRequest {
  method: string;
  /** The request target's bytes exactly as sent. */
  target: Buffer;
  headers: [string, string][];
  body?: Buffer;
  framing?: "content-length" | "chunked" | "truncated";
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const PIECE_BYTES = 16 * 1024;

function requestBytes(request: RawRequest): Buffer[] {
  const body = request.body ?? Buffer.alloc(0);
  const framing = request.framing ?? "content-length";
  const headers: [string, string][] = [...request.headers, ["connection", "close"]];
  if (request.body !== undefined) {
    if (framing === "chunked") headers.push(["transfer-encoding", "chunked"]);
    else headers.push(["content-length", String(framing === "truncated" ? body.length + 16 : body.length)]);
  }
  const head = Buffer.concat([
    Buffer.from(`${request.method} `, "latin1"),
    request.target,
    Buffer.from(` HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`, "latin1"),
  ]);
  if (request.body === undefined) return [head];
  if (framing !== "chunked") return [head, body];
  const half = Math.floor(body.length / 2);
  const chunks = [body.subarray(0, half), body.subarray(half)].filter((chunk) => chunk.length > 0);
  return [head, ...chunks.map((chunk) => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])), Buffer.from("0\r\n\r\n")];
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseResponse(data: Buffer): RawResponse | null {
  const end = data.indexOf("\r\n\r\n");
  if (end === -1) return null;
  const [statusLine = "", ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(end + 4);
  return { status, headers, body: headers["transfer-encoding"]?.toLowerCase() === "chunked" ? dechunk(rest) : rest };
}

/**
 * Sends one request to 127.0.0.1:`port`; resolves with the answer, or null when the server closed the connection
 * without one (a truncated body). An event stream is answered by its head alone.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 20_000): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(parseResponse(Buffer.concat(received)));
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    // Written in pieces, stopping once an answer starts: a server that answers early (413) and closes would
    // otherwise reset the connection under bytes still in flight, and the answer would be lost with it.
    const write = async () => {
      for (const part of requestBytes(request)) {
        for (let offset = 0; offset < part.length; offset += PIECE_BYTES) {
          if (received.length > 0 || settled) return;
          if (!socket.write(part.subarray(offset, offset + PIECE_BYTES))) await new Promise((resolve) => socket.once("drain", resolve));
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (request.framing === "truncated" && !settled) socket.end();
    };
    socket.on("connect", () => void write().catch(() => undefined));
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      const head = parseResponse(Buffer.concat(received));
      if (head?.headers["content-type"]?.startsWith("text/event-stream")) finish();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? finish() : finish(error)));
    socket.on("close", () => finish());
  });
}
