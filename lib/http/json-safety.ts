/*
 * What a request body may not be, even when it is valid JSON. Refused (not quietly repaired) because each is either
 * ambiguous or a known attack shape, and a client that sends one has a bug worth hearing about:
 * - duplicate keys: parsers disagree on which value wins (JSON.parse takes the last, others the first), so what a
 *   proxy or a log shows could differ from what runs;
 * - a `__proto__` key: meaningless to every schema here, and the classic prototype-pollution vector the moment a
 *   body meets an object merge;
 * - nesting deeper than a limit: every later recursive walk (validation, logging) stays far from the stack's end.
 * The scan is one linear, non-recursive pass over text that JSON.parse accepted.
 */

export const MAX_JSON_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(["__proto__"]);

interface Frame {
  kind: "object" | "array";
  keys: Set<string> | null;
  /** In an object: the next string is a key. */
  expectKey: boolean;
}

/** The first reason `text` (valid JSON) is refused, or null when it is safe to parse. */
export function unsafeJsonReason(text: string, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: Frame[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      const end = stringEnd(text, index);
      const frame = stack[stack.length - 1];
      if (frame?.kind === "object" && frame.expectKey) {
        const key = decodeKey(text.slice(index, end + 1));
        if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed`;
        if (frame.keys?.has(key)) return `the key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}…` : key)} appears twice in one object`;
        frame.keys?.add(key);
        frame.expectKey = false;
      }
      index = end;
    } else if (char === "{" || char === "[") {
      if (stack.length >= maxDepth) return `it is nested deeper than ${maxDepth} levels`;
      stack.push(char === "{" ? { kind: "object", keys: new Set(), expectKey: true } : { kind: "array", keys: null, expectKey: false });
    } else if (char === "}" || char === "]") {
      stack.pop();
    } else if (char === ",") {
      const frame = stack[stack.length - 1];
      if (frame?.kind === "object") frame.expectKey = true;
    }
  }
  return null;
}

/** Index of the closing quote of the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    const char = text[index];
    if (char === "\\") index += 1;
    else if (char === '"') return index;
  }
  return text.length - 1;
}

function decodeKey(literal: string): string {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === "string" ? value : literal;
  } catch {
    return literal;
  }
}
