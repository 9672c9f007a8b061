import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";

const MAX_BODY_BYTES = 64 * 1024;

/** Reads and validates a JSON body; anything malformed is a 400 that names the problem. */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("invalid_input", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new AppError("invalid_input", `Invalid request body: ${where}${issue?.message ?? "invalid"}.`);
  }
  return parsed.data;
}
