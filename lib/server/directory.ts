import { bookingRulesText } from "../center/policy";
import { callSidecar } from "./call-sidecar";
import { searchSeedDirectory } from "../tutoring/directory";
import type { Tutor } from "../tutoring/schemas";
import { currentCenter, loadCenterPolicy } from "./center";
import { getSidecar } from "./sidecar";

/** The request's center's tutor directory from D1 through the sidecar, or from the seed catalog when it is out of reach. */
export async function loadDirectory(query: string): Promise<{ tutors: Tutor[]; live: boolean }> {
  try {
    const [sidecar, center] = await Promise.all([getSidecar(), currentCenter()]);
    return { tutors: await callSidecar(() => sidecar.listTutors(center, query)), live: true };
  } catch {
    return { tutors: searchSeedDirectory(query), live: false };
  }
}

/** The center's booking rules in a line for students, or null when the live settings are out of reach (nothing is guessed). */
export async function loadBookingRules(): Promise<string | null> {
  const policy = await loadCenterPolicy();
  return policy && bookingRulesText(policy);
}
