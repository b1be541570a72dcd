import { z } from "../zod";
import { StudentFact } from "./schemas";

/** The memory page's wire shapes: `GET /api/memory` and `POST /api/memory/forget-me`. */

export const MemoryFacts = z.object({ facts: z.array(StudentFact) });

const Count = z.number().int().nonnegative();

/** What "Forget me" deleted, and what it kept (docs/lifecycle.md, "Forget me"). */
export const ForgetMeAnswer = z.object({
  /** This browser's id had been forgotten already (a retry): the counts are what this run found left. */
  repeated: z.boolean(),
  /** Facts the memory held (now none; its storage is gone). */
  facts: Count,
  /** Chats deleted from D1 (live and in the trash); `cleaned` of them had their object emptied at once. */
  chats: z.object({ deleted: Count, cleaned: Count, failed: Count }),
  /** Notifications deleted from the bell. */
  notifications: Count,
  /** Waitlist places given up (the line's next student moves up). */
  waitlists: Count,
  /** Bookings whose emails lost their text and addresses (their record stays: sent, when, to which role). */
  mail: Count,
  /** Kept: `upcoming` sessions still booked, moved to this browser's new id (on My bookings); `kept` past or cancelled ones, the center's record, no longer linked. */
  bookings: z.object({ upcoming: Count, kept: Count }),
});
export type ForgetMeSummary = z.infer<typeof ForgetMeAnswer>;

/** The sidecar's answer to the web worker: the summary and the browser's new owner id, which the web worker signs into the cookie. */
export type ForgetMeResult = ForgetMeSummary & { newOwnerId: string };
