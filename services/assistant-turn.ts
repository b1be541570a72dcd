import { centerOfOwner } from "../lib/center/ids";
import type { ClientContext } from "../lib/rate-limits";
import { ok, type Result } from "../lib/errors";
import type { ChatMessage, NewUserMessage, SendResult, SessionFields } from "../lib/schemas";
import type { TurnLesson } from "../lib/memory/learn";
import type { MemoryView } from "../lib/memory/view";
import { weekdayOf } from "../lib/calendar";
import { describeEffectOutcome, respond, type AssistantEffect, type AssistantReply, type EffectOutcome } from "../lib/tutoring/assistant";
import { rephraseReplies, workersAiRephraser } from "../lib/tutoring/rephrase";
import { workersAiSlotReader, type ToolModel } from "./slot-reader";
import { QUICK } from "../lib/tutoring/commands";
import type { CenterSnapshot } from "../lib/center/snapshot";
import { touchChat } from "./db/chats";
import { createD1Catalog } from "./db/catalog";
import { performEffect } from "./effects";
import type { AnalyticsEvent, WaitUntil } from "./analytics";
import { chatSession, messageQueue } from "./objects";

/** What the built-in assistant's turn needs from the sidecar's environment. */
export type TurnEnv = Pick<Env, "DB" | "CENTER" | "CHAT_SESSION" | "MESSAGE_QUEUE" | "SESSION_MANAGER" | "BOT_MODE" | "ASSISTANT_PHRASING" | "ANALYTICS" | "STUDENT_MEMORY" | "MAIL_OUTBOX" | "MAIL_API_URL" | "MAIL_API_TOKEN" | "SITE_URL" | "WAITLIST" | "NOTIFICATIONS" | "RATE_LIMITER" | "INTERNAL_KEY" | "MAIL_FROM"> & {
  AI?: Parameters<typeof workersAiRephraser>[0] & ToolModel;
};

/**
 * A student's message, from the sidecar's front door.
 *
 * - `BOT_MODE=builtin` (default): ONE call to the chat's ChatSession, which
 *   runs the pure assistant and stores the question, the replies and the new
 *   fields in one transaction, then pushes them to every open tab.
 * - `BOT_MODE=external`: the ChatSession stores the question (and pushes it),
 *   then the MessageQueue holds it until an outside bot claims and completes it.
 *
 * A retried POST (same message id) stores, answers and enqueues nothing twice.
 * The D1 `chats` row's order is touched at most hourly.
 */
export async function acceptUserMessage(input: {
  env: TurnEnv;
  sessionId: string;
  ownerId: string;
  message: NewUserMessage;
  now: Date;
  /** The caller's address, for the per-address limit on new chats. */
  client?: ClientContext;
  /** Kept for callers that pass it: the chat reports its analytics itself now (chat/analytics-report.ts). */
  waitUntil?: WaitUntil;
}): Promise<Result<SendResult>> {
  const { env, sessionId, ownerId, now } = input;
  const session = chatSession(env, sessionId);
  const message = { id: input.message.id ?? crypto.randomUUID(), content: input.message.content };

  const stored =
    env.BOT_MODE === "external"
      ? await session.addUserMessage(ownerId, sessionId, message, now.getTime(), input.client)
      : await session.exchange(ownerId, sessionId, message, now.getTime(), input.client);
  if (!stored.ok) return stored;
  const { sent, touchList } = stored.value;
  // What this message started (a chat, a booking, a hand-off) is stored with it and reported by the
  // chat itself, in batches from its alarm (durable-objects/chat/analytics-report.ts): no call here.
  // The chat's D1 row (its list entry, soft delete and purge) is written by the chat itself when it
  // is born, and by its next message if that failed (durable-objects/chat-session.ts, `list`).

  if (env.BOT_MODE === "external") {
    // Idempotent on the message id, so a retry after a crash here still queues it once.
    const queued = await messageQueue(env, centerOfOwner(ownerId)).enqueue({ messageId: message.id, sessionId, ownerId, content: message.content, createdAt: sent.message.createdAt });
    if (!queued.ok) return queued;
  }
  if (touchList) await touchChat(env.DB, { id: sessionId, now: now.getTime() });
  return ok(sent);
}

/**
 * The built-in assistant's turn, run inside the ChatSession before anything is
 * stored: the pure assistant decides the replies, the state patch and any
 * effect; the effect (a booking, a cancel, a hand-off to staff) is carried out
 * and its outcome worded. Never throws: a failure becomes an honest apology.
 */
export async function builtinTurn(input: {
  env: TurnEnv;
  sessionId: string;
  ownerId: string;
  messageId: string;
  content: string;
  fields: SessionFields;
  /** The newest messages, the student's new one last (a hand-off to staff carries them). */
  transcript: () => ChatMessage[];
  now: Date;
  /** The center's policy and catalog version (the ChatSession's copy, or one call to its Center). */
  center: () => Promise<CenterSnapshot>;
  /** The student's memory (the ChatSession's copy, or one call to their StudentMemory); undefined when none. */
  memory?: () => Promise<MemoryView | undefined>;
  /** Where the message came from, for the limits on cancels, moves and waitlist joins by address. */
  client?: ClientContext;
}): Promise<{ replies: AssistantReply[]; patch: Partial<SessionFields>; events: AnalyticsEvent[]; lesson?: TurnLesson }> {
  const { env, fields, now } = input;
  // Filled by the effect as it happens, so a turn that fails afterwards still counts a booking it made.
  const events: AnalyticsEvent[] = [];
  let lesson: TurnLesson | undefined;
  try {
    // The center's rules and catalog version (the chat's copy: no D1 statement), alongside the student's memory.
    const [center, memory] = await Promise.all([input.center(), input.memory?.()]);
    const { policy } = center;
    // Switched on by an admin (the setting comes in the policy's batch) where the deployment has a model: it may
    // only fill the parse's slots, and only when the deterministic reader is unsure (lib/tutoring/model-reader.ts).
    const reader = policy.assistantReader === "model" && env.AI ? workersAiSlotReader(env.AI) : undefined;
    const turn = await respond({ fields, message: input.content, now, catalog: createD1Catalog(env.DB, { center: centerOfOwner(input.ownerId), version: center.catalogVersion }), policy, ...(memory ? { memory } : {}), ...(reader ? { reader } : {}) });
    let replies = turn.replies;
    let patch = turn.patch;
    if (turn.effect) {
      // The language this turn answered in (its patch keeps it in the search criteria): the booking keeps it.
      const spoken = { ...fields, ...turn.patch }.searchCriteria?.lang;
      const outcome = await performEffect(turn.effect, {
        env,
        sessionId: input.sessionId,
        ownerId: input.ownerId,
        messageId: input.messageId,
        transcript: turn.effect.type === "leave_message" ? input.transcript() : [],
        now,
        policy,
        events,
        ...(spoken ? { language: spoken } : {}),
        limits: { env, ...(input.client?.address ? { address: input.client.address } : {}) },
      });
      lesson = lessonOf({ ...fields, ...turn.patch }, turn.effect, outcome);
      const followUp = describeEffectOutcome({ ...fields, ...turn.patch }, turn.effect, outcome, policy.persona.tone);
      replies = [...replies, ...followUp.replies];
      patch = { ...patch, ...followUp.patch };
    }
    // Wording only: the state patch and the effect above were decided without the model.
    const model = env.ASSISTANT_PHRASING === "llm" && env.AI ? workersAiRephraser(env.AI) : undefined;
    return { replies: await rephraseReplies(replies, model), patch, events, ...(lesson ? { lesson } : {}) };
  } catch (error) {
    console.error("[assistant] turn failed", error);
    return { replies: [{ content: TURN_FAILED, quickReplies: [QUICK.tryAgain] }], patch: {}, events, ...(lesson ? { lesson } : {}) };
  }
}

/**
 * What an effect that happened teaches the student's memory with the exchange: a booking, a message
 * left. A cancel or a move reaches the memory from the effect itself, by its booking id
 * (services/bookings.ts), as a cancel on My bookings or by the center does.
 */
function lessonOf(fields: SessionFields, effect: AssistantEffect, outcome: EffectOutcome): TurnLesson | undefined {
  if (!outcome.ok) return undefined;
  switch (effect.type) {
    case "create_booking": {
      const { booking } = effect;
      if (!outcome.bookingId) return undefined;
      return {
        type: "booked", bookingId: outcome.bookingId, tutorId: booking.tutorId, tutorName: fields.bookingInfo?.tutorName ?? "your tutor",
        subject: booking.subject, slot: { day: weekdayOf(booking.date), date: booking.date, start: booking.start, end: booking.end },
        mode: booking.mode, studentName: booking.studentName, studentEmail: booking.studentEmail,
      };
    }
    case "leave_message":
      return { type: "left_message" };
    case "cancel_booking":
    case "move_booking":
    case "join_waitlist":
    case "leave_waitlist":
      return undefined;
  }
}

export const TURN_FAILED = "Sorry, I couldn't work that out just now. Please send it again in a moment.";
