import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../lib/ids";
import { insertStaffChallenge, purgeExpiredStaffTokens, STAFF_TOKEN_RETENTION_MS } from "../../services/db/staff";
import { FakeAuthenticator } from "../fakes/authenticator";
import { unwrapOk } from "./helpers";
import { createInvite, enrolled, newEmail, sidecar } from "./staff-helpers";

const DAY = 24 * 60 * 60_000;

async function count(sql: string, ...values: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${sql}`).bind(...values).first<{ n: number }>();
  return row?.n ?? -1;
}

describe("the weekly purge of staff tokens", () => {
  it("removes sessions and invites (used, revoked or expired) that ended more than 30 days ago and expired challenges, and keeps everything live", async () => {
    const now = Date.now();
    const live = await enrolled(await FakeAuthenticator.create());
    const old = await enrolled(await FakeAuthenticator.create());
    // A session that expired 31 days ago, and one signed out yesterday (kept for another 29 days).
    await env.DB.prepare("UPDATE staff_sessions SET expires_at = ? WHERE token_hash = ?").bind(now - STAFF_TOKEN_RETENTION_MS - DAY, await sha256Hex(old.session.token)).run();
    const recent = await enrolled(await FakeAuthenticator.create());
    unwrapOk(await sidecar.staffSignOut(recent.session.token));
    const staleInvite = await createInvite(newEmail("stale"), "staff", { now: now - 40 * DAY, expiresAt: now - 39 * DAY });
    const openInvite = await createInvite(newEmail("open"), "staff");
    // Revoked by an admin 31 days ago (its link would still be in date): purged like a used one.
    const revokedInvite = await createInvite(newEmail("revoked"), "staff", { now: now - 31 * DAY, expiresAt: now + DAY });
    await env.DB.prepare("UPDATE staff_invites SET revoked_at = ? WHERE token_hash = ?").bind(now - 31 * DAY, await sha256Hex(revokedInvite)).run();
    await insertStaffChallenge(env.DB, { id: crypto.randomUUID(), challenge: "c-live", purpose: "sign_in", inviteTokenHash: null, now, expiresAt: now + 60_000 });
    // Stored after the last sign-in sweep, as when nobody signs in after it expires.
    await env.DB.prepare("INSERT INTO staff_challenges (id, challenge, purpose, expires_at) VALUES (?, 'c-old', 'sign_in', ?)").bind(crypto.randomUUID(), now - 1).run();

    const purged = await purgeExpiredStaffTokens(env.DB, { now });

    expect(purged).toMatchObject({ sessions: 1, invites: 2, challenges: 1 });
    expect(await count("staff_sessions WHERE token_hash = ?", await sha256Hex(old.session.token))).toBe(0);
    expect(await count("staff_sessions WHERE token_hash = ?", await sha256Hex(recent.session.token))).toBe(1);
    expect(await count("staff_invites WHERE token_hash = ?", await sha256Hex(staleInvite))).toBe(0);
    expect(await count("staff_invites WHERE token_hash = ?", await sha256Hex(revokedInvite))).toBe(0);
    expect(await count("staff_invites WHERE token_hash = ?", await sha256Hex(openInvite))).toBe(1);
    expect(await count("staff_challenges WHERE challenge = 'c-old'")).toBe(0);
    expect(await count("staff_challenges WHERE challenge = 'c-live'")).toBe(1);
    // The live session still signs its member in; members and passkeys are never purged.
    expect(unwrapOk(await sidecar.staffSession(live.session.token)).member.id).toBe(live.member.id);
    expect(await count("staff_members WHERE id = ?", old.member.id)).toBe(1);

    // A second run finds nothing more to do.
    expect(await purgeExpiredStaffTokens(env.DB, { now })).toEqual({ sessions: 0, invites: 0, challenges: 0 });
  });
});
