import type { NewAssistantMessage, SessionFields } from "../../lib/schemas";
import { messageIds } from "../../lib/message-ids";
import { QUICK } from "../../lib/tutoring/commands";
import { withoutMove } from "../../lib/tutoring/move-flow";
import { movedElsewhereText } from "../../lib/tutoring/phrasing";
import type { SessionSlot } from "../../lib/tutoring/schemas";

/** A booking moved outside the chat (the link in an email), as ChatSession.bookingMoved takes it. */
export type MovedElsewhere = { bookingId: string; tutorId: string; tutorName: string; slot: SessionSlot; from: SessionSlot };

/** A notice for the chat and the form's change with it: what ChatSession.appendAssistantTurn takes. */
type Notice = [replies: NewAssistantMessage[], patch: Partial<SessionFields>];

/** The chat's notice of the move (one per new slot, by its id) and, if the form shows that booking, the form at the new time. */
export function movedNotice(fields: SessionFields, move: MovedElsewhere): Notice {
  const info = fields.bookingInfo;
  const patch = info?.bookingId === move.bookingId && info.step === "confirmed"
    ? { bookingInfo: { ...withoutMove(info), tutorId: move.tutorId, tutorName: move.tutorName, slot: move.slot, movedFrom: move.from } }
    : {};
  const id = messageIds.moveNotice(move.bookingId, { tutorId: move.tutorId, date: move.slot.date, start: move.slot.start });
  return [[{ id, content: movedElsewhereText(move), quickReplies: [QUICK.reschedule, QUICK.cancelBooking] }], patch];
}

/** The cancellation notice (once per booking, by its message id) and, if the form shows that booking, the form's new step. */
export function cancelNotice(fields: SessionFields, bookingId: string, content: string, startOver: string = QUICK.startOver): Notice {
  const info = fields.bookingInfo;
  const shown = info?.bookingId === bookingId && info.step === "confirmed" ? { bookingInfo: { ...info, step: "cancelled" as const } } : {};
  return [[{ id: messageIds.cancelNotice(bookingId), content, quickReplies: [startOver] }], shown];
}
