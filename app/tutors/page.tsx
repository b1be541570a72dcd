import type { Metadata } from "next";
import { DirectoryQuery } from "@/lib/schemas";
import { loadBookingRules, loadDirectory } from "@/lib/server/directory";
import { ZoneNote } from "../components/center-time";
import { availabilityLabel, modeLabel } from "../components/format";

export const metadata: Metadata = { title: "Tutors · Tutoring Center" };

export default async function TutorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).q;
  const parsed = DirectoryQuery.safeParse({ q: Array.isArray(raw) ? raw[0] : raw });
  const q = parsed.success ? parsed.data.q : "";
  const [{ tutors, live }, rules] = await Promise.all([loadDirectory(q), loadBookingRules()]);

  return (
    <div className="directory">
      <h1>Our tutors</h1>
      {rules && (
        <p className="subtitle" data-testid="booking-rules">
          {rules}
        </p>
      )}
      <ZoneNote />
      <form className="search" role="search" action="/tutors">
        <label htmlFor="tutor-search" className="visually-hidden">
          Search by subject
        </label>
        <input id="tutor-search" name="q" type="search" defaultValue={q} placeholder="Search by subject, e.g. Python or calc" />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {!live && (
        <p className="notice" role="status">
          The live catalog is not reachable right now; showing the built-in list of tutors.
        </p>
      )}
      <p role="status" data-testid="tutor-count">
        {tutors.length === 0 ? `No tutors teach a subject matching “${q}”.` : `${tutors.length} tutor${tutors.length === 1 ? "" : "s"}${q ? ` for “${q}”` : ""}`}
      </p>
      <ul className="cards directory-list">
        {tutors.map((tutor) => (
          <li key={tutor.id} className="card" data-testid="directory-tutor">
            <h2>{tutor.name}</h2>
            <p className="meta">{modeLabel(tutor.mode)}</p>
            <div>
              {tutor.subjects.map((subject) => (
                <span key={subject} className="tag">
                  {subject}
                </span>
              ))}
            </div>
            <p className="bio">{tutor.bio}</p>
            <p className="meta">Usually free: {tutor.availability.map(availabilityLabel).join(", ")}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
