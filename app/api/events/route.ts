import { getConnection } from "@/lib/docker/client";
import type { HubMessage } from "@/lib/docker/events";
import { getEventHub } from "@/lib/docker/events";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

function frame(message: HubMessage): string {
  switch (message.kind) {
    case "event":
      return `event: change\ndata: ${JSON.stringify(message.event)}\n\n`;
    case "connected":
      return `event: connected\ndata: {}\n\n`;
    case "disconnected":
      return `event: disconnected\ndata: ${JSON.stringify({ message: message.message })}\n\n`;
  }
}

/** Server-sent events: the daemon's image and container changes, plus its connection state. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const hub = getEventHub(getConnection());
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
        const unsubscribe = hub.subscribe((message) => send(frame(message)));
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
