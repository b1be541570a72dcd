import { DEFAULT_PERSONA, TONE_PHRASES } from "../../center/persona";
import { capitalize, formatDate } from "../../calendar";
import { QUICK } from "../commands";
import { ANY_TIME, isAnyTime, joinList, periodOf, rangeEnd, windowEnd } from "./shared";
import type { Phrases } from "./types";

/** English: the assistant's first language, and the wording every test and button was written against. */

const CONTACT_QUESTION = "What's your name and email? For example: Ada Lovelace, ada@example.com";
const MATCH_OPTIONS = "You can book this tutor, see other tutors, or change the time.";

const mode: Phrases["mode"] = (value) => (value === "in_person" ? "in person" : value === "both" ? "online or in person" : "online");
const slot: Phrases["slot"] = (value) => `${formatDate(value.date)} at ${value.start}–${value.end}`;

const timeWish: Phrases["timeWish"] = (criteria) => {
  const { timeFrom, timeTo } = criteria;
  if (!timeFrom && !timeTo) return "";
  if (timeFrom === timeTo) return `at ${timeFrom}`;
  if (isAnyTime(criteria)) return "at any time";
  const period = periodOf(criteria);
  if (period) return `in the ${period}`;
  const end = timeTo ? rangeEnd(timeTo) : "";
  if (timeFrom && timeTo) return `between ${timeFrom} and ${end}`;
  if (timeFrom) return `after ${timeFrom}`;
  return `before ${end}`;
};

const dayWish = (criteria: { day?: string }) => (criteria.day ? capitalize(criteria.day) : "any day");

export const EN: Phrases = {
  quick: QUICK,
  tone: TONE_PHRASES,
  defaultGreeting: DEFAULT_PERSONA.greeting,

  slot,
  dayName: (day) => capitalize(day),
  anyDay: "any day",
  mode,
  list: (items, joiner) => joinList(items, joiner),
  timeWish,

  gotSubject: (skill) => `${skill}, got it. `,
  askDay: "What day works for you?",
  askTime: (day) => `What time${day ? ` on ${capitalize(day)}` : ""} works for you? A time like 10am is fine, or morning, afternoon or evening.`,
  noTutors: (skill) => `Sorry, I don't have any ${skill} tutors right now. I can leave a message for the tutoring center, or we can look at another subject.`,
  noOpeningWith: (name) => `${name} has no opening I can offer for this search. Want to see other tutors, or try a different time?`,
  everyoneShown: (skill) => `That's everyone who teaches ${skill} for this search. Want to try a different time, or start over?`,
  sure: "Sure. ",
  backToSubject: "Okay. What subject would you like help with?",
  nothingToGoBack: "There's nothing to go back to yet. What subject would you like help with?",
  whichOne: (options) => `Which one do you mean: ${options.length === 2 ? options.join(" or ") : joinList(options, "or")}?`,
  matchOptions: MATCH_OPTIONS,
  tellMe: `Tell me a subject, day and time, like "Python on Monday at 10".`,
  stillNotUnderstood: (phrase) => `${phrase} I can leave a message for the tutoring center staff, or you can try something like "Python on Monday at 10".`,
  knownSubjects: (subjects) => ` I know subjects like ${subjects.join(", ")}.`,
  notOffered: (unknown, nearest) => {
    const missing = unknown.known ? `We don't offer ${unknown.name}.` : `We don't have a subject called "${unknown.name}".`;
    if (nearest.length === 0) return `${missing} I can leave a message for the tutoring center.`;
    return `${missing} We do offer ${joinList(nearest, "and")}. Would one of those help?`;
  },
  searched: (criteria, today) => {
    const { timeFrom, timeTo } = criteria;
    if (isAnyTime(criteria)) {
      if (!criteria.day && criteria.date === today) return "The soonest I can book: ";
      return criteria.date === today ? "The soonest today: " : "";
    }
    if ((!timeFrom && !timeTo) || timeFrom === timeTo) return "";
    if (timeFrom && timeTo) return `I looked between ${timeFrom} and ${windowEnd(timeTo)}. `;
    if (timeFrom) return `I looked after ${timeFrom}. `;
    return `I looked before ${windowEnd(timeTo ?? ANY_TIME.timeTo)}. `;
  },
  match: ({ match, kind }, subject, criteria, others, only) => {
    const offer = `${match.tutor.name} is free ${slot(match.slot)} (${mode(match.tutor.mode)}). Want to book?`;
    const nobody = only ? `${only} isn't` : others ? `No other ${subject} tutor is` : `No ${subject} tutor is`;
    if (kind === "exact") {
      const sentence = `${match.tutor.name} teaches ${subject} and is free ${slot(match.slot)} (${mode(match.tutor.mode)}). Want to book?`;
      return others ? `Here's another option: ${sentence}` : sentence;
    }
    if (kind === "same_day") return `${nobody} free ${dayWish(criteria)} ${timeWish(criteria)}. The closest: ${offer}`;
    return `${nobody} free on ${dayWish(criteria)}. The nearest opening: ${offer}`;
  },
  nearestAllowed: ({ match }, subject) =>
    `The nearest time I can book: ${match.tutor.name} teaches ${subject} and is free ${slot(match.slot)} (${mode(match.tutor.mode)}). Want to book?`,
  notTeaching: (name, skill) => `${name} doesn't teach ${skill}. `,
  meetsOnly: (name, value) => `${name} meets ${mode(value)} only. `,
  noneMeets: (skill, value) => `No ${skill} tutor meets ${mode(value)}. `,

  help:
    "I'm an automated assistant. Tell me a subject, day and time, like \"Python on Monday at 10\", and I'll find a tutor and book the session. " +
    "You can also say \"show me other tutors\", \"change the time\", \"go back\", \"cancel\" or \"start over\", and move a booked session with \"reschedule my booking\". If I can't help, I can leave a message for the tutoring center.",
  startOver: "Okay, let's start over. What subject would you like help with?",
  noBookingToCancel: "There's no confirmed booking in this chat. Bookings from all your chats are under My bookings, where each one can be cancelled.",
  noBookingToMove: "There's no confirmed booking in this chat to move. A session is moved from the chat that booked it; My bookings lists them all.",
  noWaitFor: "There's no full session to wait for in this chat. Tell me a subject, day and time and I'll look for a tutor.",
  addingToWaitlist: (name, value) => `Adding you to the waitlist for ${name} on ${slot(value)}...`,
  noWaitlist: "There's no waitlist for this chat to leave.",
  findTutorFirst: "Let's find you a tutor first. ",
  sayCancelMyBooking: "To cancel your confirmed session, say \"cancel my booking\".",
  nothingToCancel: "There's nothing to cancel right now. Anything else I can help with?",
  denyAtMatch: "Okay. Want to see other tutors, change the time, or start over?",
  welcome: "You're welcome! Anything else I can help with?",
  hiAgain: (name) => (name ? `Hi again! I'm ${name}, the automated tutoring assistant. ` : "Hi again! I'm the automated tutoring assistant. "),

  contactQuestion: CONTACT_QUESTION,
  intakeQuestion: "What would you like to work on? A few words is plenty, like \"recursion homework\" or \"exam review\".",
  intakeForGoal: (goal) => `What would you like to cover for your ${goal}? A few words is plenty.`,
  bookAs: (name, email) => `Book as ${name}, ${email}?`,
  justToConfirm: "Just to confirm:",
  confirmSlot: (lead, subject, name, value) => `${lead} ${subject} with ${name} on ${slot(value)}. Shall I continue?`,
  alreadyBooked: (name, value) => `You're already booked with ${name} on ${slot(value)}.`,
  askMode: "Would you like to meet online or in person?",
  askModeAndIntake: (intake) => `Would you like to meet online or in person? And ${intake.charAt(0).toLowerCase()}${intake.slice(1)}`,
  onlyMode: (name, value) => `${name} meets ${mode(value)} only, so this will be an ${value === "online" ? "online" : "in-person"} session. `,
  asPreferred: (value) => `${value === "online" ? "Online" : "In person"}, as you prefer. `,
  summary: (input) =>
    [
      "Please check your booking:",
      `Tutor: ${input.tutorName}`,
      `Subject: ${input.subject}`,
      `When: ${slot(input.slot)}`,
      `Where: ${capitalize(mode(input.mode))}`,
      `Name: ${input.name}`,
      `Email: ${input.email}`,
      `Topic: ${input.intake}`,
      "Shall I book it?",
    ].join("\n"),
  okay: "Okay. ",
  badEmail: "That email address doesn't look right. Could you type it again? For example: ada@example.com",
  thanksName: (first) => `Thanks, ${first}. `,
  askEmail: (first) => `Thanks, ${first}. What's your email address?`,
  askName: "Thanks! And what's your name?",
  needContact: `I need your name and email to book. ${CONTACT_QUESTION}`,
  onlyModeFixed: (name, value) => `${name} meets ${mode(value)} only, so this will be ${mode(value)}. `,
  onlineItIs: "Online it is. ",
  booking: (name) => `Booking your session with ${name} now...`,
  whatToChange: "What would you like to change? You can go back a step, change the time, or cancel.",
  updatedEmail: "Updated your email. ",
  confirmOrBack: "Please confirm, go back, or cancel. ",
  sameAsLastTime: "Great, the same as last time. ",
  great: "Great. ",
  nothingBookedOthers: "No problem, nothing is booked. Want to see other tutors or change the time?",
  answerYesNo: "Please answer yes or no:",
  backToMatch: (sentence) => `Okay, back to the match. ${sentence}`,
  oneStepBack: "Okay, one step back.",
  oneStepBackAsk: "Okay, one step back:",
  formCancelled: (still) => `Okay, I've cancelled the booking form. Nothing was booked.${still ? ` ${still} is still available if you change your mind.` : ""}`,

  cancelQuestion: (booking, subject) => `Cancel ${subject || "your session"} with ${booking.tutorName} on ${slot(booking.slot)}? This can't be undone.`,
  lateCancelWarning: (hours) => `It's less than ${hours} hour${hours === 1 ? "" : "s"} before the start, so it will count as a late cancellation.`,
  cancelling: (name, value) => `Cancelling your session with ${name} on ${slot(value)}...`,
  kept: (booking) => `Okay, nothing changed: your session stays on ${slot(booking.slot)} with ${booking.tutorName}.`,
  cancelled: (booking) => `Your session${booking ? ` with ${booking.tutorName} on ${slot(booking.slot)}` : ""} is cancelled.`,
  lateCancel: (hours) => `It was less than ${hours} hour${hours === 1 ? "" : "s"} before the start, so it counts as a late cancellation.`,

  booked: ({ tutorName, slot: value, bookingId, meetingLink, email, signOff }) =>
    `You're booked with ${tutorName} on ${slot(value)}.${bookingId ? ` Your booking number is ${bookingId}.` : ""}${meetingLink ? ` Join here: ${meetingLink}` : ""}${email} ${signOff}`,
  bookedNoForm: "You're booked!",
  emailOnItsWay: (kind, address) =>
    kind === "confirmation"
      ? `A confirmation email with a calendar invite is on its way to ${address}.`
      : kind === "cancellation"
        ? `A cancellation email is on its way to ${address}.`
        : `An update email with the new time and calendar invite is on its way to ${address}.`,
  noOtherTutor: (lead) => `${lead} I don't have another tutor for this search. Want to try a different time?`,
  slotTaken: (name) => `Sorry, ${name}'s slot was just taken by someone else.`,
  notOpen: (name) => `Sorry, that time is not open with ${name}.`,
  tooManyBookings: (limit) => `Nothing was booked: you already have ${limit} upcoming sessions, the most one student can hold. Cancel one under My bookings, then I can book this one.`,
  noLongerBooking: (name) => `Sorry, ${name} is no longer taking bookings.`,
  nothingBookedBecause: (explanation) => `Nothing was booked. ${explanation} Want to try a different time?`,
  badContact: (field) =>
    `Nothing was booked: I can't book with ${field === "name" ? "that name (a name is letters only, with no links or line breaks)" : "that email address"}. ${CONTACT_QUESTION}`,
  weeklyCap: (cap) => `Nothing was booked: you already have ${cap} session${cap === 1 ? "" : "s"} that week, the center's limit. Want to try another week?`,
  bookingFailed: "Sorry, something went wrong and nothing was booked. Want me to try again?",
  bookingNotFound: "I couldn't find that booking; it may already be cancelled.",
  nothingChanged: (message) => `Nothing changed: ${message}`,
  cancelFailed: "Sorry, I couldn't cancel that just now. Please try again in a moment.",
  waitlistFailed: "Sorry, I couldn't reach the waitlist just now. Please try again in a moment.",
  offWaitlist: (session, wasOn) => (wasOn ? `You're off the waitlist for ${session}.` : `You weren't on the waitlist for ${session}.`),
  onWaitlist: (session, position) => `You're on the waitlist for ${session}: number ${position} in line.`,
  sessionWith: (name, value) => `${name} on ${slot(value)}`,
  messageSent: "Sent: your message is with the tutoring center. Staff answer in this chat when they can; their reply stays here, so you can close this page and come back.",
  messageFailed: "Sorry, I couldn't send your message just now, so nothing went to the tutoring center. Send it again?",

  handoffAsk: "What would you like me to tell the tutoring center? Write it in one message and I'll show it to you before sending.",
  handoffAskAgain: "Okay, what would you like me to tell them instead?",
  handoffTooLong: (length, max) =>
    `That message is ${length.toLocaleString("en-US")} characters; a message to the center can be up to ${max.toLocaleString("en-US")} characters. Please shorten it and send it again.`,
  handoffConfirm: (lead, words) => `${lead}I'll send this to the tutoring center: «${words}». Send it?`,
  handoffDropped: "Okay, I won't send it: nothing went to the tutoring center. Anything else I can help with?",
  handoffUnreachable: "Sorry, messages to the tutoring center need the chat service, which is not running here, so your message was not sent. Please try again later.",
  nothingSentYet: "Nothing is sent yet. ",

  centerCancelled: (booking, reason) => `The tutoring center cancelled your session with ${booking.tutorName} on ${slot(booking.slot)}. Reason: ${reason}`,
  waitlistOffer: (name, value, minutes) =>
    `A place opened up: ${name} on ${slot(value)}. You're first on the waitlist, so it's offered to you for the next ${minutes} minutes, ` +
    "then it goes to the next person in line. It is not booked yet: say \"Book it\" to book it.",
  takenAtRequest: (name, value) => `${name} is booked ${slot(value)}; you can join the waitlist for it.`,
  waitlistOfferEnded: (booking) => `The offer of ${booking.tutorName} on ${slot(booking.slot)} has run out and you're off that waitlist.`,

  emailWithheld: (to, reason, cap) =>
    reason === "suppressed"
      ? `No email will be sent to ${to} because that address asked us to stop emailing it.`
      : reason === "unconfirmed"
        ? `We only send invites and reminders to an address its owner has confirmed: we've emailed ${to} a link to confirm it's yours (it also signs you in), and they follow once you open it.`
        : `No email will be sent to ${to} because it already had ${cap} emails from us today, the most we send in a day to an address its owner has not confirmed.`,

  move: {
    sameTutorFree: (name, value) => `${name} is free on ${slot(value)}.`,
    otherTutorFree: (name, skill, value) => `${name}${skill ? `, who also teaches ${skill},` : ", another tutor for this subject,"} is free on ${slot(value)}.`,
    offer: (from, other) => `Move your session from ${slot(from)} to then${other ? ` with ${other}` : ""}?`,
    nothingAtAsked: "Nothing is free at the time you asked. ",
    tooLate: (cutoffHours, booking) => {
      const hours = `${cutoffHours} hour${cutoffHours === 1 ? "" : "s"}`;
      return `This session can't be moved: the center allows changes up to ${hours} before the start, and it starts in less than ${hours}. Your session stays on ${slot(booking.slot)} with ${booking.tutorName}. You can still cancel it, which counts as a late cancellation.`;
    },
    whichSubject: (name) => `Which subject is your session with ${name} for? Say it with the move, like "move my Python session to Tuesday".`,
    noneFree: ({ othersOnly, tutorName, skill }, value) =>
      `${othersOnly ? `No other ${skill} tutor` : `Neither ${tutorName} nor another ${skill} tutor`} has a free time I can offer for that. Your session stays on ${slot(value)}. Try another day, like "move it to Friday".`,
    moving: (value, other) => `Moving your session to ${slot(value)}${other ? ` with ${other}` : ""}...`,
    stays: (booking) => `Your session stays on ${slot(booking.slot)} with ${booking.tutorName}.`,
    done: ({ slot: value, tutorName, from, number }) =>
      `Done: your session is moved to ${slot(value)} with ${tutorName} (moved from ${slot(from)}).${number ? ` Your booking number stays ${number}.` : ""}`,
    justTaken: "Sorry, that time was just taken by someone else, and nothing changed.",
    notOpen: "Sorry, that time is not open any more, and nothing changed.",
    tryAnotherDay: 'Try another day, like "move it to Friday".',
    ruleRefused: (explanation) => `Nothing changed. ${explanation}`,
    weeklyCap: (cap) => `Nothing changed: you already have ${cap} session${cap === 1 ? "" : "s"} that week, the center's limit.`,
    notFound: "I couldn't find that booking; it may have been cancelled. Nothing was moved.",
    nothingChanged: (message) => `Nothing changed: ${message}`,
    failed: "Sorry, something went wrong and nothing changed. Want me to try again?",
    moved: "Your session is moved.",
    notMoved: "Nothing was changed.",
  },

  welcomeBack: (first) => (first ? `Welcome back, ${first}!` : "Welcome back!"),
  again: (subject, name, value) => `${subject} with ${name} again, ${slot(value)}?`,
  insteadOf: (last, name, value) =>
    `Last time it was ${last.subject} with ${last.tutorName} on ${capitalize(last.day)}s at ${last.start}, which isn't available now. ` +
    `How about ${last.subject} with ${name}, ${slot(value)}?`,

  rule: {
    leadTime: (minutes, date, clock) => `Sessions need at least ${noticeText(minutes)} notice, so the earliest I can book is ${formatDate(date)} at ${clock}.`,
    horizon: (days, last) => `I can book at most ${plural(days, "day")} ahead, so the latest day is ${formatDate(last)}.`,
    closedDate: (date, reason) => `The center is closed on ${formatDate(date)}${reason ? ` (${reason})` : ""}.`,
    closedDay: (day) => `The center is closed on ${capitalize(day)}s.`,
    outsideHours: (day, open, close) => `On ${capitalize(day)}s the center is open ${open}–${close}, so sessions must fit inside those hours.`,
  },
};

/** "24 hours'", "90 minutes'", "2 days'" (the possessive of the notice). */
function noticeText(minutes: number): string {
  if (minutes % (24 * 60) === 0 && minutes >= 48 * 60) return `${minutes / (24 * 60)} days'`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour's" : `${minutes / 60} hours'`;
  return minutes === 1 ? "1 minute's" : `${minutes} minutes'`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
