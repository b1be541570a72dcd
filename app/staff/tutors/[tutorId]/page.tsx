import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { availabilityLabel, modeLabel } from "../../../components/format";
import { currentStaff } from "../../current-staff";
import { asStaff } from "../../as-staff";
import { RebookingList, RetireTutor } from "../retire-tutor";
import { TutorForm } from "../tutor-form";

export const metadata: Metadata = { title: "Tutor · Staff · Tutoring Center" };

type Props = { params: Promise<{ tutorId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One tutor: the edit form (staff and admins), or the profile (tutors, and anyone once the tutor retired). */
export default async function StaffTutorPage({ params, searchParams }: Props) {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  const { tutorId } = await params;
  const detail = await asStaff((sidecar, token) => sidecar.staffTutor(token, tutorId)).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  });
  const { tutor, toRebook, canEdit } = detail;
  const retired = tutor.retiredAt !== null;
  const added = (await searchParams).added === "1";
  return (
    <div className="directory">
      <p>
        <Link href="/staff/tutors">← Tutors</Link>
      </p>
      <h1>{tutor.name}</h1>
      {added && (
        <p className="notice confirmation" role="status">
          Added. The assistant offers {tutor.name} from the next message on.
        </p>
      )}
      {retired && <p data-testid="retired-note">Retired on {new Date(tutor.retiredAt!).toLocaleDateString("en-US")}: never offered or booked again.</p>}
      {canEdit && !retired ? (
        <TutorForm tutor={tutor} />
      ) : (
        <dl className="summary">
          <dt>Teaches</dt>
          <dd>{modeLabel(tutor.mode)}</dd>
          <dt>Subjects</dt>
          <dd>{tutor.subjects.join(", ")}</dd>
          <dt>Weekly hours</dt>
          <dd>{tutor.availability.map(availabilityLabel).join(", ")}</dd>
          <dt>Bio</dt>
          <dd>{tutor.bio}</dd>
        </dl>
      )}
      {canEdit && retired && (
        <section aria-labelledby="rebook-heading">
          <h2 id="rebook-heading">Sessions to rebook ({toRebook.length})</h2>
          <p className="subtitle">Still booked with {tutor.name}; move each student to another tutor or cancel with them.</p>
          <RebookingList entries={toRebook} />
        </section>
      )}
      {canEdit && !retired && <RetireTutor tutorId={tutor.id} name={tutor.name} />}
    </div>
  );
}
