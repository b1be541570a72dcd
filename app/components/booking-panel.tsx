"use client";

import { useEffect, useId, useRef, useState } from "react";
import { QUICK, contactMessage, detailsMessage } from "@/lib/tutoring/commands";
import { contactProblem, isStoredEmail, isStoredName, isValidEmail, isValidName } from "@/lib/tutoring/parse-contact";
import type { BookingInfo, TutorMode } from "@/lib/tutoring/schemas";
import { modeLabel, slotLabel } from "./format";

const DRAFT_DELAY_MS = 400;

interface Props {
  info: BookingInfo;
  /** The tutor's own mode, when known: a tutor who meets online only gets no in-person choice. */
  tutorMode: TutorMode | undefined;
  busy: boolean;
  send: (text: string) => Promise<boolean>;
  saveDraft: (info: BookingInfo) => void;
  onNewChat: () => void;
}

/**
 * The booking form beside the chat. Every step is the assistant's: the form
 * sends what the student chose as a chat message (visible in the transcript),
 * and the step comes back in `bookingInfo`. Typing is saved as a draft, so a
 * reload returns to the same step with the same fields.
 */
export function BookingPanel(props: Props) {
  const { info } = props;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();

  // Focus follows the form: each new step is announced by moving to its heading.
  useEffect(() => {
    headingRef.current?.focus();
  }, [info.step]);

  const title = {
    confirm_slot: "Book this session?",
    contact: "Your name and email",
    details: "Session details",
    review: "Review your booking",
    confirmed: "You're booked!",
    cancelled: "Booking cancelled",
  }[info.step];

  return (
    <section
      className={`panel ${info.step === "confirmed" ? "confirmation" : ""}`}
      aria-labelledby={headingId}
      data-testid={info.step === "confirmed" ? "booking-confirmation" : "booking-form"}
      data-step={info.step}
    >
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p className="meta">
        {info.tutorName} · {slotLabel(info.slot)}
      </p>
      <Step {...props} />
    </section>
  );
}

function Step(props: Props) {
  const { info, busy, send } = props;
  const nav = (
    <>
      <button type="button" className="button secondary" disabled={busy} onClick={() => void send(QUICK.back)}>
        Go back
      </button>
      <button type="button" className="button secondary" disabled={busy} onClick={() => void send(QUICK.cancel)}>
        Cancel
      </button>
    </>
  );
  switch (info.step) {
    case "confirm_slot":
      return (
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={() => void send(QUICK.yes)}>
            Yes, continue
          </button>
          {nav}
        </div>
      );
    case "contact":
      return <ContactStep {...props} nav={nav} />;
    case "details":
      return <DetailsStep {...props} nav={nav} />;
    case "review":
      return (
        <>
          <Summary info={info} />
          <div className="actions">
            <button type="button" className="button" disabled={busy} onClick={() => void send(QUICK.confirm)}>
              Confirm booking
            </button>
            {nav}
          </div>
          <p className="subtitle" data-testid="review-sign-in">
            Want it on your phone too? <a href="/account">Sign in</a> with your email before or after booking: this chat and booking come along.
          </p>
        </>
      );
    case "confirmed":
      return (
        <>
          <Summary info={info} />
          {info.bookingId && (
            <p data-testid="booking-number" data-booking-id={info.bookingId}>
              Booking number: <strong data-testid="booking-reference">{info.reference ?? info.bookingId}</strong>
            </p>
          )}
          <p>
            {info.mode === "online"
              ? info.meetingLink
                ? <>Join online: <a href={info.meetingLink}>{info.meetingLink}</a></>
                : "Online session: your meeting link will appear here before the session starts."
              : "In person at the tutoring center. Please arrive a few minutes early."}
          </p>
          <div className="actions">
            <button type="button" className="button secondary" disabled={busy} onClick={() => void send(QUICK.reschedule)} data-testid="move-booking">
              Move to another time
            </button>
            <button type="button" className="button secondary" disabled={busy} onClick={() => void send(QUICK.cancelBooking)}>
              Cancel booking
            </button>
            <button type="button" className="button secondary" onClick={props.onNewChat}>
              Start a new chat
            </button>
          </div>
        </>
      );
    case "cancelled":
      return <p>This session was cancelled. You can ask the assistant for another time.</p>;
  }
}

function Summary({ info }: { info: BookingInfo }) {
  return (
    <dl className="summary">
      <dt>Tutor</dt>
      <dd>{info.tutorName}</dd>
      <dt>When</dt>
      <dd>
        {slotLabel(info.slot)}
        {info.step === "confirmed" && info.movedFrom && <span data-testid="moved-from"> (moved from {slotLabel(info.movedFrom)})</span>}
      </dd>
      {info.mode && (
        <>
          <dt>Where</dt>
          <dd>{modeLabel(info.mode)}</dd>
        </>
      )}
      {info.studentName && (
        <>
          <dt>Name</dt>
          <dd>{info.studentName}</dd>
        </>
      )}
      {info.studentEmail && (
        <>
          <dt>Email</dt>
          <dd>{info.studentEmail}</dd>
        </>
      )}
      {info.intake && (
        <>
          <dt>Working on</dt>
          <dd>{info.intake}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * The typed name and email as a saved draft may hold them (the server refuses anything else: lib/tutoring/patch-rules.ts):
 * trimmed, and each only when empty or the contact step would take it; a half-typed address keeps the last good one.
 */
function draftContact(name: string, email: string): Partial<Pick<BookingInfo, "studentName" | "studentEmail">> {
  const [typedName, typedEmail] = [name.trim(), email.trim()];
  return {
    ...(typedName === "" || isStoredName(typedName) ? { studentName: typedName } : {}),
    ...(typedEmail === "" || isStoredEmail(typedEmail) ? { studentEmail: typedEmail } : {}),
  };
}

/** Debounced draft saving of the form's own fields. */
function useDraft(props: Props) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return {
    save(fields: Partial<Pick<BookingInfo, "studentName" | "studentEmail" | "mode" | "intake">>) {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => props.saveDraft({ ...props.info, ...fields }), DRAFT_DELAY_MS);
    },
    flush() {
      clearTimeout(timer.current);
    },
  };
}

function ContactStep(props: Props & { nav: React.ReactNode }) {
  const { info, busy, send } = props;
  const [name, setName] = useState(info.studentName ?? "");
  const [email, setEmail] = useState(info.studentEmail ?? "");
  const [error, setError] = useState<string | null>(null);
  const draft = useDraft(props);
  const errorId = useId();

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        // The assistant's own rules: the form never sends what the assistant would refuse.
        const problem = contactProblem(name, email);
        if (problem === "name") return setError("Please enter your name.");
        if (problem === "email") return setError("Please enter a valid email address, like ada@example.com.");
        setError(null);
        draft.flush();
        void send(contactMessage(name, email));
      }}
    >
      <div className="field">
        <label htmlFor="booking-name">Full name</label>
        <input
          id="booking-name"
          name="name"
          autoComplete="name"
          value={name}
          maxLength={120}
          aria-invalid={error !== null && !isValidName(name)}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setName(event.target.value);
            draft.save(draftContact(event.target.value, email));
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="booking-email">Email</label>
        <input
          id="booking-email"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          maxLength={254}
          aria-invalid={error !== null && !isValidEmail(email)}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setEmail(event.target.value);
            draft.save(draftContact(name, event.target.value));
          }}
        />
        <span className="hint">For this booking: the center writes to you here about it.</span>
      </div>
      <FormFooter error={error} errorId={errorId} busy={busy} nav={props.nav} />
    </form>
  );
}

function DetailsStep(props: Props & { nav: React.ReactNode }) {
  const { info, busy, send, tutorMode } = props;
  const fixed = tutorMode === "online" || tutorMode === "in_person" ? tutorMode : undefined;
  const [mode, setMode] = useState<"online" | "in_person" | undefined>(info.mode ?? fixed);
  const [intake, setIntake] = useState(info.intake ?? "");
  const [error, setError] = useState<string | null>(null);
  const draft = useDraft(props);
  const errorId = useId();
  const choices = fixed ? [fixed] : (["online", "in_person"] as const);

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!mode) return setError("Please choose online or in person.");
        if (intake.trim().length < 2) return setError("Please tell the tutor what you'd like to work on.");
        setError(null);
        draft.flush();
        void send(detailsMessage(mode, intake));
      }}
    >
      <fieldset className="field">
        <legend>How would you like to meet?</legend>
        {choices.map((choice) => (
          <label key={choice} className="choice">
            <input
              type="radio"
              name="mode"
              value={choice}
              checked={mode === choice}
              onChange={() => {
                setMode(choice);
                draft.save({ mode: choice, intake });
              }}
            />{" "}
            {modeLabel(choice)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="booking-intake">What would you like to work on?</label>
        <textarea
          id="booking-intake"
          rows={3}
          maxLength={1000}
          value={intake}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setIntake(event.target.value);
            draft.save({ ...(mode ? { mode } : {}), intake: event.target.value });
          }}
        />
      </div>
      <FormFooter error={error} errorId={errorId} busy={busy} nav={props.nav} />
    </form>
  );
}

/** A step's error (announced) and its Continue / Go back / Cancel row. */
function FormFooter({ error, errorId, busy, nav }: { error: string | null; errorId: string; busy: boolean; nav: React.ReactNode }) {
  return (
    <>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          Continue
        </button>
        {nav}
      </div>
    </>
  );
}
