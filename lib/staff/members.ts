import { z } from "../zod";
import { StaffRole, StaffTutorId, withTutorRule, type StaffMember } from "./schemas";

/**
 * Staff access as an admin manages it (`/staff/members`, the sidecar's
 * `staffMembers`… methods in workers/staff/members.ts): who is a member, with
 * which role and passkeys, and the invites still open. Every shape that
 * crosses the SIDECAR binding for it, and the ids its routes take.
 */

/** A member's id (`staff-` and hex, as registration makes them); anything else is unknown, never an error of ours. */
export const StaffMemberId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** An invite's id on the members page: the SHA-256 hex D1 keeps of its token (the token itself is never shown again). */
export const StaffInviteId = z.string().regex(/^[0-9a-f]{64}$/);

/** A role change: role `tutor` names the tutor the member then sees the schedule of; no other role names one. */
export const StaffRoleChange = withTutorRule(z.object({ role: StaffRole, tutorId: StaffTutorId.optional() }).strict());
export type StaffRoleChange = z.infer<typeof StaffRoleChange>;

export type StaffPasskeyEntry = { credentialId: string; createdAt: number; lastUsedAt: number | null };

/** A member as the members page lists them: `lastSignInAt` is the latest use of any of their passkeys. */
export type StaffMemberEntry = StaffMember & {
  createdAt: number;
  disabledAt: number | null;
  lastSignInAt: number | null;
  passkeys: StaffPasskeyEntry[];
};
export type StaffMemberList = { members: StaffMemberEntry[] };

/**
 * An invite not used, revoked or expired. `memberId`: a new passkey link for
 * that existing member (their role stays); otherwise it creates a member.
 * `createdBy`: the inviting admin's email (null for `npm run staff:invite`).
 */
export type StaffPendingInvite = {
  id: string;
  email: string;
  role: StaffRole;
  tutorId?: string;
  memberId?: string;
  createdAt: number;
  expiresAt: number;
  createdBy: string | null;
};
export type StaffPendingInviteList = { invites: StaffPendingInvite[] };
