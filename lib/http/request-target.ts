import { AppError } from "@/lib/errors";

/**
 * Refuses a path whose percent-encoding does not decode (`%zz`, a cut UTF-8 sequence such as `%E0%A4`). Next.js 16
 * answers such a dynamic segment (`/api/plans/%zz/execute`) with a plain-text 500 before any route code runs, so the
 * check belongs in front of the routes (the proxy): there it becomes the usual 400.
 */
export function assertDecodablePath(pathname: string): void {
  for (const segment of pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      throw new AppError("invalid_input", "The request path is not valid percent-encoded UTF-8.");
    }
  }
}
