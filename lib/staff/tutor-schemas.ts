import { z } from "../zod";
import { SESSION_MINUTES } from "../tutoring/match";
import { ClockTime, Tutor, TutorMode, Weekday, WEEKDAYS } from "../tutoring/schemas";
import { subjectKey } from "../tutoring/subject-key";

/**
 * The staff console's tutor editor (workers/staff/tutors.ts, /api/staff/tutors/**,
 * /staff/tutors): every shape it sends or receives, and the rules a tutor's
 * profile and weekly hours obey. The routes and the sidecar parse with the same
 * schema, so a form error and an RPC refusal say the same thing.
 */

export const MAX_TUTOR_SUBJECTS = 12;
export const MAX_TUTOR_HOURS = 21;

/** `t-` and lower-case letters or digits: the seed's `t-001` and the console's `t-` + 16 hex digits. */
export const TutorId = z.string().regex(/^t-[a-z0-9]{1,40}$/);

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * What people type in a time field, as HH:MM: "9", "9:00", "09:00", "9am", "9:30 pm", "21.30".
 * Anything else is passed on unchanged for the schema to refuse with its own message.
 */
export function normalizeClockInput(input: unknown): unknown {
  if (typeof input !== "string") return input;
  const typed = /^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?\.?\s*(?:m\.?)?\s*$/i.exec(input);
  if (!typed) return input;
  let hours = Number(typed[1]);
  const minutes = typed[2] ?? "00";
  const half = typed[3]?.toLowerCase();
  if (half) {
    if (hours < 1 || hours > 12) return input;
    hours = (hours % 12) + (half === "p" ? 12 : 0);
  }
  if (hours > 23) return input;
  return `${String(hours).padStart(2, "0")}:${minutes}`;
}

/** HH:MM on the half hour: the assistant offers sessions at :00 and :30. One message per problem. */
const HalfHour = z.preprocess(
  normalizeClockInput,
  ClockTime.refine((clock) => clock.endsWith(":00") || clock.endsWith(":30"), { message: "use a time on the hour or the half hour", when: (payload) => payload.issues.length === 0 }),
);

/** One weekly range a tutor teaches in, long enough for at least one session. */
export const TutorHours = z
  .object({ day: Weekday, start: HalfHour, end: HalfHour })
  .strict()
  .superRefine((hours, context) => {
    // A field already refused says so itself: comparing it would only add a wrong second error.
    if (!ClockTime.safeParse(hours.start).success || !ClockTime.safeParse(hours.end).success) return;
    if (hours.start >= hours.end) context.addIssue({ code: "custom", path: ["end"], message: "must be after the start" });
    else if (minutesOf(hours.end) - minutesOf(hours.start) < SESSION_MINUTES)
      context.addIssue({ code: "custom", path: ["end"], message: `must be at least ${SESSION_MINUTES} minutes after the start (one session)` });
  });
export type TutorHours = z.infer<typeof TutorHours>;

/** What staff may set on a tutor: the form's body, the RPC argument, the same rules on both sides. */
export const TutorInput = z
  .object({
    name: z.string().trim().min(1, "enter a name").max(80),
    bio: z.string().trim().max(500),
    /** Where the tutor's copy of each booking's emails goes (with the invite). "" clears it; absent keeps it. */
    email: z.union([z.literal(""), z.email("enter an email address, or leave it empty").max(254)]).optional(),
    mode: TutorMode,
    subjects: z
      .array(z.string().trim().min(1, "enter a subject or remove the row").max(60))
      .min(1, "add at least one subject")
      .max(MAX_TUTOR_SUBJECTS, `at most ${MAX_TUTOR_SUBJECTS} subjects`)
      // "Calculus  II" and "calculus ii" are one subject (tutor_subjects' key): the first spelling stays.
      .transform((subjects) => subjects.filter((subject, index) => subjects.findIndex((other) => subjectKey(other) === subjectKey(subject)) === index)),
    hours: z.array(TutorHours).min(1, "add at least one weekly range").max(MAX_TUTOR_HOURS, `at most ${MAX_TUTOR_HOURS} weekly ranges`),
  })
  .strict()
  .superRefine((input, context) => {
    for (const [index, hours] of input.hours.entries()) {
      const clash = input.hours.findIndex(
        (other, otherIndex) => otherIndex < index && other.day === hours.day && other.start < hours.end && hours.start < other.end,
      );
      if (clash >= 0) context.addIssue({ code: "custom", path: ["hours", index, "start"], message: `overlaps range ${clash + 1} on the same day` });
    }
  })
  // Stored and shown in week order, Sunday first, as the rest of the product counts days.
  .transform((input) => ({
    ...input,
    hours: [...input.hours].sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || a.start.localeCompare(b.start)),
  }));
export type TutorInput = z.infer<typeof TutorInput>;
/** What a client may send (before trimming and de-duplication). */
export type TutorInputDraft = z.input<typeof TutorInput>;

/** A tutor as staff see it: the public profile, plus whether and when they retired. */
export const StaffTutor = Tutor.extend({ retiredAt: z.number().int().nullable(), updatedAt: z.number().int().nullable(), email: z.string().nullable() });
export type StaffTutor = z.infer<typeof StaffTutor>;

/** A retired tutor's session still to come: a student to rebook with someone else. */
export const RebookingEntry = z.object({
  bookingId: z.string(),
  studentName: z.string(),
  studentEmail: z.string(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  mode: z.enum(["online", "in_person"]),
});
export type RebookingEntry = z.infer<typeof RebookingEntry>;

/** One tutor for the editor; `toRebook` lists a retired tutor's future sessions (empty for tutor-role viewers). */
export const StaffTutorDetail = z.object({ tutor: StaffTutor, toRebook: z.array(RebookingEntry), canEdit: z.boolean() });
export type StaffTutorDetail = z.infer<typeof StaffTutorDetail>;

export const StaffTutorList = z.object({ tutors: z.array(StaffTutor), canEdit: z.boolean() });
export type StaffTutorList = z.infer<typeof StaffTutorList>;
