import { centerOfOwner } from "../../lib/center/ids";
import { sha256Hex } from "../../lib/ids";

/**
 * D1 queries for student accounts (services/accounts.ts, services/owner-merge.ts; migration 0024).
 * Sign-in links are looked up by the SHA-256 of their token; sessions by their random id.
 */

export interface AccountRow {
  id: string;
  email: string;
  ownerId: string;
  createdAt: number;
}

/** A sign-in link as its page and its click find it: the center whose account it signs in to. */
export interface SignInLinkRow {
  center: string;
  address: string;
  claims: string;
}

export interface AccountSessionRow {
  id: string;
  accountId: string;
  device: string;
  via: "email" | "sso";
  createdAt: number;
  lastSeenAt: number;
  signedOutAt: number | null;
}

/** The session's account when it is still signed in: one read by key joined to the account by key. */
export async function liveSession(db: D1Database, { sessionId }: { sessionId: string }): Promise<(AccountRow & { lastSeenAt: number }) | null> {
  return db
    .prepare(
      `SELECT a.id, a.email, a.owner_id AS ownerId, a.created_at AS createdAt, s.last_seen_at AS lastSeenAt
       FROM account_sessions s JOIN accounts a ON a.id = s.account_id
       WHERE s.id = ?1 AND s.signed_out_at IS NULL`,
    )
    .bind(sessionId)
    .first<AccountRow & { lastSeenAt: number }>();
}

/** Moves a session's "last seen" (the account page's device list): one row. */
export async function touchSession(db: D1Database, { sessionId, now }: { sessionId: string; now: number }): Promise<void> {
  await db.prepare("UPDATE account_sessions SET last_seen_at = ?2 WHERE id = ?1").bind(sessionId, now).run();
}

/** The account's devices, signed in first, newest first (index account_sessions_by_account). */
export async function accountSessions(db: D1Database, { accountId }: { accountId: string }): Promise<AccountSessionRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, account_id AS accountId, device, via, created_at AS createdAt, last_seen_at AS lastSeenAt, signed_out_at AS signedOutAt
       FROM account_sessions WHERE account_id = ?1 AND signed_out_at IS NULL ORDER BY last_seen_at DESC LIMIT 50`,
    )
    .bind(accountId)
    .all<AccountSessionRow>();
  return results;
}

/** Signs out one session of the account (a device on the list, or this one): answers whether one was live. */
export async function endSession(db: D1Database, { accountId, sessionId, now }: { accountId: string; sessionId: string; now: number }): Promise<boolean> {
  const result = await db
    .prepare("UPDATE account_sessions SET signed_out_at = ?3 WHERE id = ?2 AND account_id = ?1 AND signed_out_at IS NULL")
    .bind(accountId, sessionId, now)
    .run();
  return result.meta.changes > 0;
}

/** Signs out every device of the account: one row per live session. */
export async function endAllSessions(db: D1Database, { accountId, now }: { accountId: string; now: number }): Promise<number> {
  const result = await db.prepare("UPDATE account_sessions SET signed_out_at = ?2 WHERE account_id = ?1 AND signed_out_at IS NULL").bind(accountId, now).run();
  return result.meta.changes;
}

/** A new sign-in link (the token's hash, the owners whose bookings the email names): one row. */
export async function insertSignInLink(
  db: D1Database,
  link: { center: string; token: string; address: string; claims: string[]; now: number; expiresAt: number },
): Promise<void> {
  await db
    .prepare("INSERT INTO sign_in_links (token_hash, center_id, address, claims, created_at, expires_at) VALUES (?1, ?6, ?2, ?3, ?4, ?5)")
    .bind(await sha256Hex(link.token), link.address, JSON.stringify(link.claims), link.now, link.expiresAt, link.center)
    .run();
}

/**
 * Spends a sign-in link: the one UPDATE that marks it used answers its address and claims only the
 * first time, and only before it expires. A second click, or an expired or unknown token, gets null.
 */
export async function spendSignInLink(db: D1Database, { center, token, now }: { center: string; token: string; now: number }): Promise<SignInLinkRow | null> {
  return db
    .prepare("UPDATE sign_in_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 AND center_id = ?3 RETURNING center_id AS center, address, claims")
    .bind(await sha256Hex(token), now, center)
    .first<SignInLinkRow>();
}

/**
 * The center's confirmed bookings with the address from `today` on (index bookings_by_email; a
 * booking is its tutor's center's): whose held emails a confirmation releases.
 */
export async function upcomingBookingsWith(db: D1Database, { center, address, today }: { center: string; address: string; today: string }): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT b.id FROM bookings b JOIN tutors t ON t.id = b.tutor_id
       WHERE b.student_email = ?1 AND b.status = 'confirmed' AND b.date >= ?2 AND t.center_id = ?3 LIMIT 50`,
    )
    .bind(address, today, center)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Sign-in links expired before `before` (index sign_in_links_by_expiry): the weekly sweep. */
export async function purgeSignInLinks(db: D1Database, { before }: { before: number }): Promise<number> {
  return (await db.prepare("DELETE FROM sign_in_links WHERE expires_at < ?1").bind(before).run()).meta.changes;
}

/** Whether the address was sent a link since `since` (the "confirm this is you" email goes at most once a day). */
export async function recentLink(db: D1Database, { center, address, since }: { center: string; address: string; since: number }): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS found FROM sign_in_links WHERE address = ?1 AND created_at > ?2 AND center_id = ?3 LIMIT 1").bind(address, since, center).first()) !== null;
}

/** Whether a link's token is known, unused and unexpired (the page before the click: no write). */
export async function peekSignInLink(db: D1Database, { token, now }: { token: string; now: number }): Promise<SignInLinkRow | null> {
  return db
    .prepare("SELECT center_id AS center, address, claims FROM sign_in_links WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2")
    .bind(await sha256Hex(token), now)
    .first<SignInLinkRow>();
}

/** Anonymous owners who booked with the address and have not been brought into an account yet. */
export async function claimsOf(db: D1Database, { center, address }: { center: string; address: string }): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT c.owner_id AS ownerId FROM address_claims c
       WHERE c.address = ?1 AND c.center_id = ?2 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.owner_id = c.owner_id) ORDER BY c.created_at LIMIT 20`,
    )
    .bind(address, center)
    .all<{ ownerId: string }>();
  return results.map((row) => row.ownerId);
}

/**
 * An anonymous owner booked with an address nobody has confirmed: remembered, so the next sign-in
 * email to that address lists the booking. Nothing is written for a confirmed address, an account's
 * owner, or a repeat. One statement; one row the first time.
 */
export async function recordClaim(db: D1Database, { address, ownerId, now }: { address: string; ownerId: string; now: number }): Promise<void> {
  await db
    .prepare(
      `INSERT INTO address_claims (center_id, address, owner_id, created_at)
       SELECT ?4, ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM mail_recipients WHERE address = ?1 AND verified = 1)
         AND NOT EXISTS (SELECT 1 FROM accounts WHERE owner_id = ?2)
       ON CONFLICT DO NOTHING`,
    )
    .bind(address, ownerId, now, centerOfOwner(ownerId))
    .run();
}

/**
 * Signs a device in to the address's account, in one batch (one transaction): the account (made
 * around `newOwnerId` if the address has none), the address confirmed, the session, and a pending
 * merge for each owner whose data moves into it (`owner_merges`, finished by services/owner-merge.ts).
 * Answers the account as it stands.
 */
export async function openAccountSession(
  db: D1Database,
  input: { center: string; address: string; accountId: string; newOwnerId: string; sessionId: string; device: string; via: "email" | "sso"; mergeFrom: string[]; now: number },
): Promise<AccountRow & { newlyVerified: boolean }> {
  const { address, center, now } = input;
  const statements = [
    db
      .prepare("INSERT INTO accounts (id, center_id, email, owner_id, created_at) VALUES (?2, ?5, ?1, ?3, ?4) ON CONFLICT (center_id, email) DO NOTHING")
      .bind(address, input.accountId, input.newOwnerId, now, center),
    db.prepare("INSERT INTO mail_recipients (address, verified) VALUES (?1, 1) ON CONFLICT (address) DO UPDATE SET verified = 1 WHERE verified = 0").bind(address),
    db
      .prepare(
        `INSERT INTO account_sessions (id, account_id, device, via, created_at, last_seen_at)
         VALUES (?2, (SELECT id FROM accounts WHERE center_id = ?6 AND email = ?1), ?3, ?4, ?5, ?5)`,
      )
      .bind(address, input.sessionId, input.device, input.via, now, center),
    ...input.mergeFrom.map((from) =>
      db
        .prepare(
          `INSERT INTO owner_merges (from_owner, to_owner, started_at)
           SELECT ?2, owner_id, ?3 FROM accounts WHERE center_id = ?4 AND email = ?1 AND owner_id <> ?2
             AND NOT EXISTS (SELECT 1 FROM accounts WHERE owner_id = ?2)
           ON CONFLICT (from_owner) DO NOTHING`,
        )
        .bind(address, from, now, center),
    ),
    db.prepare("SELECT id, email, owner_id AS ownerId, created_at AS createdAt FROM accounts WHERE center_id = ?2 AND email = ?1").bind(address, center),
  ];
  const results = await db.batch<AccountRow>(statements);
  return { ...results.at(-1)!.results[0]!, newlyVerified: (results[1]?.meta.changes ?? 0) > 0 };
}

/** The merges still to finish into an owner (or every one, for the sweep): oldest first. */
export async function pendingMerges(db: D1Database, { toOwner }: { toOwner?: string }): Promise<{ fromOwner: string; toOwner: string }[]> {
  const query = toOwner
    ? db.prepare("SELECT from_owner AS fromOwner, to_owner AS toOwner FROM owner_merges WHERE to_owner = ?1 ORDER BY started_at LIMIT 20").bind(toOwner)
    : db.prepare("SELECT from_owner AS fromOwner, to_owner AS toOwner FROM owner_merges ORDER BY started_at LIMIT 100");
  return (await query.all<{ fromOwner: string; toOwner: string }>()).results;
}

/** The owner's bookings whose session is still to end (their SessionManager holds the owner). */
export async function ownerConfirmedBookingIds(db: D1Database, { ownerId }: { ownerId: string }): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM bookings WHERE owner_id = ?1 AND status = 'confirmed'").bind(ownerId).all<{ id: string }>();
  return results.map((row) => row.id);
}

/**
 * The D1 side of a merge, in one batch: the owner's chats, bookings, notes to staff and waitlist
 * slots become the account owner's; the profile's preferences are taken where the account has none;
 * the old profile and its address claims go; the merge is done. One row written per row moved.
 */
export async function moveOwnerRows(db: D1Database, { from, to }: { from: string; to: string }): Promise<void> {
  await db.batch([
    db.prepare("UPDATE chats SET owner_id = ?2 WHERE owner_id = ?1").bind(from, to),
    db.prepare("UPDATE bookings SET owner_id = ?2 WHERE owner_id = ?1").bind(from, to),
    db.prepare("UPDATE staff_messages SET owner_id = ?2 WHERE owner_id = ?1").bind(from, to),
    db.prepare("INSERT INTO waitlist_joins (owner_id, tutor_id, date, start) SELECT ?2, tutor_id, date, start FROM waitlist_joins WHERE owner_id = ?1 ON CONFLICT DO NOTHING").bind(from, to),
    db.prepare("DELETE FROM waitlist_joins WHERE owner_id = ?1").bind(from),
    db
      .prepare(
        `INSERT INTO profiles (owner_id, tier, reminders_off, change_emails_off, reminder_hours_off)
         SELECT ?2, tier, reminders_off, change_emails_off, reminder_hours_off FROM profiles WHERE owner_id = ?1
         ON CONFLICT (owner_id) DO NOTHING`,
      )
      .bind(from, to),
    db.prepare("DELETE FROM profiles WHERE owner_id = ?1").bind(from),
    db.prepare("DELETE FROM address_claims WHERE owner_id = ?1").bind(from),
    db.prepare("DELETE FROM owner_merges WHERE from_owner = ?1").bind(from),
  ]);
}

/** Whether the owner id is an account's (its data is never merged into another). One read by key. */
export async function isAccountOwner(db: D1Database, { ownerId }: { ownerId: string }): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS found FROM accounts WHERE owner_id = ?1").bind(ownerId).first()) !== null;
}

/** The account of an address (the sign-in email says whether it will sign in or make one). */
export async function accountByEmail(db: D1Database, { center, address }: { center: string; address: string }): Promise<AccountRow | null> {
  return db
    .prepare("SELECT id, email, owner_id AS ownerId, created_at AS createdAt FROM accounts WHERE center_id = ?2 AND email = ?1")
    .bind(address, center)
    .first<AccountRow>();
}

/**
 * "Forget me": the account whose owner id is being forgotten goes, with every session (each device
 * is signed out at its next check) and its sign-in links, and the owner's address claims. One batch.
 */
export async function deleteOwnerAccount(db: D1Database, { ownerId }: { ownerId: string }): Promise<boolean> {
  const account = "(SELECT id FROM accounts WHERE owner_id = ?1)";
  const results = await db.batch([
    db.prepare(`DELETE FROM account_sessions WHERE account_id = ${account}`).bind(ownerId),
    db.prepare("DELETE FROM sign_in_links WHERE address = (SELECT email FROM accounts WHERE owner_id = ?1) AND center_id = ?2").bind(ownerId, centerOfOwner(ownerId)),
    db.prepare("DELETE FROM address_claims WHERE owner_id = ?1").bind(ownerId),
    db.prepare("DELETE FROM accounts WHERE owner_id = ?1").bind(ownerId),
  ]);
  return (results.at(-1)?.meta.changes ?? 0) > 0;
}

/** The upcoming bookings the claiming owners made with the address: what a sign-in email lists. */
export async function claimedBookings(
  db: D1Database,
  { address, owners, today }: { address: string; owners: string[]; today: string },
): Promise<{ tutorName: string; subject: string; date: string; start: string }[]> {
  if (owners.length === 0) return [];
  const placeholders = owners.map((_, index) => `?${index + 3}`).join(", ");
  const { results } = await db
    .prepare(
      `SELECT t.name AS tutorName, b.subject, b.date, b.start FROM bookings b JOIN tutors t ON t.id = b.tutor_id
       WHERE b.student_email = ?1 AND b.status = 'confirmed' AND b.date >= ?2 AND b.owner_id IN (${placeholders})
       ORDER BY b.date, b.start LIMIT 10`,
    )
    .bind(address, today, ...owners)
    .all<{ tutorName: string; subject: string; date: string; start: string }>();
  return results;
}
