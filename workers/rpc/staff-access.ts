import type { NewStaffInvite, StaffSite } from "../../lib/staff/schemas";
import { staffInviteOptions, staffRegister } from "../staff/registration";
import { checkStaffSession, setOwnDisplayName, signOutStaff } from "../staff/sessions";
import { StaffAccess } from "../staff/members";
import { staffSignIn, staffSignInOptions } from "../staff/sign-in";
import { clock } from "../../lib/time";
import { usableIp, type Caller } from "../../services/limits";
import { NotificationsRpc } from "./notifications";

/** Staff sign-in, sessions, invites and members (workers/staff/): each validates its arguments with lib/staff/schemas.ts. */
export class StaffAccessRpc extends NotificationsRpc {
  /** Each call writes a challenge row: limited per address like sign-in options. */
  async staffInviteOptions(inviteToken: string, site: StaffSite, client?: Caller) {
    return this.limited([["staffChallengesPerIp", usableIp(client)]], (now) => staffInviteOptions({ db: this.env.DB, inviteToken, site, now }));
  }

  /** A registration attempt spends a challenge: limited per address like sign-ins. */
  async staffRegister(inviteToken: string, challengeId: string, response: unknown, site: StaffSite, client?: Caller) {
    return this.limited([["staffSignInsPerIp", usableIp(client)]], (now) => staffRegister({ db: this.env.DB, inviteToken, challengeId, response, site, now }));
  }

  async staffSignInOptions(site: StaffSite, client?: Caller) {
    return this.guard(() => staffSignInOptions({ db: this.env.DB, limiters: this.env.RATE_LIMITER, site, ip: usableIp(client), now: clock.now() }));
  }

  async staffSignIn(challengeId: string, response: unknown, site: StaffSite, client?: Caller) {
    return this.guard(() =>
      staffSignIn({ db: this.env.DB, limiters: this.env.RATE_LIMITER, challengeId, response, site, ip: usableIp(client), now: clock.now() }),
    );
  }

  async staffSession(sessionToken: string) {
    return this.guard(() => checkStaffSession({ db: this.env.DB, sessionToken, now: clock.now() }));
  }

  async staffSignOut(sessionToken: string) {
    return this.guard(() => signOutStaff({ db: this.env.DB, sessionToken, now: clock.now() }));
  }

  /** The name the signed-in member's replies carry in students' chats (any role, their own). */
  async staffSetDisplayName(sessionToken: string, input: unknown) {
    return this.guard(() => setOwnDisplayName({ db: this.env.DB, limiters: this.env, sessionToken, input, now: clock.now() }));
  }

  /** An admin invites a colleague (409 for an existing member's address; replaces a link still open for it). */
  async staffInvite(sessionToken: string, invite: NewStaffInvite) {
    return this.guard(() => new StaffAccess(this.env).invite(sessionToken, invite));
  }

  // Staff access (workers/staff/members.ts): admins only, each change limited per admin.

  /** Every member with role, state, last sign-in and passkeys. */
  async staffMembers(sessionToken: string) {
    return this.guard(() => new StaffAccess(this.env).members(sessionToken));
  }

  /** Invites not used, revoked or expired. */
  async staffPendingInvites(sessionToken: string) {
    return this.guard(() => new StaffAccess(this.env).pendingInvites(sessionToken));
  }

  /** A member's new role, from their next request; never leaves the center without an enabled admin (409). */
  async staffChangeRole(sessionToken: string, memberId: string, change: unknown) {
    return this.guard(() => new StaffAccess(this.env).changeRole(sessionToken, memberId, change));
  }

  /** Disables a member and ends every session they hold at once. */
  async staffDisableMember(sessionToken: string, memberId: string) {
    return this.guard(() => new StaffAccess(this.env).disable(sessionToken, memberId));
  }

  async staffEnableMember(sessionToken: string, memberId: string) {
    return this.guard(() => new StaffAccess(this.env).enable(sessionToken, memberId));
  }

  /** Removes one of a member's passkeys and ends the sessions it opened. */
  async staffRemovePasskey(sessionToken: string, memberId: string, credentialId: string) {
    return this.guard(() => new StaffAccess(this.env).removePasskey(sessionToken, memberId, credentialId));
  }

  /** A one-time link that adds a passkey to an existing member, role unchanged. */
  async staffPasskeyLink(sessionToken: string, memberId: string) {
    return this.guard(() => new StaffAccess(this.env).passkeyLink(sessionToken, memberId));
  }

  /** Revokes a pending invite: its link stops working at once. */
  async staffRevokeInvite(sessionToken: string, inviteId: string) {
    return this.guard(() => new StaffAccess(this.env).revokeInvite(sessionToken, inviteId));
  }
}
