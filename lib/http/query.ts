import { z } from "zod";
import { AppError } from "@/lib/errors";
import { describe } from "@/lib/docker/names";

/*
 * One schema per route's query, applied the same way everywhere: a parameter the route does not take, or one given
 * twice, is a 400 naming it (never silently ignored, never "the first one wins"), and each value is a string checked
 * by the route's schema.
 */

export type QueryShape = Record<string, z.ZodType<unknown, string | undefined>>;

export type ParsedQuery<S extends QueryShape> = { [K in keyof S]: z.output<S[K]> };

/** Parses `url`'s query against `shape` (one schema per parameter, each given the value or undefined). */
export function parseQuery<S extends QueryShape>(url: string | URL, shape: S, route: string): ParsedQuery<S> {
  const params = (typeof url === "string" ? new URL(url) : url).searchParams;
  const allowed = Object.keys(shape);
  const seen = new Map<string, string>();
  for (const [name, value] of params) {
    if (!Object.hasOwn(shape, name)) {
      const takes = allowed.length === 0 ? "takes no query parameters" : `takes ${allowed.join(", ")}`;
      throw new AppError("invalid_input", `Unknown query parameter ${describe(name)}: ${route} ${takes}.`);
    }
    if (seen.has(name)) throw new AppError("invalid_input", `The query parameter ${describe(name)} is given more than once (${route}).`);
    seen.set(name, value);
  }
  const result: Record<string, unknown> = {};
  for (const name of allowed) {
    const schema = shape[name];
    if (schema === undefined) continue;
    const parsed = schema.safeParse(seen.get(name));
    if (!parsed.success) {
      throw new AppError("invalid_input", `Invalid query parameter ${name}: ${parsed.error.issues[0]?.message ?? "invalid"} (${route}).`);
    }
    result[name] = parsed.data;
  }
  return result as ParsedQuery<S>;
}

/** A parameter that is present or not, without a value (`?fresh`). */
export const flagParameter = z
  .literal(["", "1", "true"], { error: "takes no value (or 1)" })
  .optional()
  .transform((value) => value !== undefined);
