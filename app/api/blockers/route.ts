import { z } from "zod";
import { getConnection } from "@/lib/docker/client";
import { MAX_NAME_LENGTH } from "@/lib/docker/names";
import { blockersAnswer } from "@/lib/host/answers";
import { getHostModel } from "@/lib/host/host-model";
import { AppError } from "@/lib/errors";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = z.object({
  target: z
    .array(z.string())
    .length(1, "give exactly one target")
    .transform(([target]) => target ?? "")
    .pipe(z.string().min(1, "the target is empty").max(MAX_NAME_LENGTH, `the target is longer than ${MAX_NAME_LENGTH} characters`)),
});

/** GET /api/blockers?target=T: what stands in the way of removing T, what the daemon would say, what it frees. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const parsed = querySchema.safeParse({ target: new URL(request.url).searchParams.getAll("target") });
    if (!parsed.success) {
      throw new AppError("invalid_input", `Invalid query: ${parsed.error.issues[0]?.message ?? "target is required"} (GET /api/blockers?target=…).`);
    }
    return jsonResponse(await blockersAnswer(getHostModel(getConnection()), parsed.data.target));
  });
}
