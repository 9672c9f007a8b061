import { answerLayoutRequest, type LayoutRequest } from "@/components/graph/layout-protocol";

/* The layout of a big host, off the page's main thread (use-stable-layout.ts decides when). */

const scope = self as unknown as { onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null; postMessage: (message: unknown, transfer: Transferable[]) => void };

scope.onmessage = (event) => {
  const answer = answerLayoutRequest(event.data);
  scope.postMessage(answer, [answer.nodes.buffer]);
};
