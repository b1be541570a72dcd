import type { ChatSessionClient } from "../../lib/chat-session-client";
import type { TutorMatch } from "../../lib/tutoring/schemas";

/**
 * The four feature snippets of seed 001 ("Durable Objects Implementation for Chat State",
 * /work/shared/seeds/001_*), copied as written: only wrapped in functions so a test can run
 * them in order (tests/workers/seed-client.test.ts) and `npm run typecheck` compiles them.
 * The seed's React example is compiled, as written, in tests/unit/seed-001-example.ts.
 */

type MatchTutorResponse = TutorMatch;

/** "### 1. Message History" */
export async function messageHistory(chatClient: ChatSessionClient) {
  // Add message
  await chatClient.addMessage({
    role: 'user',
    content: 'I need help with Python',
  });

  // Get all messages
  const messages = await chatClient.getMessages();
  return messages;
}

/** "### 2. Pending Match" */
export async function pendingMatch(chatClient: ChatSessionClient, matchResult: MatchTutorResponse) {
  // Store pending match
  await chatClient.setPendingMatch(matchResult);

  // Retrieve later
  const match = await chatClient.getPendingMatch();
  return match;
}

/** "### 3. Booking Info" */
export async function bookingInfo(chatClient: ChatSessionClient) {
  // Store multi-step booking form data
  await chatClient.setBookingInfo({
    studentName: 'John',
    studentEmail: 'john@example.com',
    step: 'name-email',
    // ... other fields
  });
}

/** "### 4. Search Criteria" */
export async function searchCriteria(chatClient: ChatSessionClient) {
  // Store last search
  await chatClient.setSearchCriteria({
    skill: 'Python',
    day: 'Monday',
    time: '10:00',
  });
}
