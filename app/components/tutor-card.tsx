import type { TutorMatch } from "@/lib/tutoring/schemas";
import { availabilityLabel, modeLabel, slotLabel } from "./format";

/** One tutor as the assistant offers them: who, what, when, and the next step. */
export function TutorCard({
  match,
  primary,
  disabled,
  onBook,
  onOthers,
}: {
  match: TutorMatch;
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
        {slotLabel(slot)} · {modeLabel(tutor.mode)}
      </p>
      <div>
        {tutor.subjects.slice(0, 6).map((subject) => (
          <span key={subject} className="tag">
            {subject}
          </span>
        ))}
      </div>
      <p className="bio">{tutor.bio}</p>
      <p className="meta">Usually free: {tutor.availability.slice(0, 3).map(availabilityLabel).join(", ")}</p>
      <div className="actions">
        <button type="button" className="button" disabled={disabled} onClick={onBook} aria-label={`Book ${tutor.name}`}>
          Book
        </button>
        {primary && onOthers && (
          <button type="button" className="button secondary" disabled={disabled} onClick={onOthers}>
            Other tutors
          </button>
        )}
      </div>
    </article>
  );
}
