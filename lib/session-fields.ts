/**
 * A chat's fields before the assistant has set any (`SessionFields` in lib/schemas.ts, which
 * re-exports this with its type). Kept apart, importing nothing, so the chat page shows an empty
 * chat without loading zod.
 */
export const EMPTY_SESSION_FIELDS = {
  pendingMatch: null,
  bookingInfo: null,
  searchCriteria: null,
  availableTutors: [] as never[],
};
