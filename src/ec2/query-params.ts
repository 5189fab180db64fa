/**
 * @module ec2/query-params
 * The parameters of an EC2 query request (`Action=…&Version=2016-11-15&ServiceId.1=…&Filter.1.Name=…&Filter.1.Value.1=…`),
 * checked against what each action takes, and EC2's error for each kind of bad request.
 */
import { z } from "zod";

/** An EC2 error: its Code and Message as EC2 words them, and the HTTP status EC2 sends. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "Ec2Error";
  }
}

/** A flat form body: one string per name, bounded (a repeated name arrives as an array and is refused). */
export const QueryParams = z.record(z.string().max(256), z.string().max(4096));
export type QueryParams = z.infer<typeof QueryParams>;

/** List members are numbered 1..n; a number this high is no real request. */
const MAX_INDEX = 1000;

/** `prefix.1`, `prefix.2`, … in index order. */
export function listParam(params: QueryParams, prefix: string): string[] {
  const re = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.(\\d{1,4})$`);
  return Object.entries(params)
    .flatMap(([k, v]) => {
      const m = re.exec(k);
      return m && Number(m[1]) >= 1 && Number(m[1]) <= MAX_INDEX ? [[Number(m[1]), v] as const] : [];
    })
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
}

export interface Filter {
  name: string;
  values: string[];
}

/** Filter.N.Name with Filter.N.Value.M; a filter needs a name. */
export function filtersOf(params: QueryParams): Filter[] {
  const indexes = new Set(Object.keys(params).flatMap((k) => /^Filter\.(\d{1,4})\./.exec(k)?.[1] ?? []));
  return [...indexes]
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => {
      const name = params[`Filter.${n}.Name`];
      if (!name) throw new Ec2Error("MissingParameter", `The request must contain the parameter Filter.${n}.Name`);
      return { name, values: listParam(params, `Filter.${n}.Value`) };
    });
}

/** Refuses parameters the action does not take, as EC2 does. */
export function assertKnownParams(params: QueryParams, accepted: readonly RegExp[]): void {
  const always = [/^Action$/, /^Version$/, /^DryRun$/, /^MaxResults$/, /^NextToken$/, /^Filter\.\d{1,4}\.(Name|Value\.\d{1,4})$/];
  const unknown = Object.keys(params).find((k) => ![...always, ...accepted].some((re) => re.test(k)));
  if (unknown !== undefined) throw new Ec2Error("UnknownParameter", `The parameter ${unknown.slice(0, 64)} is not recognized`);
}

/** MaxResults, when given, is an integer in the action's range (EC2 answers everything in one page here). */
export function checkMaxResults(params: QueryParams, min: number, max: number): void {
  const v = params.MaxResults;
  if (v === undefined) return;
  if (!/^\d{1,6}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new Ec2Error("InvalidParameterValue", `Value ( ${v.slice(0, 16)} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`);
  }
}

/** Keeps the records every filter matches (values of one filter OR'd, filters AND'd), as EC2 does. */
export function applyFilters<T>(records: readonly T[], filters: readonly Filter[], fields: Record<string, (r: T) => readonly string[]>): T[] {
  for (const f of filters) if (!Object.hasOwn(fields, f.name)) throw new Ec2Error("InvalidParameterValue", `The filter '${f.name.slice(0, 64)}' is invalid`);
  return records.filter((r) => filters.every((f) => fields[f.name]!(r).some((v) => f.values.includes(v))));
}
