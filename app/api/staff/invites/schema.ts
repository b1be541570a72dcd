import { AppError } from "@/lib/errors";
import { StaffInviteId } from "@/lib/staff/members";
import { z } from "@/lib/zod";

export { NewStaffInvite as InviteBody } from "@/lib/staff/schemas";

/** `/api/staff/invites/[inviteId]`: the SHA-256 hex of the invite's token, as the members page lists it. */
export const InviteParams = z.object({ inviteId: StaffInviteId });

export const noInvite = () => new AppError("not_found:invite", "There is no pending invite with that id (it may have been used, revoked or replaced, or it expired).");
