import { z } from "../zod";
import { MAX_MESSAGE_CHARS, OwnerId, SessionId } from "../schemas";

/**
 * Wire shapes of the MessageQueue Durable Object: the RPC arguments the
 * sidecar (and, through it, the `/api/queue/*` routes and outside bots) send,
 * and the values the queue answers with. One module, inferred types.
 */

export const DEFAULT_PRIORITY = 5;
/** Visibility timeout of a lease when the worker does not ask for another. */
export const DEFAULT_LEASE_MS = 60_000;
export const MAX_LEASE_MS = 15 * 60_000;
/** Deliveries that may time out before a message is dead-lettered. */
export const MAX_ATTEMPTS = 5;
export const DEFAULT_QUEUE_PAGE = 100;
export const MAX_QUEUE_PAGE = 1_000;
/** The longest reply a bot may store (a few assistant messages' worth). */
export const MAX_REPLY_CHARS = 4 * MAX_MESSAGE_CHARS;

const MessageId = z.string().min(1).max(128);
const WorkerId = z.string().min(1).max(128);
const Limit = z.coerce.number().int().min(1).max(MAX_QUEUE_PAGE).default(DEFAULT_QUEUE_PAGE);
export const Priority = z.coerce.number().int().min(1).max(10);

/** Rows of SQLite read and written to serve one call: the units Cloudflare bills. */
export const KvStats = z.object({ reads: z.number().int().nonnegative(), writes: z.number().int().nonnegative() });
export type KvStats = z.infer<typeof KvStats>;

// ---- arguments ----------------------------------------------------------------

/** A student's message (already stored in its ChatSession) entering the queue. */
export const EnqueueInput = z
  .object({
    messageId: MessageId,
    sessionId: SessionId,
    /** The chat's owner, so whoever completes the message can append the reply to that ChatSession. */
    ownerId: OwnerId.optional(),
    content: z.string().min(1).max(MAX_MESSAGE_CHARS),
    priority: Priority.default(DEFAULT_PRIORITY),
    createdAt: z.number().int().nonnegative(),
  })
  .strict();
export type EnqueueInput = z.input<typeof EnqueueInput>;

export const ClaimInput = z
  .object({
    messageId: MessageId,
    workerId: WorkerId,
    leaseMs: z.number().int().min(1).max(MAX_LEASE_MS).default(DEFAULT_LEASE_MS),
  })
  .strict();
export type ClaimInput = z.input<typeof ClaimInput>;

export const ClaimNextInput = ClaimInput.omit({ messageId: true });
export type ClaimNextInput = z.input<typeof ClaimNextInput>;

export const CompleteInput = z
  .object({
    messageId: MessageId,
    leaseId: z.string().min(1).max(128),
    reply: z.string().min(1).max(MAX_REPLY_CHARS),
  })
  .strict();
export type CompleteInput = z.input<typeof CompleteInput>;

export const SetPriorityInput = z.object({ messageId: MessageId, priority: Priority }).strict();
export type SetPriorityInput = z.input<typeof SetPriorityInput>;

/** `?after=CURSOR&limit=N` of the staff feed; the cursor is a `seq`, never a timestamp. */
export const FeedQuery = z
  .object({ after: z.coerce.number().int().nonnegative().default(0), limit: Limit })
  .strict();
export type FeedQuery = z.input<typeof FeedQuery>;

export const ConversationQuery = z.object({ sessionId: SessionId, limit: Limit }).strict();
export type ConversationQuery = z.input<typeof ConversationQuery>;

export const QueueLimit = Limit;
export const QueueMessageId = MessageId;

// ---- values -------------------------------------------------------------------

export const QueueStatus = z.enum(["pending", "leased", "completed", "dead"]);
export type QueueStatus = z.infer<typeof QueueStatus>;

/** A message waiting for (or held by) a bot worker. */
export const QueuedMessage = z.object({
  /** Position in the feed; also the final tie-break of the pending order. */
  seq: z.number().int().positive(),
  messageId: z.string(),
  sessionId: z.string(),
  ownerId: z.string().nullable(),
  content: z.string(),
  priority: Priority,
  /** Deliveries that timed out so far. */
  attempts: z.number().int().nonnegative(),
  createdAt: z.number().int(),
});
export type QueuedMessage = z.infer<typeof QueuedMessage>;

export const Lease = z.object({
  leaseId: z.string(),
  messageId: z.string(),
  sessionId: z.string(),
  ownerId: z.string().nullable(),
  content: z.string(),
  priority: Priority,
  attempts: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  leaseExpiresAt: z.number().int(),
});
export type Lease = z.infer<typeof Lease>;

export const EnqueueResult = z.object({
  messageId: z.string(),
  seq: z.number().int().positive(),
  status: QueueStatus,
  /** False when the message id was queued before: nothing was written. */
  created: z.boolean(),
});
export type EnqueueResult = z.infer<typeof EnqueueResult>;

export const CompleteResult = z.object({
  completed: z.literal(true),
  /** True when this lease had already completed the message: nothing changed, `reply` is the stored one. */
  duplicate: z.boolean(),
  messageId: z.string(),
  sessionId: z.string(),
  ownerId: z.string().nullable(),
  reply: z.string(),
  /** Feed position of the reply. */
  replySeq: z.number().int().positive(),
  /** When the message was queued (for a hand-off: when the student left it). */
  queuedAt: z.number().int(),
});
export type CompleteResult = z.infer<typeof CompleteResult>;

/** One event of the staff feed: a student's message or a bot's reply to it. */
export const FeedEntry = z.object({
  seq: z.number().int().positive(),
  kind: z.enum(["message", "reply"]),
  /** The student message; a reply carries the id of the message it answers. */
  messageId: z.string(),
  sessionId: z.string(),
  content: z.string(),
  createdAt: z.number().int(),
});
export type FeedEntry = z.infer<typeof FeedEntry>;

export const FeedPage = z.object({
  entries: z.array(FeedEntry),
  /** Cursor to pass as `after` next time. */
  lastSeq: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  /** "memory" when served from the recent window (0 rows), "storage" for an older cursor. */
  source: z.enum(["memory", "storage"]),
});
export type FeedPage = z.infer<typeof FeedPage>;

export const DeadLetter = z.object({
  messageId: z.string(),
  sessionId: z.string(),
  ownerId: z.string().nullable(),
  content: z.string(),
  attempts: z.number().int().nonnegative(),
  seq: z.number().int().positive(),
  diedAt: z.number().int(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const ExpiryResult = z.object({ requeued: z.array(z.string()), dead: z.array(z.string()) });
export type ExpiryResult = z.infer<typeof ExpiryResult>;

export const QueueStats = z.object({
  pending: z.number().int().nonnegative(),
  leased: z.number().int().nonnegative(),
  dead: z.number().int().nonnegative(),
  /** Dead messages whose student has not been told yet (see drainDeadLetterNotices). */
  deadUnnotified: z.number().int().nonnegative(),
  feedWindow: z.object({
    entries: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /** Smallest `after` the window answers from memory. */
    coversAfter: z.number().int().nonnegative(),
    lastSeq: z.number().int().nonnegative(),
  }),
  /** Estimated bytes held in memory by the pending queue and the feed window. */
  memoryBytes: z.number().int().nonnegative(),
  nextAlarmAt: z.number().int().nullable(),
});
export type QueueStats = z.infer<typeof QueueStats>;
