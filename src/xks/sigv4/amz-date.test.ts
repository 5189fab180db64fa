import { describe, expect, it } from "vitest";
import { formatAmzDate, parseAmzDate } from "./amz-date.js";

describe("formatAmzDate", () => {
  it.each([
    { iso: "2024-05-15T12:00:00.000Z", amzDate: "20240515T120000Z" },
    { iso: "2024-05-15T12:00:00.999Z", amzDate: "20240515T120000Z" },
    { iso: "2024-02-29T23:59:59.000Z", amzDate: "20240229T235959Z" },
    { iso: "1999-12-31T00:00:01.000Z", amzDate: "19991231T000001Z" },
  ])("$iso → $amzDate", ({ iso, amzDate }) => expect(formatAmzDate(new Date(iso))).toBe(amzDate));
});

describe("parseAmzDate", () => {
  it.each([
    { amzDate: "20240515T120000Z", iso: "2024-05-15T12:00:00.000Z" },
    { amzDate: "20240229T000000Z", iso: "2024-02-29T00:00:00.000Z" },
    { amzDate: "20241231T235959Z", iso: "2024-12-31T23:59:59.000Z" },
  ])("accepts $amzDate", ({ amzDate, iso }) => expect(parseAmzDate(amzDate)).toBe(Date.parse(iso)));

  it.each([
    { name: "February 31st", amzDate: "20240231T000000Z" },
    { name: "February 29th of a non-leap year", amzDate: "20230229T000000Z" },
    { name: "month 13", amzDate: "20241301T000000Z" },
    { name: "day 00", amzDate: "20240500T000000Z" },
    { name: "hour 24", amzDate: "20240515T240000Z" },
    { name: "minute 60", amzDate: "20240515T126000Z" },
    { name: "leap second", amzDate: "20240515T235960Z" },
    { name: "extended ISO 8601", amzDate: "2024-05-15T12:00:00Z" },
    { name: "extended ISO 8601 with millis", amzDate: "2024-05-15T12:00:00.000Z" },
    { name: "no Z", amzDate: "20240515T120000" },
    { name: "lowercase z", amzDate: "20240515T120000z" },
    { name: "lowercase t", amzDate: "20240515t120000Z" },
    { name: "an offset instead of Z", amzDate: "20240515T120000+0000" },
    { name: "leading space", amzDate: " 20240515T120000Z" },
    { name: "an RFC 7231 Date", amzDate: "Wed, 15 May 2024 12:00:00 GMT" },
    { name: "date only", amzDate: "20240515" },
    { name: "empty", amzDate: "" },
  ])("rejects $name ($amzDate)", ({ amzDate }) => expect(parseAmzDate(amzDate)).toBeUndefined());
});

