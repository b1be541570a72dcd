import { matchKind } from "./match";
import { hasCriteria, parseContact, parseDetails, type MeetingMode } from "./parse";
import { matchQuickReplies } from "./phrases";
import { matchSentence } from "./phrasing";
import type { BookingInfo, BookingStep, Tutor, TutorMatch } from "./schemas";
import { criteriaOf, turn } from "./turn-context";
import type { AssistantTurn, TurnContext } from "./turn-types";

/**
 * The booking form, one step per message: confirm the slot, name and email,
 * meeting mode and topic, then a review. The form lives in `bookingInfo`, so
 * a reload resumes at the same step. Confirming the review does not book: it
 * returns a `create_booking` effect for the caller to perform.
 */

const FORM_STEPS: ReadonlySet<BookingStep> = new Set(["confirm_slot", "contact", "details", "review"]);

export function inForm(booking: BookingInfo | null): booking is BookingInfo {
  return booking !== null && FORM_STEPS.has(booking.step);
}

/** The caller should drop the form and treat the message as a new search request. */
export const LEAVE_FORM = "leave_form";

/** A stated goal shapes the question ("What would you like to cover for your Calc II exam?"). */
function intakeQuestion(ctx: TurnContext): string {
  const goal = ctx.memory?.goal;
  return goal ? ctx.say.intakeForGoal(goal) : ctx.say.intakeQuestion;
}

/** Name and email the student's memory holds: the contact step then only asks to confirm them. */
function knownContact(ctx: TurnContext): { studentName: string; studentEmail: string } | undefined {
  const { name, email } = ctx.memory ?? {};
  return name && email ? { studentName: name, studentEmail: email } : undefined;
}

/**
 * The repeat of the student's last session (the welcome-back offer accepted, same tutor): the
 * mode it had (or the one the tutor allows) and a topic carried over, so the form goes straight to
 * the review, where the student confirms every detail, contact included, in one message.
 */
function repeatDetails(ctx: TurnContext, booking: BookingInfo): Pick<BookingInfo, "mode" | "intake"> | undefined {
  const last = ctx.memory?.lastSession;
  if (!last || last.tutorId !== booking.tutorId || !last.subject) return undefined;
  // The tutor's only way, else what the student prefers (their own edit wins), else last time's.
  const mode = fixedMode(tutorFor(ctx, booking.tutorId)) ?? ctx.memory?.preferredMode ?? last.mode;
  const goal = ctx.memory?.goal;
  return { mode, intake: goal ? `${last.subject}: ${goal}` : `More ${last.subject}, as last time` };
}

function confirmContact(ctx: TurnContext, booking: BookingInfo & { studentName: string; studentEmail: string }, lead = ""): AssistantTurn {
  return turn(`${lead}${ctx.say.bookAs(booking.studentName, booking.studentEmail)}`, [ctx.say.quick.yes, ctx.say.quick.no], form({ ...booking, step: "contact" }));
}

function subjectFor(ctx: TurnContext, tutor: Tutor | undefined): string {
  return criteriaOf(ctx.fields).skill ?? tutor?.subjects[0] ?? "tutoring";
}

function tutorFor(ctx: TurnContext, tutorId: string): Tutor | undefined {
  const { pendingMatch, availableTutors } = ctx.fields;
  if (pendingMatch?.tutor.id === tutorId) return pendingMatch.tutor;
  return availableTutors.find((match) => match.tutor.id === tutorId)?.tutor;
}

/** A tutor who meets only one way decides the mode; "both" leaves it to the student. */
function fixedMode(tutor: Tutor | undefined): MeetingMode | undefined {
  return tutor?.mode === "online" || tutor?.mode === "in_person" ? tutor.mode : undefined;
}

function form(booking: BookingInfo, patch: AssistantTurn["patch"] = {}): AssistantTurn["patch"] {
  return { bookingInfo: booking, ...patch };
}

function confirmQuestion(ctx: TurnContext, booking: BookingInfo, lead = ctx.say.justToConfirm): AssistantTurn {
  const subject = subjectFor(ctx, tutorFor(ctx, booking.tutorId));
  return turn(ctx.say.confirmSlot(lead, subject, booking.tutorName, booking.slot), [ctx.say.quick.yes, ctx.say.quick.no], form(booking));
}

export function startBooking(ctx: TurnContext, match: TutorMatch): AssistantTurn {
  const current = ctx.fields.bookingInfo;
  if (current?.step === "confirmed" && current.tutorId === match.tutor.id && current.slot.date === match.slot.date && current.slot.start === match.slot.start) {
    return turn(ctx.say.alreadyBooked(current.tutorName, current.slot), [ctx.say.quick.cancelBooking, ctx.say.quick.startOver]);
  }
  return confirmQuestion(ctx, { step: "confirm_slot", tutorId: match.tutor.id, tutorName: match.tutor.name, slot: match.slot });
}

function detailsQuestion(ctx: TurnContext, booking: BookingInfo, lead = ""): AssistantTurn {
  const tutor = tutorFor(ctx, booking.tutorId);
  const mode = fixedMode(tutor);
  // A tutor who meets both ways, a student who asked for one (or prefers one): that one, said, and changeable at the review.
  const preferred = !mode && !booking.mode && tutor?.mode === "both" ? (criteriaOf(ctx.fields).mode ?? ctx.memory?.preferredMode) : undefined;
  const next: BookingInfo = { ...booking, step: "details", ...(mode ? { mode } : preferred ? { mode: preferred } : {}) };
  const intake = intakeQuestion(ctx);
  if (!next.mode) {
    const ask = next.intake ? ctx.say.askMode : ctx.say.askModeAndIntake(intake);
    return turn(`${lead}${ask}`, [ctx.say.quick.online, ctx.say.quick.inPerson], form(next));
  }
  const only = mode ? ctx.say.onlyMode(booking.tutorName, mode) : preferred ? ctx.say.asPreferred(preferred) : "";
  return turn(`${lead}${only}${intake}`, undefined, form(next));
}

function review(ctx: TurnContext, booking: BookingInfo, lead = ""): AssistantTurn {
  const { studentName, studentEmail, mode, intake } = booking;
  if (!studentName || !studentEmail) return turn(`${lead}${ctx.say.contactQuestion}`, undefined, form({ ...booking, step: "contact" }));
  if (!mode || !intake) return detailsQuestion(ctx, booking, lead);
  const summary = ctx.say.summary({
    tutorName: booking.tutorName,
    subject: subjectFor(ctx, tutorFor(ctx, booking.tutorId)),
    slot: booking.slot,
    mode,
    name: studentName,
    email: studentEmail,
    intake,
  });
  return turn(`${lead}${summary}`, [ctx.say.quick.confirm, ctx.say.quick.back, ctx.say.quick.cancel], form({ ...booking, step: "review" }));
}

function contactStep(ctx: TurnContext, booking: BookingInfo): AssistantTurn {
  // Both already filled in (from memory): the question was "Book as …?".
  if (booking.studentName && booking.studentEmail) {
    if (ctx.parsed.intent === "affirm" || ctx.parsed.intent === "book") return detailsQuestion(ctx, booking);
    if (ctx.parsed.intent === "deny") {
      const { studentName: _name, studentEmail: _email, ...rest } = booking;
      return turn(`${ctx.say.okay}${ctx.say.contactQuestion}`, undefined, form({ ...rest, step: "contact" }));
    }
  }
  const contact = parseContact(ctx.message);
  // Once the name is known, a message without a valid address is a failed email, not a new name.
  const name = booking.studentName && !contact.email ? booking.studentName : contact.name ?? booking.studentName;
  const email = contact.email ?? booking.studentEmail;
  const next: BookingInfo = { ...booking, ...(name ? { studentName: name } : {}), ...(email ? { studentEmail: email } : {}) };
  if (contact.invalidEmail || (booking.studentName && !contact.email && !email)) {
    return turn(ctx.say.badEmail, undefined, form(next));
  }
  if (name && email) return detailsQuestion(ctx, next, ctx.say.thanksName(name.split(" ")[0] ?? name));
  if (name) return turn(ctx.say.askEmail(name.split(" ")[0] ?? name), undefined, form(next));
  if (email) return turn(ctx.say.askName, undefined, form(next));
  return turn(ctx.say.needContact, undefined, form(next));
}

function detailsStep(ctx: TurnContext, booking: BookingInfo): AssistantTurn {
  const tutor = tutorFor(ctx, booking.tutorId);
  const details = parseDetails(ctx.message);
  const fixed = fixedMode(tutor);
  let lead = "";
  let mode = fixed ?? details.mode ?? booking.mode;
  if (fixed && details.mode && details.mode !== fixed) lead = ctx.say.onlyModeFixed(booking.tutorName, fixed);
  // "Either" with a tutor who does both: online needs no room.
  if (!mode && details.anyMode) {
    mode = "online";
    lead = ctx.say.onlineItIs;
  }
  const intake = details.intake ?? booking.intake;
  const next: BookingInfo = { ...booking, ...(mode ? { mode } : {}), ...(intake ? { intake } : {}) };
  if (mode && intake) return review(ctx, next, lead);
  if (!mode) return turn(`${lead}${ctx.say.askMode}`, [ctx.say.quick.online, ctx.say.quick.inPerson], form(next));
  return turn(`${lead}${intakeQuestion(ctx)}`, undefined, form(next));
}

function reviewStep(ctx: TurnContext, booking: BookingInfo): AssistantTurn {
  const { intent } = ctx.parsed;
  const { studentName, studentEmail, mode, intake } = booking;
  if (intent === "affirm" || intent === "book") {
    if (!studentName || !studentEmail || !mode || !intake) return review(ctx, booking);
    return {
      replies: [{ content: ctx.say.booking(booking.tutorName) }],
      patch: {},
      effect: {
        type: "create_booking",
        booking: {
          tutorId: booking.tutorId, date: booking.slot.date, start: booking.slot.start, end: booking.slot.end,
          studentName, studentEmail, mode, intake, subject: criteriaOf(ctx.fields).skill ?? "",
          ...(booking.fromWaitlist ? { fromWaitlist: true } : {}),
        },
      },
    };
  }
  if (intent === "deny") {
    return turn(ctx.say.whatToChange, [ctx.say.quick.back, ctx.say.quick.changeTime, ctx.say.quick.cancel]);
  }
  const contact = parseContact(ctx.message);
  if (contact.email && contact.email !== studentEmail) return review(ctx, { ...booking, studentEmail: contact.email }, ctx.say.updatedEmail);
  return review(ctx, booking, ctx.say.confirmOrBack);
}

function confirmSlotStep(ctx: TurnContext, booking: BookingInfo): AssistantTurn | typeof LEAVE_FORM {
  const { intent } = ctx.parsed;
  if (intent === "affirm" || intent === "book") {
    const known = knownContact(ctx);
    const repeat = known && repeatDetails(ctx, booking);
    if (known && repeat) return review(ctx, { ...booking, ...known, ...repeat }, ctx.say.sameAsLastTime);
    if (known) return confirmContact(ctx, { ...booking, ...known }, ctx.say.great);
    return turn(`${ctx.say.great}${ctx.say.contactQuestion}`, undefined, form({ ...booking, step: "contact" }));
  }
  if (intent === "deny") {
    return turn(ctx.say.nothingBookedOthers, [ctx.say.quick.others, ctx.say.quick.changeTime, ctx.say.quick.startOver], {
      bookingInfo: null,
    });
  }
  if (hasCriteria(ctx.parsed)) return LEAVE_FORM;
  return confirmQuestion(ctx, booking, ctx.say.answerYesNo);
}

function formBack(ctx: TurnContext, booking: BookingInfo): AssistantTurn {
  const { studentName: _name, studentEmail: _email, mode: _mode, intake: _intake, ...slotOnly } = booking;
  switch (booking.step) {
    case "confirm_slot": {
      const match = ctx.fields.pendingMatch;
      if (!match) return turn(ctx.say.backToSubject, undefined, { bookingInfo: null });
      const sentence = matchSentence({ match, kind: matchKind(match.score) }, criteriaOf(ctx.fields), false, undefined, ctx.say);
      return turn(ctx.say.backToMatch(sentence), matchQuickReplies(ctx.say), { bookingInfo: null });
    }
    case "contact":
      return confirmQuestion(ctx, { ...slotOnly, step: "confirm_slot" }, ctx.say.oneStepBackAsk);
    case "details":
      return turn(`${ctx.say.oneStepBack} ${ctx.say.contactQuestion}`, undefined, form({ ...slotOnly, step: "contact" }));
    default: {
      const { mode: _m, intake: _i, ...withContact } = booking;
      return detailsQuestion(ctx, withContact, `${ctx.say.oneStepBack} `);
    }
  }
}

function cancelForm(ctx: TurnContext, booking: BookingInfo): AssistantTurn {
  return turn(ctx.say.formCancelled(ctx.fields.pendingMatch ? booking.tutorName : undefined), matchQuickReplies(ctx.say), { bookingInfo: null });
}

/** One message while the form is open; LEAVE_FORM hands it back to the search flow. */
export function bookingTurn(ctx: TurnContext, booking: BookingInfo): AssistantTurn | typeof LEAVE_FORM {
  switch (ctx.parsed.intent) {
    case "back":
      return formBack(ctx, booking);
    case "cancel":
    case "cancel_booking":
      return cancelForm(ctx, booking);
    case "other_tutors":
    case "change_time":
    case "change_day":
      return LEAVE_FORM;
    default:
      break;
  }
  switch (booking.step) {
    case "confirm_slot":
      return confirmSlotStep(ctx, booking);
    case "contact":
      return contactStep(ctx, booking);
    case "details":
      return detailsStep(ctx, booking);
    default:
      return reviewStep(ctx, booking);
  }
}
