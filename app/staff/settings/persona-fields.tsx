"use client";

import { NAME_PLACEHOLDER, TONES, type AssistantPersona, type Tone } from "@/lib/center/persona";

const TONE_LABELS: Record<Tone, string> = {
  friendly: "Friendly (the default wording)",
  concise: "Concise",
  formal: "Formal",
};

/**
 * The assistant's name, greeting and tone on the settings form, each with the server's error for
 * its field ("persona.name") beside it. Students see a change from their next new chat on.
 */
export function PersonaFields({
  persona,
  errors,
  disabled,
  onChange,
}: {
  persona: AssistantPersona;
  /** The server's field errors, by path. */
  errors: Record<string, string>;
  disabled: boolean;
  onChange: (persona: AssistantPersona) => void;
}) {
  const describe = (path: string, hint: string) => ({
    "aria-invalid": errors[path] ? true : undefined,
    "aria-describedby": [hint, errors[path] ? `${path}-error` : ""].filter(Boolean).join(" "),
  });
  const error = (path: string) =>
    errors[path] ? (
      <span id={`${path}-error`} className="field-error" data-testid={`${path}-error`}>
        {errors[path]}
      </span>
    ) : null;
  return (
    <fieldset disabled={disabled}>
      <legend>The assistant</legend>
      <div className="field">
        <label htmlFor="persona.name">Assistant&apos;s name</label>
        <input id="persona.name" value={persona.name} maxLength={40} onChange={(event) => onChange({ ...persona, name: event.target.value })} {...describe("persona.name", "persona-name-hint")} />
        <span id="persona-name-hint" className="hint">
          How the chat names the assistant. Plain text, at most 40 characters.
        </span>
        {error("persona.name")}
      </div>
      <div className="field">
        <label htmlFor="persona.greeting">Greeting</label>
        <textarea id="persona.greeting" rows={3} value={persona.greeting} maxLength={300} onChange={(event) => onChange({ ...persona, greeting: event.target.value })} {...describe("persona.greeting", "persona-greeting-hint")} />
        <span id="persona-greeting-hint" className="hint">
          The first message of every new chat. {NAME_PLACEHOLDER} stands for the name. It must say this is an automated assistant. Plain text, at most 300 characters.
        </span>
        {error("persona.greeting")}
      </div>
      <div className="field">
        <label htmlFor="persona.tone">Tone</label>
        <select id="persona.tone" value={persona.tone} onChange={(event) => onChange({ ...persona, tone: event.target.value as Tone })} {...describe("persona.tone", "persona-tone-hint")}>
          {TONES.map((tone) => (
            <option key={tone} value={tone}>
              {TONE_LABELS[tone]}
            </option>
          ))}
        </select>
        <span id="persona-tone-hint" className="hint">
          Changes a few sentences only: the question after the greeting, the &ldquo;I didn&apos;t understand&rdquo; replies and a booking confirmation&apos;s last line.
        </span>
        {error("persona.tone")}
      </div>
    </fieldset>
  );
}
