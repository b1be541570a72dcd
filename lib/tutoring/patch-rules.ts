import type { SessionFields, SessionPatch } from "../schemas";

/**
 * What a client may change directly with PATCH. Booking steps advance only
 * through the assistant (which performs the D1 write on confirm), so a PATCH
 * may save form drafts but never move a step, invent a booking, or point the
 * pending match at a tutor the student was not shown.
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
    const chosen = patch.pendingMatch;
    const shown = current.availableTutors.some(
      (match) =>
        match.tutor.id === chosen.tutor.id && match.slot.date === chosen.slot.date && match.slot.start === chosen.slot.start,
    );
    if (!shown) return "The pending match must be one of the tutors shown.";
  }
  return null;
}
