/**
 * @module kms/json-error-position
 * Where a JSON text stops being valid, as line and column, found by our own scan. V8's JSON.parse messages quote
 * the text around the error (a secret, in a state file) and differ between Node versions, so they are never shown.
 */

interface JsonErrorPosition {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units */
  column: number;
  /** true when the text ended before the value did */
  atEnd: boolean;
}

const WS = new Set([" ", "\t", "\n", "\r"]);
/** Deeper than this is reported as an error here (V8 would overflow its stack near it anyway). */
const MAX_DEPTH = 5000;

class Stop extends Error {
  constructor(readonly offset: number) {
    super("json syntax error");
  }
}

/** The offset of the first syntax error in `text`, or undefined when it is valid JSON. Iterative in strings, bounded in depth. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new Stop(Math.min(i, text.length));
  };
  const skipWs = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) if (text[i++] !== ch) (i--, fail());
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) (i++, fail());
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else (i++, fail());
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-") fail();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail();
    skipWs();
    const c = text[i];
    if (c === "{") {
      i++;
      skipWs();
      if (text[i] === "}") return void i++;
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail();
        string();
        skipWs();
        if (text[i] !== ":") fail();
        i++;
        value(depth + 1);
        skipWs();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    }
    if (c === "[") {
      i++;
      skipWs();
      if (text[i] === "]") return void i++;
      for (;;) {
        value(depth + 1);
        skipWs();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    fail();
  };
  try {
    value(0);
    skipWs();
    if (i < text.length) fail();
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.offset;
    throw err;
  }
}

/** Line and column of the first syntax error, or undefined for valid JSON. */
export function jsonErrorPosition(text: string): JsonErrorPosition | undefined {
  const offset = jsonErrorOffset(text);
  if (offset === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    if (text[k] === "\n") {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1, atEnd: offset >= text.length };
}
