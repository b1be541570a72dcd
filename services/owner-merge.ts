import { centerOfOwner } from "../lib/center/ids";
import { fail, ok, type Result } from "../lib/errors";
import { moveOwnerRows, ownerConfirmedBookingIds, pendingMerges } from "./db/accounts";
import { ownerChatIds } from "./db/chats";
import { ownerWaitlistSlots } from "./db/forget-me";
import { chatSession, messageQueue, notificationsOf, sessionManager, studentMemory, waitlistFor } from "./objects";

/**
 * Moving what one owner id holds into another: a browser's anonymous owner into the account it
 * signed in to (services/accounts.ts). Every store keyed by owner follows, each step idempotent so a
 * retry after any failure finishes the job without writing anything twice:
 *
 * 1. the objects that name the owner inside them, side by side: each chat (`ChatSession.handOver`, then
 *    its messages waiting in the `MessageQueue`: `handOverSessions`),
 *    each upcoming session's end (`SessionManager.handOver`), each waitlist place (`Waitlist.handOver`),
 *    the memory (the account's `StudentMemory.absorb`s the facts, then the old one is erased) and the
 *    bell (`Notifications.absorb`, then the old one is erased);
 * 2. then D1 in one batch (`moveOwnerRows`): chats, bookings, notes to staff, waitlist slots, the
 *    profile's preferences, and the `owner_merges` row that said the merge was pending.
 *
 * D1 goes last: until it has moved, the pending row stays and the next sign-in or the cron sweep
 * (`finishMerges`) runs the merge again; the objects already moved answer "nothing to do".
 */

export type MergeEnv = Pick<Env, "DB" | "CHAT_SESSION" | "MESSAGE_QUEUE" | "SESSION_MANAGER" | "WAITLIST" | "STUDENT_MEMORY" | "NOTIFICATIONS">;

/** An owner's chats moved in one merge: far above what the chat limits let a browser make before it signs in. */
const MAX_CHATS = 1_000;

export interface MergeCount {
  chats: number;
  bookings: number;
  facts: number;
  notifications: number;
  waitlists: number;
}

const NOTHING: MergeCount = { chats: 0, bookings: 0, facts: 0, notifications: 0, waitlists: 0 };

const NOT_MOVED = "Some of what this browser held could not be moved into your account yet. Nothing is lost: it will finish by itself, or when you sign in again.";

export async function mergeOwner(env: MergeEnv, { from, to, now }: { from: string; to: string; now: number }): Promise<Result<MergeCount>> {
  if (from === to) return ok({ ...NOTHING });
  // An account is one center's, and so is every owner merged into it: never across centers.
  if (centerOfOwner(from) !== centerOfOwner(to)) return fail("bad_request:owner", "An owner of another center cannot be merged into this account.");
  const [chatIds, bookingIds, slots] = await Promise.all([ownerChatIds(env.DB, { ownerId: from, limit: MAX_CHATS }), ownerConfirmedBookingIds(env.DB, { ownerId: from }), ownerWaitlistSlots(env.DB, { ownerId: from })]);
  const [chats, sessions, places, facts, notes] = await Promise.allSettled([
    Promise.all(chatIds.map((id) => chatSession(env, id).handOver(from, to)))
      .then((moved) => moved.every((answer) => answer.ok))
      // Their messages waiting for staff or a bot follow, so the answer still reaches the chat.
      .then(async (moved) => moved && (chatIds.length === 0 || (await messageQueue(env, centerOfOwner(to)).handOverSessions(chatIds, to)).ok)),
    Promise.all(bookingIds.map((id) => sessionManager(env, id).handOver(to))).then(() => true),
    Promise.all(slots.map((slot) => waitlistFor(env, slot).handOver(from, to, now))).then((moved) => moved.every((answer) => answer.ok)),
    moveMemory(env, from, to, now),
    moveBell(env, from, to),
  ]);
  const settled = <T>(step: PromiseSettledResult<T>): T | null => {
    if (step.status === "fulfilled") return step.value;
    console.error("[merge] a step failed", step.reason);
    return null;
  };
  const [chatsMoved, sessionsMoved, placesMoved, factsMoved, notesMoved] = [settled(chats), settled(sessions), settled(places), settled(facts), settled(notes)];
  if (!chatsMoved || !sessionsMoved || !placesMoved || factsMoved === null || notesMoved === null) return fail("persistence_unavailable:storage", NOT_MOVED);
  await moveOwnerRows(env.DB, { from, to });
  return ok({ chats: chatIds.length, bookings: bookingIds.length, facts: factsMoved, notifications: notesMoved, waitlists: slots.length });
}

/** The facts move to the account's memory, then the old memory is erased. Answers the facts moved, or null when a side failed. */
async function moveMemory(env: MergeEnv, from: string, to: string, now: number): Promise<number | null> {
  const held = await studentMemory(env, from).recall(from);
  if (!held.ok) return null;
  if (held.value.facts.length === 0) return 0;
  const taken = await studentMemory(env, to).absorb(to, held.value.facts, now);
  if (!taken.ok) return null;
  const erased = await studentMemory(env, from).forgetAll(from, now);
  return erased.ok ? held.value.facts.length : null;
}

/** The bell's notifications move to the account's bell, then the old bell is erased (its open tabs reconnect). */
async function moveBell(env: MergeEnv, from: string, to: string): Promise<number | null> {
  const held = await notificationsOf(env, from).list(from);
  if (!held.ok) return null;
  if (held.value.notifications.length === 0) return 0;
  const taken = await notificationsOf(env, to).absorb(to, held.value.notifications);
  if (!taken.ok) return null;
  const erased = await notificationsOf(env, from).forgetAll(from);
  return erased.ok ? held.value.notifications.length : null;
}

/**
 * Finishes the merges still pending (into one owner: a sign-in, the account page; or all of them:
 * the cron). Answers what moved and how many are still pending after a failure.
 */
export async function finishMerges(env: MergeEnv, { toOwner, now }: { toOwner?: string; now: number }): Promise<{ moved: MergeCount; pending: number }> {
  const moved = { ...NOTHING };
  let pending = 0;
  for (const merge of await pendingMerges(env.DB, toOwner ? { toOwner } : {})) {
    const done = await mergeOwner(env, { from: merge.fromOwner, to: merge.toOwner, now }).catch((error: unknown) => {
      console.error("[merge] not finished", error);
      return null;
    });
    if (!done?.ok) {
      pending++;
      continue;
    }
    for (const key of Object.keys(moved) as (keyof MergeCount)[]) moved[key] += done.value[key];
  }
  return { moved, pending };
}
