import type { TutorMatch } from "@/lib/tutoring/schemas";
import type { UiPhrases } from "@/lib/ui/phrases/types";
import { availabilityLabelIn, modeLabel, slotLabel } from "./format";

/** One tutor as the assistant offers them: who, what, when, and the next step, in the chat's language. */
export function TutorCard({
  match,
  say,
  primary,
  disabled,
  onBook,
  onOthers,
}: {
  match: TutorMatch;
  say: UiPhrases;
  primary: boolean;
  disabled: boolean;
  onBook: () => void;
  onOthers?: () => void;
}) {
  const { tutor, slot } = match;
  const headingId = `tutor-${tutor.id}-name`;
  return (
    <article className="card" aria-labelledby={headingId} data-testid="tutor-card" data-tutor-id={tutor.id}>
      <h3 id={headingId}>{tutor.name}</h3>
      <p className="meta">
        {slotLabel(slot, say.locale)} · {modeLabel(tutor.mode, say.mode)}
      </p>
      <div>
        {tutor.subjects.slice(0, 6).map((subject) => (
          <span key={subject} className="tag">
            {subject}
          </span>
        ))}
      </div>
      <p className="bio">{tutor.bio}</p>
      <p className="meta">
        {say.match.usuallyFree} {tutor.availability.slice(0, 3).map((free) => availabilityLabelIn(free, say.weekdayShort)).join(", ")}
      </p>
      <div className="actions">
        <button type="button" className="button" disabled={disabled} onClick={onBook} aria-label={say.match.bookLabel(tutor.name)}>
          {say.match.book}
        </button>
        {primary && onOthers && (
          <button type="button" className="button secondary" disabled={disabled} onClick={onOthers}>
            {say.match.otherTutors}
          </button>
        )}
      </div>
    </article>
  );
}
