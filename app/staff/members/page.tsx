import type { Metadata } from "next";
import { formatInstant } from "@/lib/center/time-zone";
import { loadCenterTimeZone } from "@/lib/server/center";
import { loadDirectory } from "@/lib/server/directory";
import type { StaffMemberEntry, StaffPendingInvite } from "@/lib/staff/members";
import { asStaff } from "../as-staff";
import { signedInStaff, StaffPage } from "../staff-page";
import { MemberActions, RevokeInvite } from "./member-actions";

export const metadata: Metadata = { title: "Staff members · Staff · Tutoring Center" };

const ROLE_LABEL = { admin: "Admin", staff: "Staff", tutor: "Tutor" } as const;

/** Times as the server renders them (the same text in every browser): the center's, its zone named. */
type At = (epochMs: number) => string;

function MemberRow({ member, you, tutors, at }: { member: StaffMemberEntry; you: boolean; tutors: { id: string; name: string }[]; at: At }) {
  const tutorName = member.tutorId && (tutors.find((tutor) => tutor.id === member.tutorId)?.name ?? member.tutorId);
  return (
    <li className="card" data-testid="member-row">
      <h3>
        {member.email}
        {you && " (you)"}
      </h3>
      <p className="meta">
        {ROLE_LABEL[member.role]}
        {tutorName ? ` (tutor: ${tutorName})` : ""} · <span data-testid="member-state">{member.disabledAt === null ? "Active" : "Disabled"}</span>
      </p>
      <p className="meta">
        Last sign-in: <span data-testid="member-last-sign-in">{member.lastSignInAt === null ? "Never" : at(member.lastSignInAt)}</span>
      </p>
      <MemberActions
        member={{ id: member.id, email: member.email, role: member.role, tutorId: member.tutorId ?? null, disabled: member.disabledAt !== null }}
        passkeys={member.passkeys.map((passkey) => ({
          credentialId: passkey.credentialId,
          label: `Added ${at(passkey.createdAt)}${passkey.lastUsedAt === null ? "" : `, last used ${at(passkey.lastUsedAt)}`}`,
        }))}
        tutors={tutors}
      />
    </li>
  );
}

function InviteRow({ invite, tutors, at }: { invite: StaffPendingInvite; tutors: { id: string; name: string }[]; at: At }) {
  const tutorName = invite.tutorId && (tutors.find((tutor) => tutor.id === invite.tutorId)?.name ?? invite.tutorId);
  return (
    <li className="card" data-testid="invite-row">
      <h3>{invite.email}</h3>
      <p className="meta">
        {invite.memberId ? "New passkey for this member" : `Invited as ${ROLE_LABEL[invite.role]}${tutorName ? ` (tutor: ${tutorName})` : ""}`}
        {invite.createdBy ? ` by ${invite.createdBy}` : " from the command line"}, {at(invite.createdAt)}
      </p>
      <p className="meta">Link works until {at(invite.expiresAt)}</p>
      <RevokeInvite id={invite.id} email={invite.email} />
    </li>
  );
}

/**
 * Who can sign in to the console (admins only): each member's role, state,
 * last sign-in and passkeys, with the changes an admin makes to them, and the
 * invites whose links still work.
 */
export default async function StaffMembersPage() {
  const session = await signedInStaff();
  if (session.member.role !== "admin") {
    return (
      <StaffPage title="Staff members">
        <p>Staff access is managed by admins.</p>
      </StaffPage>
    );
  }
  const [{ members }, { invites }, directory, timeZone] = await Promise.all([
    asStaff((sidecar, token) => sidecar.staffMembers(token)),
    asStaff((sidecar, token) => sidecar.staffPendingInvites(token)),
    loadDirectory(""),
    loadCenterTimeZone(),
  ]);
  const at: At = (epochMs) => formatInstant(epochMs, timeZone, { withZone: true });
  const tutors = directory.tutors.map(({ id, name }) => ({ id, name }));
  return (
    <StaffPage title="Staff members">
      <p className="subtitle">
        Disabling someone signs them out everywhere at once. A member who lost their device gets a new passkey link; their role stays. To add
        someone, invite them from the console&apos;s home page.
      </p>
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members ({members.length})</h2>
        <ul className="cards directory-list">
          {members.map((member) => (
            <MemberRow key={member.id} member={member} you={member.id === session.member.id} tutors={tutors} at={at} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="invites-heading">
        <h2 id="invites-heading">Pending invites ({invites.length})</h2>
        {invites.length === 0 ? (
          <p>No invite link is open.</p>
        ) : (
          <ul className="cards directory-list">
            {invites.map((invite) => (
              <InviteRow key={invite.id} invite={invite} tutors={tutors} at={at} />
            ))}
          </ul>
        )}
      </section>
    </StaffPage>
  );
}
