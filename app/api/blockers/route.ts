import { z } from "zod";
import { getConnection } from "@/lib/docker/client";
import { MAX_NAME_LENGTH } from "@/lib/docker/names";
import { blockersAnswer } from "@/lib/host/answers";
import { getHostModel } from "@/lib/host/host-model";
import { parseQuery } from "@/lib/http/query";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const queryShape = {
  target: z
    .string({ error: "target is required (GET /api/blockers?target=…)" })
    .min(1, "the target is empty")
    .max(MAX_NAME_LENGTH, `the target is longer than ${MAX_NAME_LENGTH} characters`),
};

/** GET /api/blockers?target=T: what stands in the way of removing T, what the daemon would say, what it frees. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const { target } = parseQuery(request.url, queryShape, "GET /api/blockers");
    return jsonResponse(await blockersAnswer(getHostModel(getConnection()), target));
  });
}
