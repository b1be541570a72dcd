/**
 * The stack's one clock. Deployed, it is the platform's time. A test stack (e2e, the bench, a
 * workerd test) shifts it to a fixed instant, so the booking, move, cancel and reminder paths run
 * at the same hour of the same weekday whenever and wherever the tests run: `CLOCK_OFFSET_MS`
 * (a sidecar var) is added to the platform's time.
 *
 * Alarms are kept by the platform in its own time: set them with `clock.toPlatform(at)` and read
 * `getAlarm()` back with `clock.fromPlatform(at)`, so an alarm for 10:00 on the clock fires when
 * the clock says 10:00.
 */

import { addDays, DEFAULT_TIME_ZONE, localNow, nextDateFor, zonedToEpoch } from "./calendar";
import type { Weekday } from "./tutoring/schemas";

/** What a worker or object passes in: its env, read for the one var. */
export interface ClockEnv {
  CLOCK_OFFSET_MS?: string;
}

let offsetMs = 0;

/** Reads the offset from `env` (each worker entry and each Durable Object's constructor calls this). */
export function useClockOf(env: ClockEnv): void {
  const offset = Number(env.CLOCK_OFFSET_MS ?? 0);
  offsetMs = Number.isFinite(offset) ? Math.trunc(offset) : 0;
}

/**
 * The first `weekday` at `at` ("10:00") in `timeZone` strictly after `after`: the instant a test
 * stack runs at. Never earlier than `after`, so a shifted clock only ever runs ahead of the
 * platform's (a cookie's max-age computed in the web worker stays positive).
 */
export function nextWeekdayAt(after: number, weekday: Weekday, at: string, timeZone: string = DEFAULT_TIME_ZONE): number {
  const today = localNow(new Date(after), timeZone).date;
  const first = zonedToEpoch(nextDateFor(weekday, today), at, timeZone);
  return first > after ? first : zonedToEpoch(addDays(nextDateFor(weekday, today), 7), at, timeZone);
}

export const clock = {
  /** Epoch ms now, on the stack's clock. */
  now: (): number => Date.now() + offsetMs,
  /** Now, as a Date. */
  date: (): Date => new Date(Date.now() + offsetMs),
  /** An instant on the clock in the platform's time (for `setAlarm`). */
  toPlatform: (at: number): number => at - offsetMs,
  /** An instant in the platform's time (from `getAlarm`) on the clock. */
  fromPlatform: (at: number): number => at + offsetMs,
};

/** `getAlarm()`'s answer on the clock (null stays null). */
export function fromPlatformAlarm(at: number | null): number | null {
  return at === null ? null : clock.fromPlatform(at);
}
