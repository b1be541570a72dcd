import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { FIRST_CENTER } from "../../lib/center/ids";
import { MAX_ATTEMPTS, MAX_LEASE_MS } from "../../lib/queue/schemas";
import type { Result } from "../../lib/errors";
import { newBookingReference, newOwnerId, randomHex, sha256Hex } from "../../lib/ids";
import { analyticsObject, messageQueue } from "../../services/objects";
import SidecarEntrypoint from "../../workers/sidecar";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newSessionId, unwrapOk } from "./helpers";
import { createInvite, enrolled, newEmail, sidecar } from "./staff-helpers";

/**
 * Staff across centers: for every staff method of the sidecar, an admin of one center gets nothing
 * of another (its bookings, tutors, members, invites, settings, campus sign-in, inbox messages,
 * analytics): a list shows none of it, an id of it answers exactly like an unknown id, a change
 * changes nothing of it. Both ways: main's admin against "math", math's admin against main.
 * A new staff method belongs in CASES (the completeness check fails until it is).
 */

/** One center's things, each marked so an answer that carries any of them is caught. */
type Side = {
  center: string;
  name: string;
  admin: string;
  adminId: string;
  memberId: string;
  memberEmail: string;
  credentialId: string;
  inviteId: string;
  tutorId: string;
  tutorName: string;
  bookingId: string;
  pastBookingId: string;
  reference: string;
  messageId: string;
  claimedId: string;
  leaseId: string;
  deadId: string;
  note: string;
  aliasKey: string;
  issuer: string;
  handoffs: number;
};

const CLOSED = "2031-01-02";
const BOOKED = "2031-03-05";
/** The hour the analytics fixtures count in, and the range the console asks for. */
const COUNTED_AT = Date.UTC(2026, 10, 4, 18);
const RANGE = { from: "2026-11-03", to: "2026-11-05", granularity: "day" } as const;
const TUTOR_INPUT = { name: "Guard Tutor", bio: "", mode: "online", subjects: ["Algebra"], hours: [{ day: "monday", start: "09:00", end: "12:00" }] } as const;

/** A second center as `npm run center:create` makes it: the row, and settings copied from the first center's defaults. */
async function makeCenter(id: string, name: string) {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO centers (id, name, host, created_at) VALUES (?1, ?2, ?1 || '.localhost', 1) ON CONFLICT DO NOTHING").bind(id, name),
    env.DB.prepare(
      `INSERT INTO center_settings (center_id, name, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, updated_at)
       SELECT ?1, ?2, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, 1
       FROM center_settings WHERE center_id = ?3 AND NOT EXISTS (SELECT 1 FROM center_settings WHERE center_id = ?1)`,
    ).bind(id, name, FIRST_CENTER),
  ]);
}

async function insertBooking(center: string, tutorId: string, date: string, reference: string | null) {
  const id = `bk-${randomHex(16)}`;
  await env.DB.prepare(
    `INSERT INTO bookings (id, reference, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, '10:00', '11:00', 'Sam Student', ?, 'online', 'Fractions', 'confirmed', 1, 1)`,
  )
    .bind(id, reference, newSessionId(), newOwnerId(center), tutorId, date, newEmail("student").toLowerCase())
    .run();
  return id;
}

async function side(center: string, handoffs: number): Promise<Side> {
  const hex = randomHex(4);
  const name = `${center === FIRST_CENTER ? "Main Center" : "Math Lab"} ${hex}`;
  if (center !== FIRST_CENTER) await makeCenter(center, name);
  const issuer = `https://idp-${center}-${hex}.test`;
  await env.DB.prepare("UPDATE center_settings SET name = ?2, oidc_issuer = ?3, oidc_client_id = ?4 WHERE center_id = ?1").bind(center, name, issuer, `${center}-client`).run();
  const tutorId = `t-${center}${hex}`;
  const tutorName = `${center} Guard Tutor ${hex}`;
  const aliasKey = `${center}g ${hex}`;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO tutors (id, center_id, name, bio, mode) VALUES (?, ?, ?, '', 'online')").bind(tutorId, center, tutorName),
    env.DB.prepare("INSERT INTO tutor_subjects (tutor_id, subject, subject_key) VALUES (?, 'Algebra', 'algebra')").bind(tutorId),
    env.DB.prepare("INSERT INTO tutor_availability (tutor_id, day, start, \"end\") VALUES (?, 'wednesday', '09:00', '17:00')").bind(tutorId),
    env.DB.prepare("INSERT INTO subject_aliases (center_id, alias_key, alias, subject, created_at) VALUES (?, ?, ?, 'Algebra', 1)").bind(center, aliasKey, aliasKey.toUpperCase()),
    env.DB.prepare("INSERT INTO center_closed_dates (center_id, date, reason) VALUES (?, ?, 'guard')").bind(center, CLOSED),
  ]);
  const reference = newBookingReference();
  const bookingId = await insertBooking(center, tutorId, BOOKED, reference);
  const pastBookingId = await insertBooking(center, tutorId, "2026-01-05", null);

  const admin = await enrolled(await FakeAuthenticator.create(), "admin", undefined, center);
  const victim = await FakeAuthenticator.create();
  const member = await enrolled(victim, "staff", undefined, center);
  const inviteId = await sha256Hex(await createInvite(newEmail("invitee"), "staff", { center }));

  const queue = messageQueue(env, center);
  const note = `${center} guard note ${hex}`;
  const enqueue = async (messageId: string) =>
    unwrapOk(await queue.enqueue({ messageId, sessionId: newSessionId(), ownerId: newOwnerId(center), content: note, priority: 8, createdAt: Date.now() }));
  const messageId = `m-${randomHex(8)}:handoff`;
  const claimedId = `m-${randomHex(8)}:handoff`;
  await enqueue(messageId);
  await enqueue(claimedId);
  const lease = unwrapOk(await queue.claim({ messageId: claimedId, workerId: "bot:guard", leaseMs: MAX_LEASE_MS }));
  // A dead letter: its 1 ms leases lapse MAX_ATTEMPTS times (a clock a second ahead lapses none of the long lease above).
  const deadId = `m-${randomHex(8)}:handoff`;
  await enqueue(deadId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    unwrapOk(await queue.claim({ messageId: deadId, workerId: "slow-person", leaseMs: 1 }));
    unwrapOk(await queue.expireLeases(Date.now() + 1_000));
  }
  unwrapOk(await analyticsObject(env, center).record(Array.from({ length: handoffs }, () => ({ type: "handoff" })), COUNTED_AT, `guard-${center}`));

  return {
    center, name, admin: admin.session.token, adminId: admin.member.id, memberId: member.member.id, memberEmail: member.member.email,
    credentialId: victim.credentialId, inviteId, tutorId, tutorName, bookingId, pastBookingId, reference, messageId, claimedId,
    leaseId: lease.leaseId, deadId, note, aliasKey, issuer, handoffs,
  };
}

/** The same shape with ids nobody issued: what another center's ids must be answered like. */
function unknownLike(of: Side): Side {
  return {
    ...of, memberId: `staff-${randomHex(16)}`, credentialId: randomHex(16), inviteId: randomHex(32), tutorId: `t-none${randomHex(4)}`,
    bookingId: `bk-${randomHex(16)}`, pastBookingId: `bk-${randomHex(16)}`, reference: newBookingReference(), messageId: `m-${randomHex(8)}:handoff`,
    claimedId: `m-${randomHex(8)}:handoff`, leaseId: crypto.randomUUID(), deadId: `m-${randomHex(8)}:handoff`, aliasKey: `none ${randomHex(4)}`,
  };
}

const ID_FIELDS = ["memberId", "credentialId", "inviteId", "tutorId", "bookingId", "pastBookingId", "reference", "messageId", "claimedId", "leaseId", "deadId", "aliasKey"] as const;
/** An answer with the ids it was asked about (`fields`) written as placeholders, so two answers compare by what they say. */
function normalized(answer: Result<unknown>, ids: Side, fields: readonly (typeof ID_FIELDS)[number][] = ID_FIELDS): string {
  let text = JSON.stringify(answer);
  for (const field of fields) text = text.replaceAll(ids[field], `<${field}>`);
  return text;
}

/** What of a center an answer must never carry. */
const marks = (of: Side) => [of.name, of.adminId, of.memberId, of.memberEmail, of.credentialId, of.inviteId, of.tutorId, of.tutorName, of.bookingId, of.pastBookingId, of.reference, of.messageId, of.claimedId, of.deadId, of.note, of.aliasKey, of.issuer];

/** Everything of a center a refused or foreign call must leave as it was. */
async function stateOf(center: string) {
  const rows = await env.DB.prepare(
    `SELECT json_object(
       'members', (SELECT group_concat(id || ':' || role || ':' || COALESCE(tutor_id, '') || ':' || COALESCE(disabled_at, '') || ':' || COALESCE(display_name, ''), ',') FROM staff_members WHERE center_id = ?1),
       'passkeys', (SELECT group_concat(credential_id, ',') FROM staff_passkeys WHERE staff_id IN (SELECT id FROM staff_members WHERE center_id = ?1)),
       'sessions', (SELECT COUNT(*) FROM staff_sessions WHERE revoked_at IS NULL AND staff_id IN (SELECT id FROM staff_members WHERE center_id = ?1)),
       'invites', (SELECT group_concat(token_hash || ':' || COALESCE(revoked_at, '') || ':' || COALESCE(used_at, ''), ',') FROM staff_invites WHERE center_id = ?1),
       'bookings', (SELECT group_concat(id || status || COALESCE(attendance, '') || COALESCE(tutor_note, ''), ',') FROM bookings WHERE tutor_id IN (SELECT id FROM tutors WHERE center_id = ?1)),
       'tutors', (SELECT group_concat(id || ':' || name || ':' || COALESCE(retired_at, '') || ':' || COALESCE(updated_at, ''), ',') FROM tutors WHERE center_id = ?1),
       'aliases', (SELECT group_concat(alias_key || '|' || subject, ',') FROM subject_aliases WHERE center_id = ?1),
       'closed', (SELECT group_concat(date, ',') FROM center_closed_dates WHERE center_id = ?1),
       'settings', (SELECT json_object('name', name, 'updated', updated_at, 'issuer', oidc_issuer, 'client', oidc_client_id, 'label', oidc_label) FROM center_settings WHERE center_id = ?1)
     ) AS rows`,
  )
    .bind(center)
    .first<{ rows: string }>();
  const queue = messageQueue(env, center);
  const pending = unwrapOk(await queue.pending(50));
  const dead = unwrapOk(await queue.deadLetters(50));
  const counts = unwrapOk(await analyticsObject(env, center).series(RANGE, "UTC"));
  return { rows: rows?.rows, pending: pending.messages.map((message) => `${message.messageId}:${message.attempts}`), leased: pending.leased, dead: JSON.stringify({ ...dead, kvStats: undefined }), counts: counts.totals };
}

type Call = (token: string, other: Side, self: Side) => Promise<Result<unknown>>;
/**
 * `names`: the other center's ids the call itself names (an answer may repeat those, nothing else of
 * theirs). `unknown`: it must answer as it answers ids nobody issued.
 */
type Case = { name: string; call: Call; names?: (typeof ID_FIELDS)[number][]; unknown?: true; check?: (answer: Result<unknown>, other: Side, self: Side) => void };

const CASES: Case[] = [
  { name: "staffInvite", call: (token) => sidecar.staffInvite(token, { email: newEmail("invited"), role: "staff" }) },
  { name: "staffSetDisplayName", call: (token) => sidecar.staffSetDisplayName(token, { displayName: "Guard" }) },
  { name: "staffInbox", call: (token) => sidecar.staffInbox(token) },
  { name: "staffClaim", unknown: true, names: ["messageId"], call: (token, other) => sidecar.staffClaim(token, other.messageId) },
  { name: "staffReply", unknown: true, names: ["claimedId", "leaseId"], call: (token, other) => sidecar.staffReply(token, { messageId: other.claimedId, leaseId: other.leaseId, reply: "Hello from elsewhere" }) },
  { name: "staffDeadLetters", call: (token) => sidecar.staffDeadLetters(token) },
  { name: "staffRequeue", unknown: true, names: ["deadId"], call: (token, other) => sidecar.staffRequeue(token, other.deadId) },
  { name: "staffScheduleWeek", call: (token) => sidecar.staffScheduleWeek(token, { from: BOOKED }) },
  { name: "staffScheduleWeek", names: ["tutorId"], call: (token, other) => sidecar.staffScheduleWeek(token, { from: BOOKED, tutorId: other.tutorId }) },
  { name: "staffScheduleWeek", unknown: true, names: ["reference"], call: (token, other) => sidecar.staffScheduleWeek(token, { reference: other.reference }) },
  { name: "staffScheduleCancel", unknown: true, names: ["bookingId"], call: (token, other) => sidecar.staffScheduleCancel(token, { bookingId: other.bookingId, reason: "closed today" }) },
  { name: "staffScheduleAttendance", unknown: true, names: ["pastBookingId"], call: (token, other) => sidecar.staffScheduleAttendance(token, { bookingId: other.pastBookingId, attendance: "no_show" }) },
  { name: "staffScheduleNote", unknown: true, names: ["bookingId"], call: (token, other) => sidecar.staffScheduleNote(token, { bookingId: other.bookingId, note: "seen from elsewhere" }) },
  { name: "staffCenterSettings", call: (token) => sidecar.staffCenterSettings(token) },
  { name: "staffUpdateCenterSettings", call: (token) => sidecar.staffUpdateCenterSettings(token, { name: "Renamed Center" }) },
  { name: "staffAddClosedDate", call: (token) => sidecar.staffAddClosedDate(token, { date: "2031-01-03", reason: "guard" }) },
  { name: "staffRemoveClosedDate", call: (token) => sidecar.staffRemoveClosedDate(token, CLOSED) },
  {
    name: "staffSsoSettings",
    call: (token) => sidecar.staffSsoSettings(token),
    check: (answer, _other, self) => expect(answer).toMatchObject({ ok: true, value: { issuer: self.issuer } }),
  },
  {
    name: "staffUpdateSsoSettings",
    call: (token, _other, self) =>
      sidecar.staffUpdateSsoSettings(token, { issuer: self.issuer, clientId: `${self.center}-client`, allowedDomains: "", staffClaim: null, staffValues: "", adminValues: "", label: "Campus ID" }),
  },
  { name: "staffTurnOffSso", call: (token) => sidecar.staffTurnOffSso(token) },
  { name: "staffTutors", call: (token) => sidecar.staffTutors(token) },
  { name: "staffTutor", unknown: true, names: ["tutorId"], call: (token, other) => sidecar.staffTutor(token, other.tutorId) },
  { name: "staffCreateTutor", call: (token) => sidecar.staffCreateTutor(token, { ...TUTOR_INPUT, subjects: [...TUTOR_INPUT.subjects], hours: [...TUTOR_INPUT.hours] }) },
  { name: "staffUpdateTutor", unknown: true, names: ["tutorId"], call: (token, other) => sidecar.staffUpdateTutor(token, other.tutorId, { ...TUTOR_INPUT, subjects: [...TUTOR_INPUT.subjects], hours: [...TUTOR_INPUT.hours] }) },
  { name: "staffRetireTutor", unknown: true, names: ["tutorId"], call: (token, other) => sidecar.staffRetireTutor(token, other.tutorId) },
  { name: "staffSubjectAliases", call: (token) => sidecar.staffSubjectAliases(token) },
  { name: "staffAddSubjectAlias", call: (token) => sidecar.staffAddSubjectAlias(token, { alias: "GUARD 201", subject: "Algebra" }) },
  { name: "staffRemoveSubjectAlias", unknown: true, names: ["aliasKey"], call: (token, other) => sidecar.staffRemoveSubjectAlias(token, other.aliasKey) },
  {
    name: "staffAnalytics",
    call: (token) => sidecar.staffAnalytics(token, RANGE),
    check: (answer, _other, self) => expect(answer).toMatchObject({ ok: true, value: { totals: { handoff: self.handoffs } } }),
  },
  { name: "staffMembers", call: (token) => sidecar.staffMembers(token) },
  { name: "staffPendingInvites", call: (token) => sidecar.staffPendingInvites(token) },
  { name: "staffChangeRole", unknown: true, names: ["memberId"], call: (token, other) => sidecar.staffChangeRole(token, other.memberId, { role: "admin" }) },
  { name: "staffDisableMember", unknown: true, names: ["memberId"], call: (token, other) => sidecar.staffDisableMember(token, other.memberId) },
  { name: "staffEnableMember", unknown: true, names: ["memberId"], call: (token, other) => sidecar.staffEnableMember(token, other.memberId) },
  { name: "staffRemovePasskey", unknown: true, names: ["memberId", "credentialId"], call: (token, other) => sidecar.staffRemovePasskey(token, other.memberId, other.credentialId) },
  { name: "staffPasskeyLink", unknown: true, names: ["memberId"], call: (token, other) => sidecar.staffPasskeyLink(token, other.memberId) },
  { name: "staffRevokeInvite", unknown: true, names: ["inviteId"], call: (token, other) => sidecar.staffRevokeInvite(token, other.inviteId) },
];

it("covers every staff method of the sidecar's API (a new one must be added here)", () => {
  // Sign-in's own ceremonies and the session check take no center's data: staff-auth tests them (and below, the member's center).
  const OWN = new Set(["staffSession", "staffSignOut", "staffInviteOptions", "staffRegister", "staffSignInOptions", "staffSignIn"]);
  const names: string[] = [];
  for (let proto = SidecarEntrypoint.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) names.push(...Object.getOwnPropertyNames(proto));
  const staffMethods = [...new Set(names)].filter((name) => name.startsWith("staff") && !OWN.has(name));
  expect(staffMethods.sort()).toEqual([...new Set(CASES.map((entry) => entry.name))].sort());
});

const sides = {} as Record<"main" | "math", Side>;

beforeAll(async () => {
  sides.main = await side(FIRST_CENTER, 2);
  sides.math = await side("math", 7);
});

describe("an admin of one center gets nothing of another, for every staff method", () => {
  it.each(CASES.map((entry, index) => ({ ...entry, label: `${entry.name}${entry.unknown ? " (an id of the other center)" : ""} #${index}` })))("$label", async ({ call, names = [], unknown, check }) => {
    for (const [self, other] of [[sides.main, sides.math], [sides.math, sides.main]] as const) {
      const before = await stateOf(other.center);
      const answer = await call(self.admin, other, self);
      const where = `${self.center} → ${other.center}`;
      // Past the guard: an admin is never refused for who they are, only for what they asked.
      if (!answer.ok) expect(answer.error.code, where).not.toMatch(/^(unauthorized|forbidden):staff$/);
      const seen = normalized(answer, other, names);
      for (const mark of marks(other)) expect(seen, `${where} leaks ${mark}`).not.toContain(mark);
      if (unknown) {
        const stranger = unknownLike(other);
        const asUnknown = await call(self.admin, stranger, self);
        expect(answer.ok, where).toBe(false);
        expect(normalized(answer, other), where).toEqual(normalized(asUnknown, stranger));
      }
      check?.(answer, other, self);
      expect(await stateOf(other.center), where).toEqual(before);
    }
  });
});

describe("staff belong to their center", () => {
  it("registers an invite's member in the inviter's center, and their session says so", async () => {
    const invite = unwrapOk(await sidecar.staffInvite(sides.math.admin, { email: newEmail("math-staff"), role: "staff" }));
    const { options, challengeId } = unwrapOk(await sidecar.staffInviteOptions(invite.inviteToken, { origin: "https://staff.tutoring.test", rpId: "tutoring.test" }));
    const authenticator = await FakeAuthenticator.create();
    const site = { origin: "https://staff.tutoring.test", rpId: "tutoring.test" };
    const signedIn = unwrapOk(await sidecar.staffRegister(invite.inviteToken, challengeId, await authenticator.register(options, { origin: site.origin }), site));
    expect(signedIn.member.centerId).toBe("math");
    expect(unwrapOk(await sidecar.staffSession(signedIn.session.token)).member.centerId).toBe("math");
    expect(unwrapOk(await sidecar.staffMembers(sides.math.admin)).members.map((member) => member.id)).toContain(signedIn.member.id);
    expect(unwrapOk(await sidecar.staffMembers(sides.main.admin)).members.map((member) => member.id)).not.toContain(signedIn.member.id);
  });

  it("keeps one enabled admin per center: another center's admins do not count", async () => {
    await makeCenter("solo", "Solo Center");
    const lone = await enrolled(await FakeAuthenticator.create(), "admin", undefined, "solo");
    expect(lone.member.centerId).toBe("solo");
    expect(await sidecar.staffChangeRole(lone.session.token, lone.member.id, { role: "staff" })).toMatchObject({ ok: false, error: { code: "conflict:last_admin" } });
    expect(await sidecar.staffDisableMember(lone.session.token, lone.member.id)).toMatchObject({ ok: false, error: { code: "conflict:last_admin" } });
  });

  it("offers campus sign-in per center: the center's own provider, none for an unknown or malformed center", async () => {
    await makeCenter("solo", "Solo Center");
    const issuer = "https://idp-solo.test";
    await env.DB.prepare("UPDATE center_settings SET oidc_issuer = ?2, oidc_client_id = 'solo-client', oidc_label = 'Solo ID' WHERE center_id = ?1").bind("solo", issuer).run();
    expect(unwrapOk(await sidecar.ssoConfig("solo"))).toEqual({ enabled: true, label: "Solo ID" });
    expect(unwrapOk(await sidecar.ssoConfig("nowhere"))).toEqual({ enabled: false });
    expect(unwrapOk(await sidecar.ssoConfig("Not A Center!"))).toEqual({ enabled: false });
    expect(await sidecar.ssoStart("/", "nowhere")).toMatchObject({ ok: false, error: { code: "not_found:route" } });
  });
});
