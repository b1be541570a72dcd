import { DEFAULT_CENTER_POLICY } from "../center/policy";
import type { FallbackTurnRequest, FallbackTurnResponse } from "../schemas";
import { respond } from "./assistant";
import { SEED_TUTORS } from "./catalog-data";
import { createMemoryCatalog } from "./memory-catalog";

const seedCatalog = createMemoryCatalog(SEED_TUTORS);

const UNSAVED_EFFECT = {
  create_booking: "Bookings need the chat service, which is not running here, so nothing was booked. Please try again later.",
  cancel_booking: "Cancelling needs the chat service, which is not running here, so nothing was changed. Please try again later.",
  move_booking: "Moving a booking needs the chat service, which is not running here, so nothing was changed. Please try again later.",
  join_waitlist: "Waitlists need the chat service, which is not running here, so you are not on one. Please try again later.",
  leave_waitlist: "Waitlists need the chat service, which is not running here, so nothing was changed. Please try again later.",
  leave_message: "Sorry, messages to the tutoring center need the chat service, which is not running here, so your message was not sent. Please try again later.",
} as const;

/**
 * One assistant turn without persistence: the same pure assistant as the
 * sidecar runs, over the seed catalog. Effects that need storage (a booking
 * row) cannot happen here; the reply says so instead of pretending.
 */
export async function fallbackTurn(request: FallbackTurnRequest, now: Date): Promise<FallbackTurnResponse> {
  // Nothing can be queued for staff here: "leave a message" says so before the student writes one.
  const turn = await respond({ fields: request.fields, message: request.content, now, catalog: seedCatalog, policy: DEFAULT_CENTER_POLICY, staffReachable: false });
  const replies = turn.replies.map((reply, index) => ({ id: `fallback-${now.getTime()}-${index}`, ...reply }));
  if (turn.effect) {
    // Storage is out of reach: say so instead of claiming the booking or the message went through.
    replies.push({ id: `fallback-${now.getTime()}-effect`, content: UNSAVED_EFFECT[turn.effect.type] });
  }
  return { replies, fields: { ...request.fields, ...turn.patch } };
}
