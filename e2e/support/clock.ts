import { clock, nextWeekdayAt, useClockOf } from "../../lib/time";

/**
 * The e2e stack runs on a shifted clock (lib/time.ts): the sidecar is started with
 * `CLOCK_OFFSET_MS`, so every test runs on a Wednesday at 10:00 center time whatever the day and
 * hour of the run. playwright.config.ts picks the offset once, in the main process; global setup,
 * the workers and a restarted sidecar inherit it from the environment.
 */
export const E2E_WEEKDAY = "wednesday";
export const E2E_TIME = "10:00";

/** The offset for this run: from the environment when set, else to the next Wednesday 10:00. */
export function e2eClockOffset(): string {
  process.env.CLOCK_OFFSET_MS ??= String(nextWeekdayAt(Date.now(), E2E_WEEKDAY, E2E_TIME) - Date.now());
  return process.env.CLOCK_OFFSET_MS;
}

/** Now on the stack's clock, for tests that compute what the site will show. */
export function stackNow(): number {
  useClockOf({ CLOCK_OFFSET_MS: e2eClockOffset() });
  return clock.now();
}
