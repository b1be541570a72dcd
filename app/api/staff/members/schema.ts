import { AppError } from "@/lib/errors";
import { StaffMemberId } from "@/lib/staff/members";
import { CredentialId } from "@/lib/staff/schemas";
import { z } from "@/lib/zod";

export { StaffRoleChange as RoleChangeBody } from "@/lib/staff/members";

/** `/api/staff/members/[memberId]/…`: an id that cannot be a member's is simply unknown. */
export const MemberParams = z.object({ memberId: StaffMemberId });
export const PasskeyParams = z.object({ memberId: StaffMemberId, credentialId: CredentialId });

export const noMember = () => new AppError("not_found:staff_member", "There is no staff member with that id.");
export const noPasskey = () => new AppError("not_found:passkey", "That passkey is not one of this member's (it may have been removed already).");
