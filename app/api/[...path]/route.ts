import { describe } from "@/lib/docker/names";
import { AppError } from "@/lib/errors";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Any other path under /api: the JSON error contract's 404 (Next's own would be an HTML page), after the same guard. */
async function notFound(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    throw new AppError("not_found", `No such API route: ${request.method} ${describe(new URL(request.url).pathname)}. See docs/api.md.`);
  });
}

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
