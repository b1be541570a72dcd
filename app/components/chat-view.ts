import type { ChatMessage, ReplyVote, SessionFields } from "@/lib/schemas";
import type { BookingInfo, TutorMatch } from "@/lib/tutoring/schemas";
import type { LiveChat } from "./use-live-chat";

/** `persistent`: state lives in the sidecar. `fallback`: React state only, nothing is saved. */
export type ChatMode = "checking" | "persistent" | "fallback";

/** What the chat page reads and calls, in either mode (app/components/use-chat.ts picks the mode). */
export interface ChatView {
  mode: ChatMode;
  sessionId: string | null;
  messages: ChatMessage[];
  fields: SessionFields;
  hasOlder: boolean;
  /** This tab is sending a message and waiting for its answer. */
  thinking: boolean;
  /** The chat service is unreachable and this tab keeps re-sending the student's message. */
  reconnecting: boolean;
  /** The last message is the student's and its answer has not arrived yet (e.g. a bot outside the sidecar has it). */
  awaitingReply: boolean;
  /** The live socket: typing, read receipts, and whether updates are pushed or polled. */
  live: LiveChat;
  /** Changes when this tab has created a chat: the chat list reloads. */
  savedChats: number;
  error: string | null;
  send(content: string): Promise<boolean>;
  /** Saves what the student has typed into the booking form, so a reload keeps it. */
  saveBookingDraft(info: BookingInfo): void;
  /** Opens another of the owner's chats. */
  switchTo(sessionId: string): void;
  /** Makes one of the tutors shown the pending match, then asks to book it. */
  /** Choose one of the other tutors and send `words` (the chat language's "Book this tutor"). */
  bookTutor(match: TutorMatch, words?: string): Promise<boolean>;
  loadOlder(): Promise<void>;
  startOver(): void;
  /** Shows a reply's vote as the server stored it (this tab's, or another tab's pushed frame). */
  showVote(messageId: string, vote: ReplyVote | null): void;
}

/** What the chat shows when a send failed: the error's own words, else a plain "try again". */
export function sendErrorText(caught: unknown): string {
  return caught instanceof Error ? caught.message : "Something went wrong. Please try again.";
}
