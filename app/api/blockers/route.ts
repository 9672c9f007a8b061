import { z } from "zod";
import { answerFor, removalSetFor } from "@/lib/cleanup/blockers";
import { indexHost, resolveTarget } from "@/lib/cleanup/targets";
import { getConnection } from "@/lib/docker/client";
import { MAX_NAME_LENGTH } from "@/lib/docker/names";
import { readContainerSizes, readImageLayers, readSnapshot } from "@/lib/docker/snapshot";
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
    const connection = getConnection();
    const snapshot = await readSnapshot(connection);
    const index = indexHost(snapshot);
    // Resolved on the snapshot: a bad or unknown target is answered before anything else is asked of the daemon.
    const target = resolveTarget(index, parsed.data.target);
    const needsSizes = removalSetFor(index, target).containerIds.length > 0;
    const [layers, containerSizes] = await Promise.all([
      readImageLayers(
        connection,
        snapshot.images.map((image) => image.id),
      ),
      needsSizes ? readContainerSizes(connection) : Promise.resolve(undefined),
    ]);
    return jsonResponse(answerFor(index, target, { layers, containerSizes }));
  });
}
