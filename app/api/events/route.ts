import { getConnection } from "@/lib/docker/client";
import type { ModelMessage } from "@/lib/host/host-model";
import { getHostModel } from "@/lib/host/host-model";
import { parseQuery } from "@/lib/http/query";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

function frame(message: ModelMessage): string {
  switch (message.kind) {
    case "delta":
      return `event: delta\ndata: ${JSON.stringify(message.delta)}\n\n`;
    case "connected":
      return `event: connected\ndata: ${JSON.stringify({ host: message.host, version: message.version })}\n\n`;
    case "disconnected":
      return `event: disconnected\ndata: ${JSON.stringify({ message: message.message })}\n\n`;
  }
}

/** Server-sent events: the live model's changes as graph deltas (at most one per coalescing window), plus its connection state. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    parseQuery(request.url, {}, "GET /api/events");
    const model = getHostModel(getConnection());
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        // Tell EventSource to retry quickly after a server restart.
        send("retry: 1000\n\n");
        const unsubscribe = model.subscribe((message) => send(frame(message)));
        const heartbeat = setInterval(() => send(": heartbeat\n\n"), HEARTBEAT_MS);
        cleanup = () => {
          clearInterval(heartbeat);
          unsubscribe();
        };
        request.signal.addEventListener("abort", () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed
          }
        });
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  });
}
