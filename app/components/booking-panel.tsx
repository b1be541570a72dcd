"use client";

import { useEffect, useId, useRef, useState } from "react";
import { contactMessage, detailsMessage } from "@/lib/tutoring/commands";
import { contactProblem, isStoredEmail, isStoredName, isValidEmail, isValidName } from "@/lib/tutoring/parse-contact";
import type { BookingInfo, TutorMode } from "@/lib/tutoring/schemas";
import type { UiPhrases } from "@/lib/ui/phrases/types";
import { modeLabel, slotLabel } from "./format";

const DRAFT_DELAY_MS = 400;

interface Props {
  info: BookingInfo;
  /** The chat's language: the form's words and what its buttons send (lib/ui/phrases/). */
  say: UiPhrases;
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
 * reload returns to the same step with the same fields. It speaks the chat's
 * language and its buttons send the assistant's quick replies in that language.
 */
export function BookingPanel(props: Props) {
  const { info, say } = props;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();

  // Focus follows the form: each new step is announced by moving to its heading.
  useEffect(() => {
    headingRef.current?.focus();
  }, [info.step]);

  const title = say.panel.titles[info.step];

  return (
    <section
      className={`panel ${info.step === "confirmed" ? "confirmation" : ""}`}
      aria-labelledby={headingId}
      data-testid={info.step === "confirmed" ? "booking-confirmation" : "booking-form"}
      data-step={info.step}
      lang={say.locale}
    >
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p className="meta">
        {info.tutorName} · {slotLabel(info.slot, say.locale)}
      </p>
      <Step {...props} />
    </section>
  );
}

function Step(props: Props) {
  const { info, say, busy, send } = props;
  const nav = (
    <>
      <button type="button" className="button secondary" disabled={busy} onClick={() => void send(say.send.back)}>
        {say.panel.goBack}
      </button>
      <button type="button" className="button secondary" disabled={busy} onClick={() => void send(say.send.cancel)}>
        {say.panel.cancel}
      </button>
    </>
  );
  switch (info.step) {
    case "confirm_slot":
      return (
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={() => void send(say.send.yes)}>
            {say.panel.yesContinue}
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
          <Summary info={info} say={say} />
          <div className="actions">
            <button type="button" className="button" disabled={busy} onClick={() => void send(say.send.confirm)}>
              {say.panel.confirm}
            </button>
            {nav}
          </div>
          <p className="subtitle" data-testid="review-sign-in">
            {say.panel.signInBefore} <a href="/account">{say.panel.signIn}</a> {say.panel.signInAfter}
          </p>
        </>
      );
    case "confirmed":
      return (
        <>
          <Summary info={info} say={say} />
          {info.bookingId && (
            <p data-testid="booking-number" data-booking-id={info.bookingId}>
              {say.panel.bookingNumber} <strong data-testid="booking-reference">{info.reference ?? info.bookingId}</strong>
            </p>
          )}
          <p>
            {info.mode === "online"
              ? info.meetingLink
                ? <>{say.panel.joinOnline} <a href={info.meetingLink}>{info.meetingLink}</a></>
                : say.panel.onlineLinkLater
              : say.panel.inPersonNote}
          </p>
          <div className="actions">
            <button type="button" className="button secondary" disabled={busy} onClick={() => void send(say.send.reschedule)} data-testid="move-booking">
              {say.panel.move}
            </button>
            <button type="button" className="button secondary" disabled={busy} onClick={() => void send(say.send.cancelBooking)}>
              {say.panel.cancelBooking}
            </button>
            <button type="button" className="button secondary" onClick={props.onNewChat}>
              {say.panel.newChat}
            </button>
          </div>
        </>
      );
    case "cancelled":
      return <p>{say.panel.cancelledNote}</p>;
  }
}

function Summary({ info, say }: { info: BookingInfo; say: UiPhrases }) {
  const words = say.summary;
  return (
    <dl className="summary">
      <dt>{words.tutor}</dt>
      <dd>{info.tutorName}</dd>
      <dt>{words.when}</dt>
      <dd>
        {slotLabel(info.slot, say.locale)}
        {info.step === "confirmed" && info.movedFrom && <span data-testid="moved-from"> {words.movedFrom(slotLabel(info.movedFrom, say.locale))}</span>}
      </dd>
      {info.mode && (
        <>
          <dt>{words.where}</dt>
          <dd>{modeLabel(info.mode, say.mode)}</dd>
        </>
      )}
      {info.studentName && (
        <>
          <dt>{words.name}</dt>
          <dd>{info.studentName}</dd>
        </>
      )}
      {info.studentEmail && (
        <>
          <dt>{words.email}</dt>
          <dd>{info.studentEmail}</dd>
        </>
      )}
      {info.intake && (
        <>
          <dt>{words.workingOn}</dt>
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
  const { info, say, busy, send } = props;
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
        if (problem === "name") return setError(say.form.needName);
        if (problem === "email") return setError(say.form.needEmail);
        setError(null);
        draft.flush();
        void send(contactMessage(name, email));
      }}
    >
      <div className="field">
        <label htmlFor="booking-name">{say.form.fullName}</label>
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
        <label htmlFor="booking-email">{say.form.email}</label>
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
        <span className="hint">{say.form.emailHint}</span>
      </div>
      <FormFooter error={error} errorId={errorId} busy={busy} nav={props.nav} label={say.panel.continue} />
    </form>
  );
}

function DetailsStep(props: Props & { nav: React.ReactNode }) {
  const { info, say, busy, send, tutorMode } = props;
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
        if (!mode) return setError(say.form.needMode);
        if (intake.trim().length < 2) return setError(say.form.needTopic);
        setError(null);
        draft.flush();
        void send(detailsMessage(mode, intake, say.send));
      }}
    >
      <fieldset className="field">
        <legend>{say.form.howToMeet}</legend>
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
            {modeLabel(choice, say.mode)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="booking-intake">{say.form.workOn}</label>
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
      <FormFooter error={error} errorId={errorId} busy={busy} nav={props.nav} label={say.panel.continue} />
    </form>
  );
}

/** A step's error (announced) and its Continue / Go back / Cancel row. */
function FormFooter({ error, errorId, busy, nav, label }: { error: string | null; errorId: string; busy: boolean; nav: React.ReactNode; label: string }) {
  return (
    <>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {label}
        </button>
        {nav}
      </div>
    </>
  );
}
