import type { Tone } from "../../center/persona";
import type { QUICK } from "../commands";
import type { RankedMatch } from "../match";
import type { SearchCriteria, SessionSlot, TutorMode, Weekday } from "../schemas";
import type { UnknownSubject } from "../unknown-subject";

/**
 * Everything the assistant says, as one language says it. A language is one
 * file (en.ts, es.ts) that fills this shape; the type checker holds every file
 * to every sentence. Plain text only: the chat renders no markdown.
 */

export type QuickKey = keyof typeof QUICK;

export interface Phrases {
  /** The words each quick reply sends; the parser must read them as QUICK_MEANING says (tests/unit/commands.test.ts). */
  quick: Record<QuickKey, string>;
  /** The tone's phrasings (lib/center/persona.ts, TONE_PHRASES). */
  tone: Record<Tone, { askSubject: string; notUnderstood: string; stillNotUnderstood: string; bookedSignOff: string }>;
  /** The center's default greeting in this language; a greeting the center wrote is said as written. */
  defaultGreeting: string;

  // Dates, times and lists.
  /** "Monday, Nov 23 at 10:00–11:00". */
  slot(slot: SessionSlot): string;
  dayName(day: Weekday): string;
  /** "any day" when no weekday is known. */
  anyDay: string;
  mode(mode: TutorMode | "online" | "in_person"): string;
  /** "A, B and C" / "A, B or C". */
  list(items: readonly string[], joiner: "and" | "or"): string;
  /** How the student's time wish reads back: "at 10:00", "in the morning", "after 15:00". */
  timeWish(criteria: SearchCriteria): string;

  // Searching.
  gotSubject(skill: string): string;
  askDay: string;
  askTime(day: Weekday | undefined): string;
  noTutors(skill: string): string;
  noOpeningWith(tutorName: string): string;
  everyoneShown(skill: string): string;
  sure: string;
  backToSubject: string;
  nothingToGoBack: string;
  whichOne(options: readonly string[]): string;
  matchOptions: string;
  tellMe: string;
  stillNotUnderstood(tonePhrase: string): string;
  knownSubjects(subjects: readonly string[]): string;
  notOffered(unknown: UnknownSubject, nearest: readonly string[]): string;
  /** Where a search looked, before an offer inside a window; "" for an exact hour. */
  searched(criteria: SearchCriteria, today: string): string;
  match(ranked: RankedMatch, subject: string, criteria: SearchCriteria, others: boolean, only?: string): string;
  nearestAllowed(ranked: RankedMatch, subject: string): string;
  notTeaching(tutorName: string, skill: string): string;
  meetsOnly(tutorName: string, mode: TutorMode): string;
  noneMeets(skill: string, mode: "online" | "in_person"): string;

  // Commands anywhere.
  help: string;
  startOver: string;
  noBookingToCancel: string;
  noBookingToMove: string;
  noWaitFor: string;
  addingToWaitlist(tutorName: string, slot: SessionSlot): string;
  noWaitlist: string;
  findTutorFirst: string;
  sayCancelMyBooking: string;
  nothingToCancel: string;
  denyAtMatch: string;
  welcome: string;
  hiAgain(name: string | undefined): string;

  // The booking form.
  contactQuestion: string;
  intakeQuestion: string;
  intakeForGoal(goal: string): string;
  bookAs(name: string, email: string): string;
  justToConfirm: string;
  confirmSlot(lead: string, subject: string, tutorName: string, slot: SessionSlot): string;
  alreadyBooked(tutorName: string, slot: SessionSlot): string;
  askMode: string;
  askModeAndIntake(intakeQuestion: string): string;
  onlyMode(tutorName: string, mode: "online" | "in_person"): string;
  asPreferred(mode: "online" | "in_person"): string;
  summary(input: { tutorName: string; subject: string; slot: SessionSlot; mode: "online" | "in_person"; name: string; email: string; intake: string }): string;
  okay: string;
  badEmail: string;
  thanksName(first: string): string;
  askEmail(first: string): string;
  askName: string;
  needContact: string;
  onlyModeFixed(tutorName: string, mode: "online" | "in_person"): string;
  onlineItIs: string;
  booking(tutorName: string): string;
  whatToChange: string;
  updatedEmail: string;
  confirmOrBack: string;
  sameAsLastTime: string;
  great: string;
  nothingBookedOthers: string;
  answerYesNo: string;
  backToMatch(sentence: string): string;
  oneStepBack: string;
  /** The same, leading a question ("Okay, one step back: …"). */
  oneStepBackAsk: string;
  formCancelled(stillAvailable: string | undefined): string;

  // Cancelling a confirmed session.
  cancelQuestion(booking: { tutorName: string; slot: SessionSlot }, subject: string | undefined): string;
  lateCancelWarning(cutoffHours: number): string;
  cancelling(tutorName: string, slot: SessionSlot): string;
  kept(booking: { tutorName: string; slot: SessionSlot }): string;
  cancelled(booking: { tutorName: string; slot: SessionSlot } | null): string;
  lateCancel(cutoffHours: number): string;

  // After an effect.
  booked(input: { tutorName: string; slot: SessionSlot; bookingId?: string; meetingLink?: string; email: string; signOff: string }): string;
  bookedNoForm: string;
  emailOnItsWay(kind: "confirmation" | "cancellation" | "update", address: string): string;
  noOtherTutor(lead: string): string;
  slotTaken(tutorName: string): string;
  notOpen(tutorName: string): string;
  tooManyBookings(limit: number): string;
  noLongerBooking(tutorName: string): string;
  nothingBookedBecause(explanation: string): string;
  badContact(field: "name" | "email"): string;
  weeklyCap(cap: number): string;
  bookingFailed: string;
  bookingNotFound: string;
  nothingChanged(message: string): string;
  cancelFailed: string;
  waitlistFailed: string;
  offWaitlist(session: string, wasOn: boolean): string;
  onWaitlist(session: string, position: number): string;
  sessionWith(tutorName: string, slot: SessionSlot): string;
  messageSent: string;
  messageFailed: string;

  // A message for the tutoring center (handoff-flow.ts); what staff receive stays in English.
  handoffAsk: string;
  handoffAskAgain: string;
  handoffTooLong(length: number, max: number): string;
  handoffConfirm(lead: string, words: string): string;
  handoffDropped: string;
  handoffUnreachable: string;
  nothingSentYet: string;

  // Notices the sidecar pushes into the chat later (durable-objects/chat-session.ts, durable-objects/waitlist.ts).
  centerCancelled(booking: { tutorName: string; slot: SessionSlot }, reason: string): string;
  waitlistOffer(tutorName: string, slot: SessionSlot, minutes: number): string;
  waitlistOfferEnded(booking: { tutorName: string; slot: SessionSlot }): string;
  /** The search's word on the exact hour asked for, taken: its waitlist can be joined. */
  takenAtRequest(tutorName: string, slot: SessionSlot): string;

  /** Why no email goes to the student's address: it asked us to stop, or it had `cap` from us today (lib/mail/recipients.ts). */
  emailWithheld(to: string, reason: "suppressed" | "capped" | "unconfirmed", cap: number): string;

  // Moving a confirmed booking (move-flow.ts) and what came of it (effect-outcome.ts).
  move: {
    /** "Ada is free on …" (the same tutor); another tutor is said as one who also teaches the subject. */
    sameTutorFree(tutorName: string, slot: SessionSlot): string;
    otherTutorFree(tutorName: string, skill: string | undefined, slot: SessionSlot): string;
    /** The question after that sentence; `otherTutor` when the move changes tutor. */
    offer(from: SessionSlot, otherTutor: string | undefined): string;
    nothingAtAsked: string;
    tooLate(cutoffHours: number, booking: { tutorName: string; slot: SessionSlot }): string;
    whichSubject(tutorName: string): string;
    noneFree(who: { othersOnly: boolean; tutorName: string; skill: string }, slot: SessionSlot): string;
    moving(slot: SessionSlot, otherTutor: string | undefined): string;
    /** "Your session stays on … with …." */
    stays(booking: { tutorName: string; slot: SessionSlot }): string;
    done(input: { slot: SessionSlot; tutorName: string; from: SessionSlot; number: string | undefined }): string;
    justTaken: string;
    notOpen: string;
    tryAnotherDay: string;
    ruleRefused(explanation: string): string;
    weeklyCap(cap: number): string;
    notFound: string;
    nothingChanged(message: string): string;
    failed: string;
    moved: string;
    notMoved: string;
  };

  // A returning student's first offer (welcome-back.ts).
  welcomeBack(first: string | undefined): string;
  again(subject: string, tutorName: string, slot: SessionSlot): string;
  insteadOf(last: { subject: string; tutorName: string; day: Weekday; start: string }, tutorName: string, slot: SessionSlot): string;

  // The center's rules, when one refuses a slot (lib/center/policy.ts `checkSlot`).
  rule: {
    /** `noticeMinutes` of notice needed; the earliest bookable start (`date`, `clock`). */
    leadTime(noticeMinutes: number, date: string, clock: string): string;
    horizon(days: number, lastDate: string): string;
    closedDate(date: string, reason: string | undefined): string;
    closedDay(day: Weekday): string;
    outsideHours(day: Weekday, open: string, close: string): string;
  };
}
