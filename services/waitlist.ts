import type { WaitlistSlotKey } from "../lib/tutoring/waitlist";
import type { WaitUntil } from "./analytics";
import { waitlistFor } from "./objects";

/**
 * A confirmed booking of `slot` was cancelled (the chat, My bookings, the staff
 * schedule): its waitlist offers it to the first in line. One Durable Object
 * call, never awaited by the cancel's answer: from an entrypoint pass its
 * waitUntil; inside a Durable Object the call runs on after the answer. A slot
 * nobody waits for costs that one call and no rows. `cancelledBy` is the owner
 * who gave the slot up (never offered it back).
 */
export function offerFreedSlot(
  env: Pick<Env, "WAITLIST">,
  slot: WaitlistSlotKey,
  input: { cancelledBy: string | null; now: number; waitUntil?: WaitUntil | undefined },
): void {
  try {
    const offered = waitlistFor(env, slot)
      .slotFreed(input.cancelledBy, input.now)
      .then(
        () => undefined,
        (error: unknown) => console.error("[waitlist] freed slot not offered", error),
      );
    input.waitUntil?.(offered);
  } catch (error) {
    console.error("[waitlist] freed slot not offered", error);
  }
}
