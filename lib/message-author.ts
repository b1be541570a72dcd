import type { MessageAuthor } from "./schemas";

/**
 * How a person's reply and typing read in the student's chat (a staff member answering; their
 * name comes from lib/staff/author.ts on the server). The built-in assistant keeps the center's
 * persona name; these are for people.
 */

/** Above a person's reply in the chat: "Sam · Tutoring center". */
export function authorLabel(author: MessageAuthor): string {
  return `${author.name} · Tutoring center`;
}

/** The typing line while a person writes: "Sam from the tutoring center is typing…". */
export function typingLabel(author: MessageAuthor): string {
  return `${author.name} from the tutoring center is typing…`;
}
