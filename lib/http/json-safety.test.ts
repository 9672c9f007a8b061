import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, unsafeJsonReason } from "@/lib/http/json-safety";

describe("unsafeJsonReason", () => {
  it("accepts ordinary bodies, including keys repeated in different objects and look-alike strings", () => {
    for (const text of ['{"targets":["a:1","b"],"stopRunning":true}', '[{"a":1},{"a":2}]', '{"a":{"a":1}}', '{"a":"__proto__","b":"{\\"a\\":1,\\"a\\":2}"}', "42", '"x"', "null", "{}", "[]"]) {
      expect(unsafeJsonReason(text), text).toBeNull();
    }
  });

  it("refuses a key given twice in one object, even when spelled with escapes", () => {
    expect(unsafeJsonReason('{"targets":["a"],"targets":["b"]}')).toBe('the key "targets" appears twice in one object');
    expect(unsafeJsonReason('{"ab":1,"\\u0061b":2}')).toBe('the key "ab" appears twice in one object');
    expect(unsafeJsonReason('{"x":[{"k":1,"k":2}]}')).toBe('the key "k" appears twice in one object');
  });

  it("refuses __proto__ keys, at any depth and however they are escaped", () => {
    expect(unsafeJsonReason('{"__proto__":{"polluted":true}}')).toBe('the key "__proto__" is not allowed');
    expect(unsafeJsonReason('{"a":[{"\\u005f_proto__":1}]}')).toBe('the key "__proto__" is not allowed');
  });

  it("refuses nesting beyond the limit, without recursion", () => {
    expect(unsafeJsonReason(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`)).toBeNull();
    expect(unsafeJsonReason(`${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`)).toBe(`it is nested deeper than ${MAX_JSON_DEPTH} levels`);
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    expect(unsafeJsonReason(deep)).toBe(`it is nested deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it("agrees with JSON.parse about duplicates on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        // JSON.stringify never writes a duplicate key, so a reason can only be depth or __proto__.
        const reason = unsafeJsonReason(JSON.stringify(value));
        expect(reason === null || !reason.includes("twice")).toBe(true);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
