import type { QuickKey } from "../../tutoring/phrases/types";
import type { BookingInfo, Weekday } from "../../tutoring/schemas";

/**
 * Everything the chat page's booking area says (the tutors matched, the booking form), in one
 * language. The words its buttons send are the assistant's own quick replies in that language,
 * so what the student presses is what the assistant reads and what the transcript shows.
 */
export interface UiPhrases {
  /** BCP 47 tag for dates (Intl.DateTimeFormat). */
  locale: string;
  /** What each button sends as the student (lib/tutoring/commands.ts QUICK and its translations). */
  send: Readonly<Record<QuickKey, string>>;
  weekdayShort: Readonly<Record<Weekday, string>>;
  mode: { online: string; inPerson: string; both: string };

  match: {
    title: string;
    moreTutors: (count: number) => string;
    usuallyFree: string;
    book: string;
    bookLabel: (tutorName: string) => string;
    otherTutors: string;
  };

  panel: {
    titles: Readonly<Record<BookingInfo["step"], string>>;
    yesContinue: string;
    goBack: string;
    cancel: string;
    continue: string;
    confirm: string;
    signInBefore: string;
    signIn: string;
    signInAfter: string;
    bookingNumber: string;
    joinOnline: string;
    onlineLinkLater: string;
    inPersonNote: string;
    move: string;
    cancelBooking: string;
    newChat: string;
    cancelledNote: string;
  };

  summary: { tutor: string; when: string; movedFrom: (slot: string) => string; where: string; name: string; email: string; workingOn: string };

  form: {
    fullName: string;
    email: string;
    emailHint: string;
    needName: string;
    needEmail: string;
    howToMeet: string;
    workOn: string;
    needMode: string;
    needTopic: string;
  };
}
