/**
 * What the staff inbox says above its list (app/staff/inbox/inbox-board.tsx): that it is loading
 * until the first answer, and a plain word when nothing waits, so staff never read a bare
 * "Waiting" heading as "nothing here" while it loads. Null: the list speaks for itself (or the error does).
 */
export function inboxStateText(inbox: { waiting: number; leased: number } | null, failed: boolean): string | null {
  if (!inbox) return failed ? null : "Loading the inbox…";
  if (inbox.waiting > 0) return null;
  const answering = inbox.leased > 0 ? ` ${inbox.leased} being answered by staff.` : "";
  return `No conversations are waiting.${answering}`;
}
