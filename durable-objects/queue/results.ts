import { fail, type Result } from "../../lib/errors";
import type { KvStats, QueueStatus } from "../../lib/queue/schemas";

/** What every MessageQueue method answers: its value plus the exact rows it read and wrote. */
export type Measured<T> = T & { kvStats: KvStats };

export function notFound(messageId: string): Result<never> {
  return fail("not_found:message", `No queued message ${messageId}.`);
}

/** The message exists but is not in the state the call needs (e.g. claiming a leased one). */
export function conflict(messageId: string, status: QueueStatus): Result<never> {
  return fail("conflict:lease", `Message ${messageId} is ${status}, not available for this.`);
}

/** The caller's lease was revoked (expired, then re-leased or dead) or never existed. */
export function staleLease(messageId: string): Result<never> {
  return fail("conflict:lease", `That lease on message ${messageId} is no longer valid; another worker may hold it.`);
}
