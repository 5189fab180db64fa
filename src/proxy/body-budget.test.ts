import { describe, expect, it } from "vitest";
import { BodyBudget } from "./body-budget.js";

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe("BodyBudget", () => {
  it("grants at once while there is room; a reservation that does not fit waits for a release, first come first served", async () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve(60);
    const b = budget.reserve(50);
    const c = budget.reserve(10);
    expect(await settled(a.granted)).toBe(true);
    expect(await settled(b.granted)).toBe(false);
    // c would fit, but b came first.
    expect(await settled(c.granted)).toBe(false);
    a.release();
    expect(await settled(b.granted)).toBe(true);
    expect(await settled(c.granted)).toBe(true);
    expect(budget.reserved).toBe(60);
  });

  it("a waiting reservation released (its client left) leaves the queue; releasing twice frees once", async () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve(100);
    const b = budget.reserve(100);
    const c = budget.reserve(30);
    b.release();
    a.release();
    a.release();
    expect(await settled(c.granted)).toBe(true);
    expect(budget.reserved).toBe(30);
  });

  it("a reservation over the whole budget is capped to it, so it never waits for ever", async () => {
    const budget = new BodyBudget(100);
    expect(await settled(budget.reserve(500).granted)).toBe(true);
    expect(budget.reserved).toBe(100);
  });
});
