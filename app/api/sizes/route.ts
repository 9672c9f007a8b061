import { imageSpace } from "@/lib/cleanup/reclaimable";
import { getConnection } from "@/lib/docker/client";
import { readContainerSizes, readImageLayers, readSnapshot } from "@/lib/docker/snapshot";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/sizes: shared and unique bytes per image (from layers, as `docker system df -v` counts them) and each
 * container's writable-layer bytes. Kept off /api/graph: the first call inspects every image, and container
 * sizes are slow on real hosts; both are cached, so later calls are cheap.
 */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const connection = getConnection();
    const snapshot = await readSnapshot(connection);
    const [layers, containerSizes] = await Promise.all([
      readImageLayers(
        connection,
        snapshot.images.map((image) => image.id),
      ),
      readContainerSizes(connection),
    ]);
    return jsonResponse({
      generatedAt: snapshot.takenAt,
      images: Object.fromEntries(imageSpace(snapshot, layers)),
      containers: Object.fromEntries(containerSizes),
    });
  });
}
