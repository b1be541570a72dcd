/** What the bell's session line names; the subject and tutor are left out where a booking has none. */
export interface BellSession {
  date: string;
  start: string;
  subject?: string | null;
  tutorName?: string;
}

/**
 * Everything the bell says, as one language says it. A language is one file (en.ts, es.ts) that fills
 * this shape; the booking's language (bookings.language) picks it, a waitlist offer the language the
 * student joined the line in. Plain text.
 */
export interface BellPhrases {
  /** "Your Python session with Maya Chen on Thursday, Nov 19 at 10:00". */
  session(session: BellSession): string;
  confirmed: { title: string; body(session: string): string };
  /** `reason`: the center's, quoted (already cut to length); absent for a student's own cancel. */
  cancelled: { title(byCenter: boolean): string; body(session: string, byCenter: boolean, reason?: string): string };
  reminder: { title(hoursBefore: number): string; body(session: string): string };
  moved: { title: string; body(session: string, fromDate: string, fromStart: string): string };
  waitlistOffer: { title: string; body(offer: { tutorName: string; date: string; start: string; minutes: number }): string };
}
