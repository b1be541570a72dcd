import { env, runDurableObjectAlarm } from "cloudflare:test";

/** A fresh, valid session id; each test uses its own Durable Object. */
export { createSessionId as newSessionId } from "../../lib/ids";

export const OWNER = "owner-aaaaaaaaaaaaaaaa";
export const STRANGER = "owner-bbbbbbbbbbbbbbbb";

export function chatSession(sessionId: string) {
  return env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId));
}

/**
 * Runs each chat's alarm, which reports its unreported analytics to Analytics in one batch (what a
 * deployed chat does a few minutes after its messages). Tests that read counts after a chat's
 * messages call this first; it answers how many chats had a report due.
 */
export async function flushChatAnalytics(...sessionIds: string[]): Promise<number> {
  let ran = 0;
  for (const id of sessionIds) if (await runDurableObjectAlarm(chatSession(id))) ran++;
  return ran;
}

export function unwrapOk<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Loads the seed tutor catalog into the test's D1 database. */
export async function seedCatalog() {
  const { catalogSeedStatements } = await import("../../lib/db/catalog-seed");
  const { SEED_TUTORS } = await import("../../lib/tutoring/catalog-data");
  const statements = catalogSeedStatements(SEED_TUTORS).map(({ sql, params }) => env.DB.prepare(sql).bind(...params));
  await env.DB.batch(statements);
}

export { newOwnerId } from "../../lib/ids";

export const TEST_NOW = Date.UTC(2026, 10, 22, 0, 0, 0);

export async function setTier(ownerId: string, tier: "free" | "pro" | "premium") {
  await env.DB.prepare("INSERT INTO profiles (owner_id, tier) VALUES (?, ?) ON CONFLICT (owner_id) DO UPDATE SET tier = excluded.tier")
    .bind(ownerId, tier)
    .run();
}

/** A chats row, live (`deletedDaysAgo` null) or soft-deleted that many days before TEST_NOW (replacing the row a chat wrote itself). */
export async function insertChat(id: string, ownerId: string, deletedDaysAgo: number | null) {
  const deletedAt = deletedDaysAgo === null ? null : TEST_NOW - deletedDaysAgo * 24 * 60 * 60 * 1000;
  await env.DB.prepare("INSERT OR REPLACE INTO chats (id, owner_id, title, created_at, updated_at, deleted, deleted_at) VALUES (?, ?, 't', ?, ?, ?, ?)")
    .bind(id, ownerId, TEST_NOW, TEST_NOW, deletedAt === null ? 0 : 1, deletedAt)
    .run();
}

/**
 * Addresses whose owners confirmed them (`mail_recipients.verified`): the daily cap on emails to an
 * unconfirmed address (lib/mail/recipients.ts) does not apply. For suites that email one address
 * many times while testing something else; tests/workers/mail-stop.test.ts tests the cap itself.
 */
export async function verifiedAddresses(...emails: string[]) {
  await env.DB.batch(
    emails.map((email) =>
      env.DB.prepare("INSERT INTO mail_recipients (address, verified) VALUES (?1, 1) ON CONFLICT (address) DO UPDATE SET verified = 1").bind(email.toLowerCase()),
    ),
  );
}
