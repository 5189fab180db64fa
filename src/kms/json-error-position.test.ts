/**
 * The JSON position finder agrees with JSON.parse on what is valid, and points at the place a human would look.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonErrorOffset, jsonErrorPosition } from "./json-error-position.js";

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("jsonErrorOffset", () => {
  it("accepts everything JSON.stringify makes, indented or not", () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, indent) => jsonErrorOffset(JSON.stringify(v, null, indent ? 2 : undefined)) === undefined));
  });

  it("agrees with JSON.parse on damaged JSON (a character dropped, inserted or replaced)", () => {
    const damaged = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom("drop", "insert", "replace"), fc.constantFrom(..."{}[]\",:\\ 0-eE.tfnu\n"))
      .map(([v, at, how, ch]) => {
        const s = JSON.stringify(v);
        const i = s.length ? at % s.length : 0;
        return how === "drop" ? s.slice(0, i) + s.slice(i + 1) : how === "insert" ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + ch + s.slice(i + 1);
      });
    fc.assert(fc.property(damaged, (text) => (jsonErrorOffset(text) === undefined) === parses(text)), { numRuns: 2000 });
  });

  it.each([
    ['{"a": secret}', 1, 7, false],
    ['{\n  "a": 1,\n  "b": [1, 2,]\n}', 3, 14, false],
    ['{"a": "unterminated', 1, 20, true],
    ['{"a": 1', 1, 8, true],
    ["", 1, 1, true],
    ['{"a": 1} trailing', 1, 10, false],
    ['"bad \\x escape"', 1, 7, false],
  ] as const)("%j → line %i column %i", (text, line, column, atEnd) => {
    expect(parses(text)).toBe(false);
    expect(jsonErrorPosition(text)).toEqual({ line, column, atEnd });
  });
});
