/**
 * @module harness/report/style
 * Colour for terminals only: off when the stream is not a TTY, with --no-color, or when NO_COLOR is set.
 */
import { styleText } from "node:util";
import type { ResultStatus } from "./result-status.js";

export type Paint = (style: Parameters<typeof styleText>[0], text: string) => string;

/** Label and colour of each status in the tables. */
export const STATUS_MARK: Record<ResultStatus, [string, Parameters<Paint>[0]]> = {
  pass: ["PASS", "green"],
  warn: ["WARN", "yellow"],
  fail: ["FAIL", "red"],
  skip: ["SKIP", "gray"],
};

export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => styleText(style, text) : (_style, text) => text;
}

export function colorWanted(stream: NodeJS.WriteStream, noColorFlag: boolean): boolean {
  return !noColorFlag && !process.env.NO_COLOR && stream.isTTY === true;
}
