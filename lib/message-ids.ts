import type { ReplyKind } from "./analytics/events";

/**
 * Every id the product gives a message it writes into a chat for someone (built from the id of what
 * it answers, so a retry finds its own message instead of writing a second), and the one reader of
 * them: `replyKind`, which tells analytics what kind of answer a 👍/👎 was about.
 */
export const messageIds = {
  /** The built-in assistant's `index`-th reply to the student's message. */
  builtinReply: (messageId: string, index: number) => `${messageId}:reply-${index}`,
  /** An outside bot's or a staff member's answer to the student's message. */
  botReply: (messageId: string) => `${messageId}:bot-reply`,
  /** The queue item a student's "leave a message" becomes (and the inbox's hand-offs). */
  handoff: (messageId: string) => `${messageId}:handoff`,
  /** The chat's notice that a booking was cancelled (by the student elsewhere, or by the center). */
  cancelNotice: (bookingId: string) => `${bookingId}:cancelled`,
  /** The chat's notice that a booking was moved elsewhere (the link in an email): one per new slot. */
  moveNotice: (bookingId: string, to: { tutorId: string; date: string; start: string }) => `${bookingId}:moved:${to.tutorId}:${to.date}T${to.start}`,
  /** Nobody could answer a queued message. */
  unanswered: (messageId: string) => `${messageId}:unanswered`,
  /** A waitlist's offer of a freed slot, or its end: one per offer, keyed by the offer's deadline. */
  waitlistNotice: (offeredUntil: number | null, kind: "offer" | "expired") => `waitlist:${offeredUntil}:${kind}`,
} as const;

const BUILTIN_REPLY = /^(.+):reply-(\d{1,3})$/;
const WAITLIST_NOTICE = /^waitlist:\d+:(offer|expired)$/;
const SUFFIX_KINDS: [suffix: string, kind: ReplyKind][] = [
  [":bot-reply", "bot"],
  [":cancelled", "cancel_notice"],
  [":unanswered", "unanswered"],
];

/** The reply's kind, from how its id was made ("other" for none of the above). */
export function replyKind(messageId: string): ReplyKind {
  if (BUILTIN_REPLY.test(messageId)) return "assistant";
  if (WAITLIST_NOTICE.test(messageId)) return "waitlist_notice";
  return SUFFIX_KINDS.find(([suffix]) => messageId.endsWith(suffix))?.[1] ?? "other";
}

/** A built-in reply's question id and its place among that question's replies, or null for any other id. */
export function parseBuiltinReply(messageId: string): { messageId: string; index: number } | null {
  const match = BUILTIN_REPLY.exec(messageId);
  return match ? { messageId: match[1]!, index: Number(match[2]) } : null;
}

/** Whether a queue item is a student's hand-off to staff (not an outside bot's ordinary message). */
export function isHandoff(queueMessageId: string): boolean {
  return queueMessageId.endsWith(":handoff");
}
