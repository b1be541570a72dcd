import { SESSION_ID_PATTERN } from "./ids";
import { EMPTY_SESSION_FIELDS as NO_FIELDS } from "./session-fields";
import { z } from "./zod";
import { BookingInfo, SearchCriteria, TutorMatch } from "./tutoring/schemas";

/**
 * Every wire shape shared by the browser, the web worker and the sidecar:
 * HTTP bodies, RPC arguments and results, stored JSON. One module, inferred types.
 */

export const MAX_MESSAGE_CHARS = 4_000;
export const MAX_BODY_BYTES = 32 * 1024;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const SessionId = z.string().regex(SESSION_ID_PATTERN, "expected session-{timestamp}-{128-bit hex}");
export type SessionId = z.infer<typeof SessionId>;

/**
 * `owner-{hex}` (the first center) or `owner-{hex}.{center}`: who a chat belongs to, and so which
 * center (lib/center/ids.ts `centerOfOwner`). Minted with 128 bits (lib/ids.ts); 64 to 256 bits are
 * accepted so fixtures may be shorter. The one rule for the cookie, the RPC boundary and the queue.
 */
export const OWNER_ID_PATTERN = /^owner-[0-9a-f]{16,64}(?:\.[a-z][a-z0-9-]{1,29})?$/;
export const OwnerId = z.string().regex(OWNER_ID_PATTERN, "expected owner-{hex} or owner-{hex}.{center}");

export const MessageRole = z.enum(["user", "assistant", "system"]);
export type MessageRole = z.infer<typeof MessageRole>;

/** A student's 👍/👎 on one assistant reply; null takes it back. */
export const ReplyVote = z.enum(["up", "down"]);
export type ReplyVote = z.infer<typeof ReplyVote>;

/**
 * Who wrote an assistant-side message when it was not the built-in assistant: a staff member
 * answering a hand-off, by the name they chose (lib/staff/author.ts). Absent: the assistant,
 * under the center's persona name, as every message stored before this field existed.
 */
export const MessageAuthor = z.object({ kind: z.enum(["staff"]), name: z.string().min(1).max(60) });
export type MessageAuthor = z.infer<typeof MessageAuthor>;

export const ChatMessage = z.object({
  /** Monotonic per session; the paging cursor. */
  seq: z.number().int().positive(),
  /** Client-chosen id, so a retried POST never stores the message twice. */
  id: z.string(),
  role: MessageRole,
  content: z.string(),
  createdAt: z.number().int(),
  /** Suggested next steps the UI renders as buttons. */
  quickReplies: z.array(z.string().max(80)).max(6).optional(),
  /** The student's stored 👍/👎 on an assistant reply (durable-objects/chat/feedback.ts); absent: none. */
  vote: ReplyVote.optional(),
  /** A person's reply (staff), shown under their name instead of the assistant's; absent: the assistant. */
  author: MessageAuthor.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const AvailableTutors = z.array(TutorMatch).max(20);

/** The parts of a session the assistant and the UI keep beside the messages. */
export const SessionFields = z.object({
  pendingMatch: TutorMatch.nullable(),
  bookingInfo: BookingInfo.nullable(),
  searchCriteria: SearchCriteria.nullable(),
  availableTutors: AvailableTutors,
});
export type SessionFields = z.infer<typeof SessionFields>;

/** Written in lib/session-fields.ts, where the chat page reads it without loading zod; the same object, typed. */
export const EMPTY_SESSION_FIELDS: SessionFields = NO_FIELDS;

export const ChatState = SessionFields.extend({
  sessionId: SessionId,
  /** The newest page of messages, oldest first. */
  messages: z.array(ChatMessage),
  /** True when older messages exist before `messages[0]`. */
  hasOlder: z.boolean(),
  /** Seq of the newest message (0 when none): the `after` cursor for polling. */
  lastSeq: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ChatState = z.infer<typeof ChatState>;

/** PATCH body: any subset of the session fields; unknown keys are refused. */
export const SessionPatch = SessionFields.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "patch must set at least one field");
export type SessionPatch = z.infer<typeof SessionPatch>;

/** POST body of a user's message. */
export const NewUserMessage = z
  .object({
    id: z.string().uuid().optional(),
    content: z
      .string()
      .trim()
      .min(1, "message is empty")
      .max(MAX_MESSAGE_CHARS, `message is longer than ${MAX_MESSAGE_CHARS} characters`),
  })
  .strict();
export type NewUserMessage = z.infer<typeof NewUserMessage>;

/** PUT body of `/api/chat/session/{id}/messages/{messageId}/feedback`. */
export const ReplyFeedbackBody = z.object({ vote: ReplyVote.nullable() }).strict();
export type ReplyFeedbackBody = z.infer<typeof ReplyFeedbackBody>;
/** A message id as it travels in a path (client-chosen ids are at most 80 characters, plus a reply suffix). */
export const MessageIdParam = z.string().min(1).max(120);
/** What a vote answers: the reply's vote now, and its kind (see durable-objects/chat/feedback.ts). */
export const ReplyFeedback = z.object({ messageId: z.string(), vote: ReplyVote.nullable(), kind: z.string() });
export type ReplyFeedback = z.infer<typeof ReplyFeedback>;

/** A message the assistant (or a bot) appends. */
export const NewAssistantMessage = z.object({
  id: z.string().min(1).max(80),
  content: z.string().min(1).max(MAX_MESSAGE_CHARS),
  quickReplies: z.array(z.string().max(80)).max(6).optional(),
  author: MessageAuthor.optional(),
});
export type NewAssistantMessage = z.infer<typeof NewAssistantMessage>;

export const MessagePageQuery = z.object({
  after: z.coerce.number().int().nonnegative().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type MessagePageQuery = z.infer<typeof MessagePageQuery>;

export const MessagePage = z.object({
  messages: z.array(ChatMessage),
  /** Cursor to pass as `after` next time. */
  lastSeq: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;

/** Result of posting a user message: the stored message and the assistant's turn. */
export const SendResult = z.object({
  message: ChatMessage,
  replies: z.array(ChatMessage),
  state: ChatState,
});
export type SendResult = z.infer<typeof SendResult>;

/** Stateless fallback assistant route: the browser sends its React state. */
export const FallbackTurnRequest = z
  .object({
    content: NewUserMessage.shape.content,
    fields: SessionFields,
    /** The last few messages, for context only. */
    recent: z.array(z.object({ role: MessageRole, content: z.string().max(MAX_MESSAGE_CHARS) })).max(20),
  })
  .strict();
export type FallbackTurnRequest = z.infer<typeof FallbackTurnRequest>;

export const FallbackTurnResponse = z.object({
  replies: z.array(NewAssistantMessage),
  fields: SessionFields,
});
export type FallbackTurnResponse = z.infer<typeof FallbackTurnResponse>;

export const DirectoryQuery = z.object({ q: z.string().trim().max(80).default("") });

/** `bk-` and 32 hex digits (services/effects.ts); older bookings carry `bk-` and a UUID. */
export const BookingId = z.string().regex(/^bk-[0-9a-f-]{32,36}$/);

export const BookingSummary = z.object({
  id: z.string(),
  /** the short reference shown as the booking number ("K7MQ-2XPD"); null for a row written by hand, absent from a sidecar deployed before it */
  reference: z.string().nullable().optional(),
  sessionId: z.string(),
  tutorId: z.string(),
  tutorName: z.string(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  mode: z.enum(["online", "in_person"]),
  status: z.enum(["confirmed", "cancelled", "ended"]),
  createdAt: z.number().int(),
});
export type BookingSummary = z.infer<typeof BookingSummary>;

export const Tier = z.enum(["free", "pro", "premium"]);
export type Tier = z.infer<typeof Tier>;

/** How long a soft-deleted chat can be restored, by the owner's tier. */
export const GRACE_DAYS: Record<Tier, number> = { free: 30, pro: 90, premium: 365 };
export const DAY_MS = 24 * 60 * 60 * 1000;

export const ChatSummary = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  deletedAt: z.number().int().nullable(),
  /** When a chat in the trash is deleted for good (epoch ms); null for live chats. */
  purgeAt: z.number().int().nullable(),
});
export type ChatSummary = z.infer<typeof ChatSummary>;

export const ChatListQuery = z.object({ deleted: z.enum(["0", "1"]).default("0") });

/** A one-use ticket that opens a chat's live socket (lib/socket-protocol.ts). */
export const SocketTicketResponse = z.object({ ticket: z.string().min(1).max(512), expiresAt: z.number().int() });
export type SocketTicketResponse = z.infer<typeof SocketTicketResponse>;
