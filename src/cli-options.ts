/**
 * @module cli-options
 * Argument parsers both CLIs share (commander): a bad value is a usage error that says the allowed range.
 */
import { InvalidArgumentError } from "commander";

export function integerOption(min: number, max: number, what = "a whole number") {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`must be ${what} from ${min} to ${max}`);
    return Number(value);
  };
}
