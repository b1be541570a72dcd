import type { FeedEntry, Lease, QueuedMessage } from "../../lib/queue/schemas";
import { entryBytes } from "./feed-window";
import type { MessageRow } from "./store";

/** A pending or leased message as the DO keeps it in memory (a cache of its row). */
export interface OpenMessage {
  seq: number;
  messageId: string;
  sessionId: string;
  ownerId: string | null;
  content: string;
  priority: number;
  attempts: number;
  createdAt: number;
  status: "pending" | "leased";
  lease: { leaseId: string; workerId: string; expiresAt: number } | null;
}

/** Pending order: higher priority first, then older first; seq breaks ties so the order is total and restart-stable. */
export function servedBefore(a: OpenMessage, b: OpenMessage): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.seq < b.seq;
}

/** Lease order: the earliest expiry first (the alarm is set to it). */
export function expiresBefore(a: OpenMessage, b: OpenMessage): boolean {
  const ea = a.lease?.expiresAt ?? Number.POSITIVE_INFINITY;
  const eb = b.lease?.expiresAt ?? Number.POSITIVE_INFINITY;
  return ea !== eb ? ea < eb : a.seq < b.seq;
}

export const keyOf = (message: OpenMessage): string => message.messageId;

export function fromRow(row: MessageRow): OpenMessage {
  const leased = row.status === "leased" && row.lease_id !== null && row.lease_expires_at !== null;
  return {
    seq: row.seq,
    messageId: row.message_id,
    sessionId: row.session_id,
    ownerId: row.owner_id,
    content: row.content,
    priority: row.priority,
    attempts: row.attempts,
    createdAt: row.created_at,
    status: leased ? "leased" : "pending",
    lease: leased ? { leaseId: row.lease_id!, workerId: row.worker_id ?? "", expiresAt: row.lease_expires_at! } : null,
  };
}

/** The row a newly queued message is stored as. */
export function toNewRow(message: OpenMessage, now: number): Omit<MessageRow, "lease_id" | "worker_id" | "lease_expires_at"> {
  return {
    seq: message.seq,
    message_id: message.messageId,
    session_id: message.sessionId,
    owner_id: message.ownerId,
    content: message.content,
    created_at: message.createdAt,
    status: "pending",
    priority: message.priority,
    attempts: message.attempts,
    updated_at: now,
  };
}

/** The feed entry a newly queued message appears as. */
export function toFeedEntry(message: OpenMessage): FeedEntry {
  return { seq: message.seq, kind: "message", messageId: message.messageId, sessionId: message.sessionId, content: message.content, createdAt: message.createdAt };
}

export function toQueued(message: OpenMessage): QueuedMessage {
  return {
    seq: message.seq,
    messageId: message.messageId,
    sessionId: message.sessionId,
    ownerId: message.ownerId,
    content: message.content,
    priority: message.priority,
    attempts: message.attempts,
    createdAt: message.createdAt,
  };
}

export function toLease(message: OpenMessage): Lease {
  const lease = message.lease!;
  return {
    leaseId: lease.leaseId,
    messageId: message.messageId,
    sessionId: message.sessionId,
    ownerId: message.ownerId,
    content: message.content,
    priority: message.priority,
    attempts: message.attempts,
    createdAt: message.createdAt,
    leaseExpiresAt: lease.expiresAt,
  };
}

export const openBytes = (message: OpenMessage): number => entryBytes(message) + 64;
