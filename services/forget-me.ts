import { hasStarted } from "../lib/center/policy";
import { fail, ok, type Result } from "../lib/errors";
import { newOwnerId } from "../lib/ids";
import { centerOfOwner, FIRST_CENTER } from "../lib/center/ids";
import { mailConfigured } from "../lib/mail/mailer";
import type { ForgetMeResult } from "../lib/memory/page-schemas";
import { DEFAULT_TIME_ZONE } from "../lib/calendar";
import { deleteProfile, forgetWaitlistSlots, handOverBookings, ownerBookings, ownerWaitlistSlots, recordForgotten, type OwnedBooking } from "./db/forget-me";
import { deleteOwnerAccount } from "./db/accounts";
import { hardDeleteOwnerChats } from "./hard-delete";
import { mailOutbox, notificationsOf, sessionManager, studentMemory, waitlistFor } from "./objects";

/**
 * "Forget me" (the memory page): everything the student's owner id holds that is not the center's
 * record of a booking is deleted, and the id itself dies: its SHA-256 is kept to refuse it, the
 * browser gets a new id. In order, so that a retry finds what a failed run left:
 *
 * 1. the tombstone (D1 `forgotten_owners`): from here on no new chat, preference or memory for the id;
 *    and a student account whose owner it is, with its sessions (every device signed out);
 * 2. every chat, live or in the trash (as the weekly hard delete), so no open chat books or teaches;
 * 3. side by side: the memory (`forgetAll`); the bodies and addresses of the emails about the
 *    owner's bookings (each booking's MailOutbox; an upcoming session's reminders still to be sent
 *    keep theirs, so they still go); the owner's places in waitlists (each slot's Waitlist, found
 *    through D1 `waitlist_joins`);
 * 4. the bookings change hands: upcoming sessions to the new id (nothing is cancelled; they stay on
 *    My bookings), the rest to nobody (the center's record: tutor, time, name, email, attendance);
 * 5. side by side: the bell (the Notifications object's rows), the profile (tier, email
 *    preferences), the upcoming sessions' SessionManagers told of their new owner.
 *
 * The new id is derived from the old one with a key (HMAC of INTERNAL_KEY) for RETRY_WINDOW_MS after
 * the first run, so a retry whose first answer was lost lands on the same id (and its bookings);
 * after that a retry gets a fresh id, so an old cookie found later cannot reach the new one.
 */

export type ForgetEnv = Pick<
  Env,
  "DB" | "CHAT_SESSION" | "MESSAGE_QUEUE" | "STUDENT_MEMORY" | "NOTIFICATIONS" | "WAITLIST" | "MAIL_OUTBOX" | "MAIL_API_URL" | "MAIL_API_TOKEN" | "SESSION_MANAGER" | "INTERNAL_KEY"
>;

/** How long after the first Forget me a retry gets the same new owner id. */
export const RETRY_WINDOW_MS = 10 * 60_000;

const encoder = new TextEncoder();

/** The new owner id of a forgotten one: `owner-` and 128 bits of HMAC-SHA-256(INTERNAL_KEY, label + id). */
export async function successorOwnerId(internalKey: string, ownerId: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(internalKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`tutor-chat forgotten owner successor v1:${ownerId}`)));
  const center = centerOfOwner(ownerId);
  const id = `owner-${[...mac.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
  // Of the forgotten owner's center, like every owner the browser holds there.
  return center === FIRST_CENTER ? id : `${id}.${center}`;
}

const NOT_ALL_GONE = "Some of your data could not be deleted just now. Nothing was lost: please press Forget me again in a moment.";

export async function forgetOwner(env: ForgetEnv, ownerId: string, now: number): Promise<Result<ForgetMeResult>> {
  const { forgottenAt, repeated } = await recordForgotten(env.DB, { ownerId, now });
  // A signed-in student's account goes with its owner id: no device acts for it from here on.
  await deleteOwnerAccount(env.DB, { ownerId });
  const successor = now - forgottenAt <= RETRY_WINDOW_MS ? await successorOwnerId(env.INTERNAL_KEY, ownerId) : newOwnerId(centerOfOwner(ownerId));
  const chats = await hardDeleteOwnerChats(env, ownerId, now);

  // Independent of one another, so side by side: the memory; the bookings' emails; the waitlists.
  const [memory, owned, waitlists] = await Promise.all([forgetMemory(env, ownerId, now), ownedBookings(env, ownerId, now), leaveWaitlists(env, ownerId, now)]);
  if (!memory.ok) return memory;
  if (owned.mail === null || waitlists === null) return fail("persistence_unavailable:storage", NOT_ALL_GONE);

  const { bookings, upcoming } = owned;
  if (bookings.length > 0) await handOverBookings(env.DB, { ownerId, newOwnerId: successor, upcoming: upcoming.map((booking) => booking.id) });
  // After the hand-over (no new note can come for the old id) and after the memory (whose version bump writes the profile).
  const [notes] = await Promise.all([
    notificationsOf(env, ownerId).forgetAll(ownerId),
    deleteProfile(env.DB, { ownerId }),
    // Each upcoming session's end is carried out for its new owner (a failure is logged: the end still happens).
    ...upcoming.map((booking) =>
      sessionManager(env, booking.id)
        .handOver(successor)
        .catch((error: unknown) => console.error("[forget-me] session end not handed over", booking.id, error)),
    ),
  ]);
  if (!notes.ok) return notes;

  return ok({
    repeated,
    newOwnerId: successor,
    facts: memory.value,
    chats,
    notifications: notes.value.deleted,
    waitlists,
    mail: owned.mail,
    bookings: { upcoming: upcoming.length, kept: bookings.length - upcoming.length },
  });
}

/** The memory's storage deleted (`forgetAll`, one call); answers how many facts it held. */
async function forgetMemory(env: ForgetEnv, ownerId: string, now: number): Promise<Result<number>> {
  const forgot = await studentMemory(env, ownerId).forgetAll(ownerId, now);
  return forgot.ok ? ok(forgot.value.facts) : forgot;
}

/** The owner's bookings, which of them are still to come (`hasStarted`), and their emails erased. */
async function ownedBookings(env: ForgetEnv, ownerId: string, now: number): Promise<{ bookings: OwnedBooking[]; upcoming: OwnedBooking[]; mail: number | null }> {
  const { bookings, timeZone } = await ownerBookings(env.DB, { ownerId });
  const zone = { timeZone: timeZone ?? DEFAULT_TIME_ZONE };
  const upcoming = bookings.filter((booking) => booking.status === "confirmed" && !hasStarted(zone, booking, new Date(now)));
  const mail = await eraseMail(env, bookings, new Set(upcoming.map((booking) => booking.id)));
  return { bookings, upcoming, mail };
}

/**
 * Each booking's MailOutbox erases its emails' bodies and addresses (one call per booking; none when
 * email is not configured, since then no outbox was ever made). Answers how many bookings had any
 * to erase, or null when an outbox could not be reached (the caller stops; a retry does it again).
 */
async function eraseMail(env: ForgetEnv, bookings: OwnedBooking[], upcoming: Set<string>): Promise<number | null> {
  if (!mailConfigured(env)) return 0;
  const erased = await Promise.allSettled(
    bookings.map((booking) => mailOutbox(env, booking.id).forget({ keepPending: upcoming.has(booking.id) })),
  );
  let touched = 0;
  for (const result of erased) {
    const answer = result.status === "fulfilled" ? result.value : null;
    if (!answer?.ok) {
      console.error("[forget-me] mail not erased", answer ? answer.error.message : (result as PromiseRejectedResult).reason);
      return null;
    }
    if (answer.value.erased > 0) touched++;
  }
  return touched;
}

/**
 * The owner leaves every waitlist they joined (one call per slot in `waitlist_joins`); the slots
 * whose line let them go are forgotten in D1. Answers the entries removed, or null when a line
 * could not be reached (its slot stays in D1 for the retry).
 */
async function leaveWaitlists(env: ForgetEnv, ownerId: string, now: number): Promise<number | null> {
  const slots = await ownerWaitlistSlots(env.DB, { ownerId });
  const left = await Promise.allSettled(slots.map((slot) => waitlistFor(env, slot).forget(ownerId, now)));
  let removed = 0;
  const done: typeof slots = [];
  left.forEach((result, index) => {
    const answer = result.status === "fulfilled" ? result.value : null;
    if (answer?.ok) {
      removed += answer.value.removed;
      done.push(slots[index]!);
    } else {
      console.error("[forget-me] waitlist not left", answer ? answer.error.message : (result as PromiseRejectedResult).reason);
    }
  });
  await forgetWaitlistSlots(env.DB, { ownerId, slots: done });
  return done.length === slots.length ? removed : null;
}
