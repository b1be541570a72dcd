import { formatDate } from "../../calendar";
import type { BellPhrases } from "./types";

/** The bell in English. */
export const BELL_EN: BellPhrases = {
  session: (facts) => {
    const topic = facts.subject ? `${facts.subject} session` : "session";
    const tutor = facts.tutorName ? ` with ${facts.tutorName}` : "";
    return `Your ${topic}${tutor} on ${formatDate(facts.date)} at ${facts.start}`;
  },
  confirmed: { title: "Session booked", body: (session) => `${session} is booked.` },
  cancelled: {
    title: (byCenter) => (byCenter ? "Session cancelled by the center" : "Session cancelled"),
    body: (session, byCenter, reason) => `${session} was cancelled${byCenter ? ` by the center${reason ? `: “${reason}”` : ""}` : ""}.`,
  },
  reminder: { title: (hoursBefore) => (hoursBefore >= 24 ? "Session tomorrow" : "Session soon"), body: (session) => `Reminder: ${session}.` },
  moved: { title: "Session moved", body: (session, fromDate, fromStart) => `${session} is booked (moved from ${formatDate(fromDate)} at ${fromStart}).` },
  waitlistOffer: {
    title: "A place opened up",
    body: (offer) =>
      `${offer.tutorName} on ${formatDate(offer.date)} at ${offer.start} is free and offered to you for ${offer.minutes} minutes. It is not booked yet: say "Book it" in your chat.`,
  },
};
