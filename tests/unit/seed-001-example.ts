// Seed 001's "Example Usage", as written (/work/shared/seeds/001_*): compiled by `npm run typecheck`
// (tsconfig.tests.json), never run here; the same client calls run against the real sidecar in
// tests/workers/seed-client.test.ts. Only the component around it and the two type names of the
// seed's app (Message, MatchTutorResponse) are added.
import { useEffect, useState } from "react";
import type { ChatMessage } from "@/lib/schemas";
import type { BookingInfo, TutorMatch } from "@/lib/tutoring/schemas";
import { ChatSessionClient, getSessionId } from '@/lib/chat-session-client';

type Message = ChatMessage;
type MatchTutorResponse = TutorMatch;

export function ChatInterface() {
  const [messages, setMessages] = useState<Message[]>([]);
  const [pendingMatch, setPendingMatch] = useState<MatchTutorResponse | null>(null);
  const [bookingInfo, setBookingInfo] = useState<BookingInfo | null>(null);

  // In ChatInterface component
  const sessionId = getSessionId(); // Get or create session ID
  const chatClient = new ChatSessionClient(sessionId);

  // On mount, load state
  useEffect(() => {
    chatClient.getState().then(state => {
      if (state) {
        setMessages(state.messages);
        setPendingMatch(state.pendingMatch);
        setBookingInfo(state.bookingInfo);
      }
    });
  }, []);

  // When adding message, persist it
  const handleAddMessage = async (message: Message) => {
    setMessages(prev => [...prev, message]);
    await chatClient.addMessage(message); // Persist to Durable Object
  };

  // When setting match, persist it
  const handleSetMatch = async (match: MatchTutorResponse) => {
    setPendingMatch(match);
    await chatClient.setPendingMatch(match); // Persist to Durable Object
  };

  return { messages, pendingMatch, bookingInfo, handleAddMessage, handleSetMatch };
}
