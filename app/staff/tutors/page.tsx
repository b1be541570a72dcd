import type { Metadata } from "next";
import Link from "next/link";
import type { StaffTutor } from "@/lib/staff/tutor-schemas";
import { subjectKey } from "@/lib/tutoring/subject-key";
import { availabilityLabel, modeLabel } from "../../components/format";
import { signedInStaff, StaffPage } from "../staff-page";
import { asStaff } from "../as-staff";
import { SubjectAliases } from "./subject-aliases";

export const metadata: Metadata = { title: "Tutors · Staff · Tutoring Center" };

/** A tutor whose name or one of whose subjects contains the words typed. */
function matches(tutor: StaffTutor, query: string): boolean {
  const words = subjectKey(query);
  return !words || subjectKey(tutor.name).includes(words) || tutor.subjects.some((subject) => subjectKey(subject).includes(words));
}

function TutorRows({ tutors, testId }: { tutors: StaffTutor[]; testId: string }) {
  return (
    <ul className="cards directory-list" data-testid={testId}>
      {tutors.map((tutor) => (
        <li key={tutor.id} className="card" data-testid="staff-tutor">
          <h3>
            <Link href={`/staff/tutors/${tutor.id}`}>{tutor.name}</Link>
          </h3>
          <p className="meta">{modeLabel(tutor.mode)}</p>
          <div>
            {tutor.subjects.map((subject) => (
              <span key={subject} className="tag">
                {subject}
              </span>
            ))}
          </div>
          <p className="meta">{tutor.availability.map(availabilityLabel).join(", ")}</p>
          {tutor.retiredAt !== null && <p className="meta">Retired {new Date(tutor.retiredAt).toLocaleDateString("en-US")}</p>}
        </li>
      ))}
    </ul>
  );
}

/** Every tutor, by name: the ones teaching, then the retired ones apart. */
export default async function StaffTutorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await signedInStaff();
  const raw = (await searchParams).q;
  const query = (Array.isArray(raw) ? raw[0] : raw)?.slice(0, 80) ?? "";
  const [{ tutors, canEdit }, aliases] = await Promise.all([
    asStaff((sidecar, token) => sidecar.staffTutors(token)),
    asStaff((sidecar, token) => sidecar.staffSubjectAliases(token)),
  ]);
  const shown = tutors.filter((tutor) => matches(tutor, query));
  const teaching = shown.filter((tutor) => tutor.retiredAt === null);
  const retired = shown.filter((tutor) => tutor.retiredAt !== null);
  return (
    <StaffPage title="Tutors">
      {canEdit ? (
        <p>
          <Link href="/staff/tutors/new" className="button">
            Add tutor
          </Link>
        </p>
      ) : (
        <p className="subtitle">You can look at every tutor here; staff and admins make the changes.</p>
      )}
      <form className="search" role="search" action="/staff/tutors">
        <label htmlFor="staff-tutor-search" className="visually-hidden">
          Search tutors by name or subject
        </label>
        <input id="staff-tutor-search" name="q" type="search" defaultValue={query} placeholder="Search by name or subject" />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <section aria-labelledby="teaching">
        <h2 id="teaching">Teaching ({teaching.length})</h2>
        {teaching.length === 0 ? <p>No tutor teaching matches “{query}”.</p> : <TutorRows tutors={teaching} testId="teaching-tutors" />}
      </section>
      {retired.length > 0 && (
        <section aria-labelledby="retired">
          <h2 id="retired">Retired ({retired.length})</h2>
          <p className="subtitle">Never offered to students again; kept for the bookings that name them.</p>
          <TutorRows tutors={retired} testId="retired-tutors" />
        </section>
      )}
      <SubjectAliases aliases={aliases.aliases} subjects={aliases.subjects} canEdit={aliases.canEdit} />
    </StaffPage>
  );
}
