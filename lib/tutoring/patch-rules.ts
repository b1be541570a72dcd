import type { SessionFields, SessionPatch } from "../schemas";

/**
 * What a client may change directly with PATCH. Booking steps advance only
 * through the assistant (which performs the D1 write on confirm), so a PATCH
 * may save form drafts but never move a step, invent a booking, or point the
 * pending match at anything but a match the server showed, exactly as shown.
 * The tutors shown are the server's alone. (The booking itself is checked
 * again against D1 when it is made: workers/effects.ts.)
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
  return null;
}

/** JSON with sorted keys, so two equal values compare equal whatever order their keys were built in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
