import "server-only";
import type { z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { unsafeJsonReason } from "@/lib/http/json-safety";

export const MAX_BODY_BYTES = 64 * 1024;

// What a JSON body may be declared as: JSON itself, a +json type, or text/plain (what fetch sends for a bare string).
const ACCEPTED_MEDIA_TYPE = /^(?:application\/(?:[a-z0-9.+-]+\+)?json|text\/plain)$/;

function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${limit} bytes.`);
}

/** A declared type other than JSON (a form, a file upload, another charset) is refused before the body is read. */
export function assertJsonContentType(header: string | null): void {
  if (header === null || header.trim() === "") return;
  const [mediaType = "", ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "");
  if (!ACCEPTED_MEDIA_TYPE.test(mediaType) || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new AppError("unsupported_media_type", `The request body must be JSON in UTF-8 (content-type: application/json), not ${JSON.stringify(header.slice(0, 100))}.`);
  }
}

/**
 * The body as UTF-8 text, never more than `limit` bytes held: a declared Content-Length over the limit is refused
 * unread, and bytes are counted as they arrive, so a chunked or understated body is cut off at the limit too.
 */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      total += read.value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(read.value);
    }
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError("invalid_input", "The request body could not be read: the connection ended before it was complete.");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("invalid_input", "The request body is not valid UTF-8.");
  }
}

/** Reads and validates a JSON body; anything malformed is a 400 that names the problem (413 when too large, 415 when not JSON). */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  assertJsonContentType(request.headers.get("content-type"));
  const text = await readBodyText(request);
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.");
  }
  const unsafe = unsafeJsonReason(text);
  if (unsafe !== null) throw new AppError("invalid_input", `The request body is refused: ${unsafe}.`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new AppError("invalid_input", `Invalid request body: ${where}${issue?.message ?? "invalid"}.`);
  }
  return parsed.data;
}
