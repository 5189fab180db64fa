/**
 * @module harness/report/result-status
 * The outcome of one check or conformance case, as every report (table, JSON, JUnit) shows it.
 */
export type ResultStatus = "pass" | "warn" | "fail" | "skip";
