import { rankTutors, type RankedMatch, type RankOptions } from "./match";
import type { SearchCriteria, Tutor } from "./schemas";

/**
 * One tutor's next free hours for `wish`, best first, at most `count`: `rankTutors` asked again with
 * each hour found counted as booked, so the same rule (the tutor's hours, their bookings, the
 * center's rules in `options.policy`) picks every one. The chat's move offers (move-flow.ts) and the
 * booking link's move (services/booking-link-move.ts) both list hours this way.
 */
export function nextFreeHours(tutor: Tutor, wish: SearchCriteria, options: RankOptions, count: number): RankedMatch[] {
  const found: RankedMatch[] = [];
  while (found.length < count) {
    const taken = [...(options.booked ?? []), ...found.map(({ match }) => ({ tutorId: match.tutor.id, date: match.slot.date, start: match.slot.start }))];
    const [next] = rankTutors([tutor], wish, { ...options, booked: taken, limit: 1 });
    if (!next) break;
    found.push(next);
  }
  return found;
}
