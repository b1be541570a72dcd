/**
 * The commands a student can give (parse-intent.ts reads them, in English and
 * in each language's lexicon file). Its own module so a lexicon can name them
 * without importing the parser.
 */
export type Intent =
  | "start_over"
  | "cancel_booking"
  | "reschedule"
  | "cancel"
  | "change_time"
  | "change_day"
  | "back"
  | "help"
  | "leave_message"
  | "other_tutors"
  | "book"
  | "affirm"
  | "deny"
  | "thanks"
  | "join_waitlist"
  | "leave_waitlist"
  /** "Change it": rewrite the message about to go to the center (elsewhere read as a move, see assistant.ts). */
  | "edit_message";
