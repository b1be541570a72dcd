import { z } from "./zod";
import { ChatMessage, MessageAuthor, ReplyVote, SessionFields } from "./schemas";
import { FRAME_VERSION } from "./socket-protocol";

/**
 * The realtime protocol of one chat, spoken over a hibernating WebSocket
 * between the browser and the chat's ChatSession object. Every frame is JSON
 * with `v: 1` and a `type`; both ends parse what they receive with these
 * schemas. Sending a message stays on HTTP POST: the socket only pushes.
 * The constants both ends share (and the browser needs before it loads
 * these schemas) are in socket-protocol.ts.
 */

/** Who is on the other end of a socket. Staff sockets arrive with the staff console. */
export const SocketRole = z.enum(["student", "staff"]);
export type SocketRole = z.infer<typeof SocketRole>;

const frame = <K extends string, T extends z.ZodRawShape>(type: K, shape: T) =>
  z.object({ v: z.literal(FRAME_VERSION), type: z.literal(type), ...shape }).strict();

// ---- client → server ------------------------------------------------------------

/** Opens (or resumes) the stream: send me every message after `after`, then live ones. */
export const HelloFrame = frame("hello", { after: z.number().int().nonnegative() });
/** The sender is typing (true) or stopped (false). */
export const TypingFrame = frame("typing", { typing: z.boolean() });
/** The sender has seen every message up to `seq`. */
export const ReadFrame = frame("read", { seq: z.number().int().nonnegative() });

export const ClientFrame = z.discriminatedUnion("type", [HelloFrame, TypingFrame, ReadFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---- server → client ------------------------------------------------------------

/**
 * New messages, oldest first, continuing exactly after the last one this
 * socket was sent. `caughtUp` is false while a resume is still paging.
 */
export const MessagesFrame = frame("messages", {
  messages: z.array(ChatMessage),
  lastSeq: z.number().int().nonnegative(),
  caughtUp: z.boolean(),
});
/** The assistant's working fields changed (booking step, match, tutors shown, last search). */
export const StateFrame = frame("state", { fields: SessionFields, updatedAt: z.number().int() });
/** The student's 👍/👎 on a reply changed (in any tab); null: cleared. */
export const VoteFrame = frame("vote", { messageId: z.string().max(200), vote: ReplyVote.nullable() });
/**
 * Someone is typing until `until` (epoch ms; the client hides it then, so a
 * lost lease needs no "stopped" message), or stopped (`until: null`). `forMs` is the
 * same deadline as a duration from the send: a client whose clock differs from the
 * server's (a laptop set wrong, a test stack's shifted clock) counts from receipt.
 * `author`: the person on the assistant's side (a staff member holding the
 * student's message), so the chat names them; absent: the assistant or a bot.
 */
export const ActivityFrame = frame("activity", {
  who: z.enum(["assistant", "student"]),
  until: z.number().int().nullable(),
  forMs: z.number().int().nonnegative().nullable().optional(),
  author: MessageAuthor.optional(),
});

/** An activity frame: who is typing until when (null: stopped), with the duration from `now`. */
export function activityFrame(who: "assistant" | "student", until: number | null, now: number): z.infer<typeof ActivityFrame> {
  return { v: 1, type: "activity", who, until, forMs: until === null ? null : Math.max(0, until - now) };
}
/** Read receipts: the newest seq the student has seen, and the newest the other side (bot or staff) has. */
export const ReceiptsFrame = frame("receipts", {
  student: z.number().int().nonnegative(),
  agent: z.number().int().nonnegative(),
});
/** Who has this chat open right now. */
export const PresenceFrame = frame("presence", {
  students: z.number().int().nonnegative(),
  staff: z.number().int().nonnegative(),
});
/** The client is too far behind (or the history changed): reload the state over HTTP, then say hello again. */
export const ResyncFrame = frame("resync", {});
/** The chat went to the trash (or is gone): the socket closes after this. */
export const GoneFrame = frame("gone", {});
/** A frame the server could not accept; nothing changed. */
export const ErrorFrame = frame("error", { code: z.string(), message: z.string() });

export const ServerFrame = z.discriminatedUnion("type", [
  MessagesFrame,
  StateFrame,
  VoteFrame,
  ActivityFrame,
  ReceiptsFrame,
  PresenceFrame,
  ResyncFrame,
  GoneFrame,
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
