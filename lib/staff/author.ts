import type { MessageAuthor } from "../schemas";
import { z } from "../zod";

/**
 * How a staff member appears to students: the name they chose on the inbox
 * page, or one read from their email ("sam.lee@…" → "Sam Lee"). The labels
 * the student's chat shows for their replies and typing are in lib/message-author.ts
 * (the chat page loads nothing of the staff side).
 */

/** What a member may call themselves in students' chats: plain text, a letter first. */
export const StaffDisplayName = z
  .string()
  .trim()
  .min(1, "Required.")
  .max(60, "At most 60 characters.")
  .refine((name) => /^\p{L}/u.test(name) && !/[<>{}\u0000-\u001f\u007f]/.test(name), "Plain text, starting with a letter.");

/** The body of "set my name": only the name; whose name is the session's. */
export const StaffDisplayNameInput = z.object({ displayName: StaffDisplayName }).strict();

/** The name a member goes by: the one they set, else their email's words ("jo.lee-7f@…" → "Jo Lee"), else "Staff". */
export function staffDisplayName(member: { email: string; displayName?: string }): string {
  if (member.displayName) return member.displayName;
  const words = (member.email.split("@")[0] ?? "").split("+")[0]!.split(/[._-]+/).filter((word) => /^\p{L}+$/u.test(word));
  const name = words.map((word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase()).join(" ").slice(0, 60);
  return name || "Staff";
}

/** The author a staff member's reply (and typing) carries. */
export function staffAuthor(member: { email: string; displayName?: string }): MessageAuthor {
  return { kind: "staff", name: staffDisplayName(member) };
}
