import { MAIL_DAILY_CAP, mailDay, recipientAddress, type MailWithheld } from "../../lib/mail/recipients";

/**
 * D1 queries for the addresses booking emails go to (`mail_recipients`, migration 0015; the rules in
 * lib/mail/recipients.ts). Each is one statement by primary key.
 */

/**
 * Counts one email to a student's address for today, unless the address was stopped or (not
 * confirmed by its owner) already had MAIL_DAILY_CAP today: one upsert, one row written when
 * counted, none when refused. Null when it may be sent; else why not (one more read, refusals only).
 */
export async function claimMailSlot(db: D1Database, { to, now }: { to: string; now: number }): Promise<MailWithheld | null> {
  const address = recipientAddress(to);
  const counted = await db
    .prepare(
      `INSERT INTO mail_recipients (address, day, sent_today) VALUES (?1, ?2, 1)
       ON CONFLICT (address) DO UPDATE SET sent_today = CASE WHEN day = ?2 THEN sent_today + 1 ELSE 1 END, day = ?2
         WHERE suppressed_at IS NULL AND (verified = 1 OR day <> ?2 OR sent_today < ?3)
       RETURNING sent_today`,
    )
    .bind(address, mailDay(now), MAIL_DAILY_CAP)
    .first<{ sent_today: number }>();
  if (counted) return null;
  return (await mailStopped(db, { to: address })) ? "suppressed" : "capped";
}

/** Whether the address's owner confirmed it (a sign-in link opened) and whether they stopped our emails: one read by key. */
export async function studentAddressState(db: D1Database, { to }: { to: string }): Promise<{ verified: boolean; stopped: boolean }> {
  const row = await db.prepare("SELECT verified, suppressed_at AS at FROM mail_recipients WHERE address = ?1").bind(recipientAddress(to)).first<{ verified: number; at: number | null }>();
  return { verified: row?.verified === 1, stopped: row?.at !== null && row?.at !== undefined };
}

/** Whether the address's owner stopped every email to it: one read by key. */
export async function mailStopped(db: D1Database, { to }: { to: string }): Promise<boolean> {
  const row = await db.prepare("SELECT suppressed_at AS at FROM mail_recipients WHERE address = ?1").bind(recipientAddress(to)).first<{ at: number | null }>();
  return row?.at !== null && row?.at !== undefined;
}

/** Stops every email to the address from now on; pressing it again keeps the first time. One row written. */
export async function stopMailTo(db: D1Database, { to, now }: { to: string; now: number }): Promise<void> {
  await db
    .prepare(
      `INSERT INTO mail_recipients (address, suppressed_at) VALUES (?1, ?2)
       ON CONFLICT (address) DO UPDATE SET suppressed_at = COALESCE(suppressed_at, ?2)`,
    )
    .bind(recipientAddress(to), now)
    .run();
}
