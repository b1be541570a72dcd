import type { SessionFields, SessionPatch } from "../schemas";
import { isStoredEmail, isStoredName } from "./parse-contact";

/**
 * What a client may change directly with PATCH. Booking steps advance only
 * through the assistant (which performs the D1 write on confirm), so a PATCH
 * may save form drafts but never move a step, invent a booking, or point the
 * pending match at anything but a match the server showed, exactly as shown.
 * The tutors shown are the server's alone. (The booking itself is checked
 * again against D1 when it is made: services/effects.ts.)
 * Returns a reason when the patch is refused, otherwise null.
 */
export function refusePatch(current: SessionFields, patch: SessionPatch): string | null {
  if (patch.bookingInfo !== undefined) {
    const before = current.bookingInfo;
    const after = patch.bookingInfo;
    if (after === null) {
      if (before?.step === "confirmed") return "A confirmed booking is cancelled through the assistant, not removed.";
    } else {
      if (!before) return "A booking form is started by the assistant.";
      const sameForm =
        after.step === before.step &&
        after.tutorId === before.tutorId &&
        after.tutorName === before.tutorName &&
        JSON.stringify(after.slot) === JSON.stringify(before.slot) &&
        after.bookingId === before.bookingId &&
        after.reference === before.reference &&
        after.meetingLink === before.meetingLink;
      if (!sameForm) return "Only the form's fields can be saved; its step advances through the assistant.";
      if (before.step === "confirmed" || before.step === "cancelled") return "A finished booking cannot be edited.";
    }
  }
  if (patch.pendingMatch) {
    const chosen = canonical(patch.pendingMatch);
    const shown = current.availableTutors.some((match) => canonical(match) === chosen);
    if (!shown) return "The pending match must be one of the tutors shown, unchanged.";
  }
  if (patch.availableTutors !== undefined && canonical(patch.availableTutors) !== canonical(current.availableTutors)) {
    return "The tutors shown come from the assistant's search.";
  }
  // The slot just taken (and the contact details riding with it) is the assistant's record, never the client's.
  const waitFor = patch.searchCriteria?.waitFor;
  if (waitFor && canonical(waitFor) !== canonical(current.searchCriteria?.waitFor)) {
    return "The slot to wait for is kept by the assistant.";
  }
  return null;
}

/**
 * The names and emails a patch would save, checked with the contact step's rules as a booking
 * stores them (`isStoredName`, `isStoredEmail`): they end up in emails and calendar invites, so a
 * draft may hold one only if the assistant would have taken it. Empty is "not given yet".
 * Field problems for a 400; none when the patch's contact fields are fine.
 */
export function contactIssues(patch: SessionPatch): { path: string; message: string }[] {
  const people = [
    { at: "bookingInfo", fields: patch.bookingInfo },
    { at: "searchCriteria.waitFor", fields: patch.searchCriteria?.waitFor },
  ];
  return people.flatMap(({ at, fields }) => {
    const issues: { path: string; message: string }[] = [];
    const { studentName: name, studentEmail: email } = fields ?? {};
    if (name && !isStoredName(name)) issues.push({ path: `${at}.studentName`, message: "A name is letters only (no line breaks, links or symbols), as the chat's contact step takes it." });
    if (email && !isStoredEmail(email)) issues.push({ path: `${at}.studentEmail`, message: "Not an email address the chat's contact step takes, like ada@example.com." });
    return issues;
  });
}

/** JSON with sorted keys, so two equal values compare equal whatever order their keys were built in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** Why a patch is refused: a contact field the contact step would not take (400, per field), else a rule of `refusePatch` (409); null: apply it. */
export function patchRefusal(
  current: SessionFields,
  patch: SessionPatch,
): { code: "bad_request:body" | "conflict:booking"; message: string; issues?: { path: string; message: string }[] } | null {
  const issues = contactIssues(patch);
  if (issues.length > 0) return { code: "bad_request:body", message: "The name or email is not one a booking can use.", issues };
  const refusal = refusePatch(current, patch);
  return refusal ? { code: "conflict:booking", message: refusal } : null;
}
