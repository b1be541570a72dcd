import { describe, expect, it } from "vitest";
import { takeFromBucket, takeFromWindow, type BucketState, type WindowState } from "../../lib/rate-limits";

const HOUR = 60 * 60_000;

describe("sliding window", () => {
  const rule = { kind: "window", limit: 3, windowMs: HOUR } as const;

  it("allows exactly `limit` in a window, then says when the next fits", () => {
    let state: WindowState | null = null;
    const start = 10 * HOUR; // the start of a fixed window
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      const taken = takeFromWindow(rule, state, start + i);
      decisions.push(taken.decision);
      state = taken.state;
    }
    expect(decisions.slice(0, 3).every((decision) => decision.allowed)).toBe(true);
    expect(decisions[3]).toMatchObject({ allowed: false });
    const wait = (decisions[3] as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(HOUR);
    // Once the window has slid past them, there is room again.
    expect(takeFromWindow(rule, state, start + 2 * HOUR).decision.allowed).toBe(true);
  });

  it("weighs the previous window by its overlap, so a burst at a boundary cannot double the limit", () => {
    let state: WindowState | null = null;
    const boundary = 20 * HOUR;
    for (let i = 0; i < 3; i++) state = takeFromWindow(rule, state, boundary - 1 - i).state;
    // Just past the boundary, the previous window still counts almost fully.
    expect(takeFromWindow(rule, state, boundary + 1).decision.allowed).toBe(false);
    // Two thirds of the way into the new window, one of the three old requests has slid out.
    expect(takeFromWindow(rule, state, boundary + (2 * HOUR) / 3 + 1_000).decision.allowed).toBe(true);
  });
});

describe("token bucket", () => {
  const rule = { kind: "bucket", capacity: 2, refillEveryMs: 1_000 } as const;

  it("allows a burst of `capacity`, then one per refill, and says how long to wait", () => {
    let state: BucketState | null = null;
    const at = (now: number) => {
      const taken = takeFromBucket(rule, state, now);
      state = taken.state;
      return taken.decision;
    };
    expect(at(0).allowed).toBe(true);
    expect(at(0).allowed).toBe(true);
    expect(at(0)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect(at(500)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(at(1_000).allowed).toBe(true);
    // A clock that steps back refills nothing and does not drain the bucket below zero.
    expect(at(100)).toMatchObject({ allowed: false });
    expect(at(2_000).allowed).toBe(true);
  });
});
