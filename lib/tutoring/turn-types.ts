import type { CenterPolicy } from "../center/policy";
import type { MemoryView } from "../memory/view";
import type { SessionFields } from "../schemas";
import type { LocalNow } from "../calendar";
import type { Phrases } from "./phrases/types";
import type { ParsedMessage } from "./parse";
import type { Language, SessionSlot, Tutor, WaitForSlot } from "./schemas";

/**
 * The types the assistant's modules share. They live here, not in
 * `assistant.ts`, because `assistant.ts` imports the step modules
 * (search, booking, effect outcome) that need them: types kept there made the
 * folder import itself in a circle. This module imports no step module.
 */

/** Read-only view of the tutor catalog (D1 in the sidecar, seed data in fallback). */
export interface TutorCatalog {
  /** Tutors teaching a subject that matches `skill`, through an index, not a scan. */
  findBySkill(skill: string): Promise<Tutor[]>;
  /** Every subject name the catalog knows, for recognizing skills in free text. */
  subjects(): Promise<string[]>;
  /** Every tutor's name, for "can I get Maya again"; without it no tutor is recognized by name. */
  tutorNames?(): Promise<string[]>;
  /** The center's own names for its subjects (alias key → subject), staff-edited; without it only the built-in aliases count. */
  subjectAliases?(): Promise<Readonly<Record<string, string>>>;
  /** Sessions already booked with these tutors from `fromDate` on: never offered again. */
  bookedSlots(tutorIds: string[], fromDate: string): Promise<BookedSlot[]>;
}

export interface BookedSlot {
  tutorId: string;
  date: string;
  start: string;
}

export interface AssistantReply {
  content: string;
  quickReplies?: string[];
}

/** A booking's particulars as the assistant asks for it; the schedule and the emails show the same fields. */
export interface BookingRequest {
  tutorId: string;
  date: string;
  start: string;
  end: string;
  studentName: string;
  studentEmail: string;
  mode: "online" | "in_person";
  intake: string;
  /** what the student searched for ("Python"), as the staff schedule and the student's memory show it */
  subject: string;
  /** Booked from a waitlist offer: the slot's Waitlist is told, so the line moves on. */
  fromWaitlist?: boolean;
}

export type AssistantEffect =
  | {
      type: "create_booking";
      booking: BookingRequest;
    }
  | { type: "cancel_booking"; bookingId: string }
  /** Move a confirmed booking to another slot (same id), atomically in D1: services/db/reschedule.ts. `tutorName` for the student's memory. */
  | { type: "move_booking"; bookingId: string; to: { tutorId: string; tutorName: string; date: string; start: string; end: string } }
  /** A message for the tutoring center, sent after the student said yes: `words` as they wrote them, `note` what staff receive (the words, then the chat's context). */
  | { type: "leave_message"; words: string; note: string }
  /** Joins the line for a slot someone else holds (durable-objects/waitlist.ts). */
  | { type: "join_waitlist"; wanted: WaitForSlot; subject: string }
  | { type: "leave_waitlist"; tutorId: string; tutorName: string; slot: SessionSlot };

export interface AssistantTurn {
  replies: AssistantReply[];
  /** Fields to overwrite in the session; absent keys stay as they are. */
  patch: Partial<SessionFields>;
  effect?: AssistantEffect;
}

/** Everything one turn of the assistant works from, computed once per message. */
export interface TurnContext {
  fields: SessionFields;
  message: string;
  parsed: ParsedMessage;
  today: LocalNow;
  /** The instant of the turn, for the center's lead time. */
  now: Date;
  /** The center's booking rules: what is never offered, and why a request is refused. */
  policy: CenterPolicy;
  catalog: TutorCatalog;
  subjects: readonly string[];
  /** What the student's memory holds (the sidecar only; the fallback has none). */
  memory?: MemoryView;
  /** A message for the center can be queued (false in the stateless fallback, which stores nothing). */
  staffReachable: boolean;
  /** The language this turn is answered in, and its phrasings. */
  lang: Language;
  say: Phrases;
}
