import { describe, expect, it } from "vitest";
import { BodyBudget } from "./body-budget.js";

describe("BodyBudget", () => {
  it("reserves while there is room, refuses what does not fit, and a release (once, however often called) makes room again", () => {
    const budget = new BodyBudget(100);
    const a = budget.tryReserve(60);
    expect(a).toBeTypeOf("function");
    expect(budget.tryReserve(50)).toBeUndefined();
    const c = budget.tryReserve(40);
    expect(budget.reserved).toBe(100);
    a!();
    a!();
    expect(budget.reserved).toBe(40);
    expect(budget.tryReserve(61)).toBeUndefined();
    expect(budget.tryReserve(60)).toBeTypeOf("function");
    c!();
    expect(budget.reserved).toBe(60);
  });
});
