"use client";

import { uiPhrasesIn } from "@/lib/ui/phrases";
import { BookingPanel } from "./booking-panel";
import type { ChatView } from "./chat-view";
import { TutorCard } from "./tutor-card";

/**
 * The tutor matched (with the others from the same search), or the booking form once the assistant opened one,
 * in the chat's language: the one the assistant answers in (`searchCriteria.lang`), so it follows the student's switch.
 */
export function MatchArea({ chat }: { chat: ChatView }) {
  const { bookingInfo, pendingMatch, availableTutors, searchCriteria } = chat.fields;
  const say = uiPhrasesIn(searchCriteria?.lang);
  if (bookingInfo && bookingInfo.step !== "cancelled") {
    const tutor = availableTutors.find((m) => m.tutor.id === bookingInfo.tutorId)?.tutor ?? pendingMatch?.tutor;
    return (
      <BookingPanel
        info={bookingInfo}
        say={say}
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
      <h2 id="match-title">{say.match.title}</h2>
      <div className="cards">
        <TutorCard
          match={pendingMatch}
          say={say}
          primary
          disabled={chat.thinking}
          onBook={() => void chat.send(say.send.book)}
          onOthers={() => void chat.send(say.send.others)}
        />
      </div>
      {others.length > 0 && (
        <details className="more-tutors">
          <summary>{say.match.moreTutors(others.length)}</summary>
          <div className="cards">
            {others.map((match) => (
              <TutorCard
                key={match.tutor.id}
                match={match}
                say={say}
                primary={false}
                disabled={chat.thinking}
                onBook={() => void chat.bookTutor(match, say.send.book)}
              />
            ))}
          </div>
        </details>
      )}
    </section>
  );
}
