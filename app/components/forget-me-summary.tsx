import Link from "next/link";
import type { ForgetMeSummary } from "@/lib/memory/page-schemas";

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What "Forget me" says before it runs: what goes, what stays and why, and that nothing is cancelled. */
export function ForgetMeExplained() {
  return (
    <>
      <p>
        Deletes everything above, every chat from this browser (including chats in the trash), your notifications, your places on waitlists, your email
        preferences, and the text and addresses of the emails about your bookings. Signed in, it deletes your account too and signs out every
        device. This browser then gets a new identity; the old one holds nothing and can no longer be used to chat or book. This cannot be undone.
      </p>
      <p data-testid="forget-me-kept">
        Kept: your bookings, because they are the tutoring center&apos;s record of its sessions (tutor, time, your name and email, attendance).{" "}
        <strong>Nothing is cancelled:</strong> upcoming sessions stay booked, stay on <Link href="/bookings">My bookings</Link> in this browser with their
        reminder emails, and you can still cancel them there. Past and cancelled sessions leave My bookings.
      </p>
    </>
  );
}

/** What "Forget me" did: what was deleted, and exactly what was kept and why. */
export function ForgetMeSummaryView({ summary }: { summary: ForgetMeSummary }) {
  const { facts, chats, notifications, waitlists, mail, bookings, repeated } = summary;
  return (
    <section aria-labelledby="forgotten-heading" data-testid="forgotten">
      <h2 id="forgotten-heading">The assistant has forgotten you</h2>
      {repeated ? <p>This browser had asked to be forgotten already; this time the rest was cleared.</p> : null}
      <p>
        Deleted {count(facts, "fact")}, {count(chats.deleted, "chat")} (with their messages), {count(notifications, "notification")}, your place on{" "}
        {count(waitlists, "waitlist")}, the text and addresses of the emails about {count(mail, "booking")}, and your email preferences (back to the defaults).
        {chats.failed > 0 ? ` ${chats.failed} of those chats are gone from your list; their stored copies will be erased by the weekly cleanup.` : ""} This
        browser has a new identity; the old one holds nothing and can no longer be used to chat or book.
      </p>
      <h3>Kept, and why</h3>
      <ul data-testid="forgotten-kept">
        <li>
          {bookings.upcoming > 0
            ? `${count(bookings.upcoming, "upcoming session")}: still booked, nothing was cancelled. ${bookings.upcoming === 1 ? "It stays" : "They stay"} on My bookings in this browser, reminder emails still come, and you can cancel there.`
            : "No upcoming sessions: nothing was booked for you."}
        </li>
        {bookings.kept > 0 ? (
          <li>
            {count(bookings.kept, "past or cancelled session")}: the tutoring center keeps its record of each (tutor, time, your name and email, attendance), as it
            must. They are no longer linked to this browser and no longer on My bookings.
          </li>
        ) : null}
        <li>For each email about your bookings, only that it was sent, when, and whether it was delivered; not its text or address.</li>
      </ul>
      <p>
        <Link href="/bookings">My bookings</Link>
      </p>
    </section>
  );
}
