"use client";

import { QUICK } from "@/lib/tutoring/commands";
import { BookingPanel } from "./booking-panel";
import type { ChatView } from "./chat-view";
import { TutorCard } from "./tutor-card";

/** The tutor matched (with the others from the same search), or the booking form once the assistant opened one. */
export function MatchArea({ chat }: { chat: ChatView }) {
  const { bookingInfo, pendingMatch, availableTutors } = chat.fields;
  if (bookingInfo && bookingInfo.step !== "cancelled") {
    const tutor = availableTutors.find((m) => m.tutor.id === bookingInfo.tutorId)?.tutor ?? pendingMatch?.tutor;
    return (
      <BookingPanel
        info={bookingInfo}
        tutorMode={tutor?.id === bookingInfo.tutorId ? tutor.mode : undefined}
        busy={chat.thinking}
        send={chat.send}
        saveDraft={chat.saveBookingDraft}
        onNewChat={chat.startOver}
      />
    );
  }
  if (!pendingMatch) return null;
  const others = availableTutors.filter((m) => m.tutor.id !== pendingMatch.tutor.id);
  return (
    <section className="panel" aria-labelledby="match-title" data-testid="match">
      <h2 id="match-title">Your tutor match</h2>
      <div className="cards">
        <TutorCard
          match={pendingMatch}
          primary
          disabled={chat.thinking}
          onBook={() => void chat.send(QUICK.book)}
          onOthers={() => void chat.send(QUICK.others)}
        />
      </div>
      {others.length > 0 && (
        <details className="more-tutors">
          <summary>More tutors from this search ({others.length})</summary>
          <div className="cards">
            {others.map((match) => (
              <TutorCard key={match.tutor.id} match={match} primary={false} disabled={chat.thinking} onBook={() => void chat.bookTutor(match)} />
            ))}
          </div>
        </details>
      )}
    </section>
  );
}
