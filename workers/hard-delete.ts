import type { ChatSession } from "../durable-objects/chat-session";
import { deleteExpiredChats, recordCleanupFailures } from "./chats";

const BATCH = 100;

export interface HardDeleteSummary {
  deleted: number;
  cleaned: number;
  failed: number;
}

/**
 * The weekly hard delete (cron `0 0 * * 0`): D1 forgets the expired chats,
 * then each chat's Durable Object empties itself (deleteAlarm + deleteAll),
 * which is what stops its storage being billed. Objects are cleaned 100 at a
 * time with settled promises; one that never existed is simply empty. A
 * failure is recorded and retried next week, not lost.
 */
export async function runHardDelete(
  env: { DB: D1Database; CHAT_SESSION: DurableObjectNamespace<ChatSession> },
  now: number,
): Promise<HardDeleteSummary> {
  const expired = await deleteExpiredChats(env.DB, now);
  const failures: { id: string; attempts: number; error: string }[] = [];
  for (let start = 0; start < expired.length; start += BATCH) {
    const batch = expired.slice(start, start + BATCH);
    const settled = await Promise.allSettled(
      batch.map(({ id }) => env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(id)).destroy()),
    );
    settled.forEach((result, index) => {
      if (result.status === "rejected") {
        const { id, attempts } = batch[index]!;
        failures.push({ id, attempts, error: result.reason instanceof Error ? result.reason.message : String(result.reason) });
      }
    });
  }
  await recordCleanupFailures(env.DB, failures, now);
  const summary = { deleted: expired.length, cleaned: expired.length - failures.length, failed: failures.length };
  console.log(`[hard-delete] deleted=${summary.deleted} cleaned=${summary.cleaned} failed=${summary.failed}`);
  return summary;
}
