import type { MeetingMode } from "./parse-contact";
import type { Intent } from "./parse-intent";

/**
 * The words a button, a quick reply or the booking form sends as the student.
 * The assistant reads them with the same parser as typed text, so they are
 * written once, here, and imported by the assistant, the chat's buttons and the
 * sidecar's notices: rewording one cannot silently break a button.
 * `QUICK_MEANING` says what the parser must read in each, and
 * tests/unit/commands.test.ts holds every entry (and every starter) to it.
 */
export const QUICK = {
  book: "Book this tutor",
  others: "Show me other tutors",
  changeTime: "Change the time",
  startOver: "Start over",
  leaveMessage: "Leave a message for the tutoring center",
  changeIt: "Change it",
  yes: "Yes",
  no: "No",
  confirm: "Confirm booking",
  back: "Go back",
  cancel: "Cancel",
  online: "Online",
  inPerson: "In person",
  cancelBooking: "Cancel my booking",
  reschedule: "Move my booking",
  today: "Today",
  tomorrow: "Tomorrow",
  thisWeekend: "This weekend",
  morning: "Morning",
  afternoon: "Afternoon",
  evening: "Evening",
  anyTime: "Any time",
  tryAgain: "Try again",
  joinWaitlist: "Join the waitlist",
  leaveWaitlist: "Leave the waitlist",
  bookIt: "Book it",
} as const;

export type CommandMeaning =
  | { intent: Intent }
  /** An answer to the booking form's "online or in person?". */
  | { mode: MeetingMode }
  /** Search criteria: "skill" is met by a subject or a choice of subjects. */
  | { criteria: ReadonlyArray<"skill" | "day" | "time"> }
  /**
   * Send the failed message again: offered when a turn fails or a queued message
   * dies. The chat sends the student's last message, not these words
   * (`quickReplyText`), so the assistant never has to read them.
   */
  | { resend: true };

/** A key missing here is a type error, so a new quick reply cannot go untested. */
export const QUICK_MEANING: { readonly [K in keyof typeof QUICK]: CommandMeaning } = {
  book: { intent: "book" },
  others: { intent: "other_tutors" },
  changeTime: { intent: "change_time" },
  startOver: { intent: "start_over" },
  leaveMessage: { intent: "leave_message" },
  changeIt: { intent: "edit_message" },
  yes: { intent: "affirm" },
  no: { intent: "deny" },
  confirm: { intent: "affirm" },
  back: { intent: "back" },
  cancel: { intent: "cancel" },
  online: { mode: "online" },
  inPerson: { mode: "in_person" },
  cancelBooking: { intent: "cancel_booking" },
  reschedule: { intent: "reschedule" },
  today: { criteria: ["day"] },
  tomorrow: { criteria: ["day"] },
  thisWeekend: { criteria: ["day"] },
  morning: { criteria: ["time"] },
  afternoon: { criteria: ["time"] },
  evening: { criteria: ["time"] },
  anyTime: { criteria: ["time"] },
  tryAgain: { resend: true },
  joinWaitlist: { intent: "join_waitlist" },
  leaveWaitlist: { intent: "leave_waitlist" },
  bookIt: { intent: "book" },
};

export const MATCH_QUICK_REPLIES = [QUICK.book, QUICK.others, QUICK.changeTime];
export const DAY_QUICK_REPLIES = [QUICK.today, QUICK.tomorrow, QUICK.thisWeekend];
export const TIME_QUICK_REPLIES = [QUICK.morning, QUICK.afternoon, QUICK.evening, QUICK.anyTime];

/** The empty chat's suggestions. */
export const STARTERS: ReadonlyArray<{ text: string; means: CommandMeaning }> = [
  { text: "I need help with Python on Monday at 10", means: { criteria: ["skill", "day", "time"] } },
  { text: "Find a calculus tutor this weekend", means: { criteria: ["skill", "day"] } },
  { text: "What can you do?", means: { intent: "help" } },
];

/** The booking form's contact step, as the message the contact parser reads. */
export function contactMessage(name: string, email: string): string {
  return `${name.trim()}, ${email.trim()}`;
}

/** The booking form's details step, as the message the details parser reads, with the mode in the chat's words. */
export function detailsMessage(mode: MeetingMode, intake: string, words: Readonly<Record<"online" | "inPerson", string>> = QUICK): string {
  return `${mode === "online" ? words.online : words.inPerson}. ${intake.trim()}`;
}

/**
 * What pressing a quick reply sends: its own words, except "Try again", which
 * sends the student's last message again (a new message: the failed one stays
 * in the history with its apology).
 */
export function quickReplyText(reply: string, messages: ReadonlyArray<{ role: string; content: string }>): string {
  if (reply !== QUICK.tryAgain) return reply;
  return messages.findLast((message) => message.role === "user")?.content ?? reply;
}
