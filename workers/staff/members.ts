import { clock } from "../../lib/time";
import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { newSecretToken, sha256Hex } from "../../lib/ids";
import { StaffInviteId, StaffMemberId, StaffRoleChange, type StaffMemberEntry, type StaffMemberList, type StaffPendingInviteList } from "../../lib/staff/members";
import { CredentialId, NewStaffInvite, STAFF_INVITE_MS, type StaffInviteCreated, type StaffSessionInfo } from "../../lib/staff/schemas";
import { insertStaffInvite, insertStaffPasskeyLink } from "../../services/db/staff";
import {
  disableStaffMember,
  enableStaffMember,
  findStaffMemberEntry,
  listPendingStaffInvites,
  listStaffMembers,
  memberState,
  removeStaffPasskey,
  revokeStaffInvite,
  setStaffRole,
  whyInviteRefused,
  type MemberChange,
} from "../../services/db/staff-members";
import { checkStaffSession } from "./sessions";
import { takeLimits } from "../../services/limits";

type AccessEnv = Pick<Env, "DB" | "RATE_LIMITER">;

const NO_MEMBER = "There is no staff member with that id.";
const NO_PASSKEY = "That passkey is not one of this member's (it may have been removed already).";
const NO_INVITE = "There is no pending invite with that id (it may have been used, revoked or replaced, or it expired).";
const LAST_ADMIN = "The center needs at least one active admin: make someone else an admin first.";
const ROLE_LABEL = { admin: "Admin", staff: "Staff", tutor: "Tutor" } as const;

/**
 * Who has access to the staff console, as admins manage it: members (role,
 * disable, enable, passkeys), invites (new members, new passkey links for
 * existing ones, revoke). Admins only, every change limited per admin
 * (LIMITS.staffAdminActionsPerMember). The rules that span members (one
 * enabled admin at least, one open invite per address, no invite for an
 * existing member's address) are decided in SQL (services/db/staff-members.ts,
 * services/db/staff.ts). Everything is the admin's center's
 * (`member.centerId`): a member, passkey or invite of another center is
 * answered exactly like an unknown id.
 */
export class StaffAccess {
  constructor(
    private readonly env: AccessEnv,
    private readonly now: () => number = clock.now,
  ) {}

  /** A signed-in admin; anyone else 401/403. */
  private async admin(sessionToken: unknown): Promise<Result<StaffSessionInfo>> {
    const session = await checkStaffSession({ db: this.env.DB, sessionToken, now: this.now() });
    if (!session.ok) return session;
    if (session.value.member.role !== "admin") return fail("forbidden:staff", "Only an admin can manage staff access.");
    return session;
  }

  /** An admin's change: counted against their window first, whatever it then turns out to be. */
  private async change(sessionToken: unknown): Promise<Result<StaffSessionInfo>> {
    const session = await this.admin(sessionToken);
    if (!session.ok) return session;
    const tooMany = await takeLimits(this.env, [["staffAdminActionsPerMember", session.value.member.id]], this.now());
    return tooMany ?? session;
  }

  /** Every member, enabled first, with role, last sign-in and passkeys. */
  async members(sessionToken: unknown): Promise<Result<StaffMemberList>> {
    const session = await this.admin(sessionToken);
    if (!session.ok) return session;
    return ok({ members: await listStaffMembers(this.env.DB, { center: session.value.member.centerId }) });
  }

  /** Invites still open (new members and new passkey links), newest first. */
  async pendingInvites(sessionToken: unknown): Promise<Result<StaffPendingInviteList>> {
    const session = await this.admin(sessionToken);
    if (!session.ok) return session;
    return ok({ invites: await listPendingStaffInvites(this.env.DB, { center: session.value.member.centerId, now: this.now() }) });
  }

  /**
   * Invites someone by email and role: a one-time link valid STAFF_INVITE_MS,
   * replacing any link still open for that address. An address that already
   * belongs to a member is refused (409): their role changes on the members
   * page, and a lost device gets a new passkey link there.
   */
  async invite(sessionToken: unknown, invite: unknown): Promise<Result<StaffInviteCreated>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const parsed = NewStaffInvite.safeParse(invite);
    if (!parsed.success) return fail("bad_request:body", "Invalid invite.", zodIssues(parsed.error));
    const now = this.now();
    // Besides the change: each invite is a working link for a day, so fewer of them (LIMITS.staffInvitesPerMember).
    const tooMany = await takeLimits(this.env, [["staffInvitesPerMember", session.value.member.id]], now);
    if (tooMany) return tooMany;
    const inviteToken = newSecretToken();
    const expiresAt = now + STAFF_INVITE_MS;
    const center = session.value.member.centerId;
    const stored = await insertStaffInvite(this.env.DB, { center, tokenHash: await sha256Hex(inviteToken), ...parsed.data, createdBy: session.value.member.id, now, expiresAt });
    if (stored) return ok({ inviteToken, expiresAt });
    const existing = await whyInviteRefused(this.env.DB, { center, email: parsed.data.email });
    if (existing) {
      return fail(
        "conflict:staff_member",
        `${parsed.data.email} is already a member (${ROLE_LABEL[existing.memberRole]}). Change their role, or give them a new passkey link, on the Staff members page.`,
        [{ path: "email", message: "already a member" }],
      );
    }
    return fail("bad_request:body", "No tutor with that id (or the tutor is retired).", [{ path: "tutorId", message: "unknown tutor" }]);
  }

  /** A new passkey link for an existing, enabled member (a new or lost device): it keeps their role. */
  async passkeyLink(sessionToken: unknown, memberId: unknown): Promise<Result<StaffInviteCreated>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const id = StaffMemberId.safeParse(memberId);
    if (!id.success) return fail("not_found:staff_member", NO_MEMBER);
    const inviteToken = newSecretToken();
    const now = this.now();
    const expiresAt = now + STAFF_INVITE_MS;
    const center = session.value.member.centerId;
    if (await insertStaffPasskeyLink(this.env.DB, { center, tokenHash: await sha256Hex(inviteToken), memberId: id.data, createdBy: session.value.member.id, now, expiresAt })) {
      return ok({ inviteToken, expiresAt });
    }
    if ((await memberState(this.env.DB, { center, id: id.data })) === "disabled") return fail("conflict:staff_member", "This member is disabled: enable them first.");
    return fail("not_found:staff_member", NO_MEMBER);
  }

  /** Changes a member's role (a tutor's names the tutor); refused if it would leave no enabled admin. */
  async changeRole(sessionToken: unknown, memberId: unknown, change: unknown): Promise<Result<StaffMemberEntry>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const id = StaffMemberId.safeParse(memberId);
    const parsed = StaffRoleChange.safeParse(change);
    if (!parsed.success) return fail("bad_request:body", "Invalid role.", zodIssues(parsed.error));
    if (!id.success) return fail("not_found:staff_member", NO_MEMBER);
    const center = session.value.member.centerId;
    const outcome = await setStaffRole(this.env.DB, { center, id: id.data, role: parsed.data.role, tutorId: parsed.data.tutorId ?? null });
    return this.after(outcome, center, id.data);
  }

  /** Disables a member: every session they hold ends at once. Refused for the last enabled admin. */
  async disable(sessionToken: unknown, memberId: unknown): Promise<Result<StaffMemberEntry>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const id = StaffMemberId.safeParse(memberId);
    if (!id.success) return fail("not_found:staff_member", NO_MEMBER);
    const center = session.value.member.centerId;
    return this.after(await disableStaffMember(this.env.DB, { center, id: id.data, now: this.now() }), center, id.data);
  }

  /** Enables a disabled member again: their passkeys sign in; ended sessions stay ended. */
  async enable(sessionToken: unknown, memberId: unknown): Promise<Result<StaffMemberEntry>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const id = StaffMemberId.safeParse(memberId);
    const center = session.value.member.centerId;
    if (!id.success || !(await enableStaffMember(this.env.DB, { center, id: id.data }))) return fail("not_found:staff_member", NO_MEMBER);
    return this.after("changed", center, id.data);
  }

  /** Removes one of a member's passkeys; the sessions it opened end. */
  async removePasskey(sessionToken: unknown, memberId: unknown, credentialId: unknown): Promise<Result<StaffMemberEntry>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const id = StaffMemberId.safeParse(memberId);
    const credential = CredentialId.safeParse(credentialId);
    if (!id.success || !credential.success) return fail("not_found:passkey", NO_PASSKEY);
    const center = session.value.member.centerId;
    if (!(await removeStaffPasskey(this.env.DB, { center, memberId: id.data, credentialId: credential.data, now: this.now() }))) return fail("not_found:passkey", NO_PASSKEY);
    return this.after("changed", center, id.data);
  }

  /** Revokes a pending invite: its link opens nothing, also for a passkey prompt already open. */
  async revokeInvite(sessionToken: unknown, inviteId: unknown): Promise<Result<{ revoked: string }>> {
    const session = await this.change(sessionToken);
    if (!session.ok) return session;
    const id = StaffInviteId.safeParse(inviteId);
    if (!id.success || !(await revokeStaffInvite(this.env.DB, { center: session.value.member.centerId, id: id.data, now: this.now() }))) return fail("not_found:invite", NO_INVITE);
    return ok({ revoked: id.data });
  }

  /** The member as the page shows them after a change, or why the change was refused. */
  private async after(outcome: MemberChange, center: string, id: string): Promise<Result<StaffMemberEntry>> {
    if (outcome === "not_found") return fail("not_found:staff_member", NO_MEMBER);
    if (outcome === "last_admin") return fail("conflict:last_admin", LAST_ADMIN);
    if (outcome === "unknown_tutor") return fail("bad_request:body", "No tutor with that id (or the tutor is retired).", [{ path: "tutorId", message: "unknown tutor" }]);
    const entry = await findStaffMemberEntry(this.env.DB, { center, id });
    return entry ? ok(entry) : fail("not_found:staff_member", NO_MEMBER);
  }
}
