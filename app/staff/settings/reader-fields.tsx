"use client";

import type { AssistantReader } from "@/lib/center/policy";

/**
 * The model-backed reader's switch on the settings form. "On" asks a model only about a message the
 * built-in reader cannot place, and only where the deployment has a model (the Workers AI binding):
 * without one the page says so and the built-in reader answers whatever is saved.
 */
export function ReaderFields({
  reader,
  available,
  disabled,
  onChange,
}: {
  reader: AssistantReader;
  /** The deployment has the AI binding. */
  available: boolean;
  disabled: boolean;
  onChange: (reader: AssistantReader) => void;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend>Reading messages</legend>
      <div className="field">
        <span className="choice">
          <input
            id="assistant-reader"
            type="checkbox"
            checked={reader === "model"}
            onChange={(event) => onChange(event.target.checked ? "model" : "off")}
            aria-describedby="assistant-reader-hint assistant-reader-availability"
            data-testid="assistant-reader"
          />
          <label htmlFor="assistant-reader">Let a model read messages the assistant cannot place</label>
        </span>
        <span id="assistant-reader-hint" className="hint">
          Only a request the built-in reader finds nothing in (no subject, day, time or tutor, four words or more) is sent to the model, which may only fill in the
          same search; the assistant still decides, and a booking still needs the student&apos;s confirmation.
        </span>
        <span id="assistant-reader-availability" className={available ? "hint" : "notice"} data-testid="assistant-reader-availability">
          {available
            ? "A model is available on this deployment."
            : "No model is available on this deployment (no Workers AI binding): the built-in reader answers every message, whatever is saved here."}
        </span>
      </div>
    </fieldset>
  );
}
