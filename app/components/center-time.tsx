"use client";

import { formatInstant, zoneNoteText } from "@/lib/center/time-zone";
import { useCenterTime } from "./center-zone";

/** The center's times on the page, named where the browser's zone differs (the zone itself: ./center-zone.tsx). */

/** "All times are Pacific Time (Los Angeles), the center's time zone.", only where the browser's zone differs. */
export function ZoneNote({ className = "subtitle zone-note" }: { className?: string }) {
  const { timeZone, differs } = useCenterTime();
  if (!differs) return null;
  return (
    <p className={className} data-testid="zone-note">
      {zoneNoteText(timeZone)}
    </p>
  );
}

/** An instant (epoch ms) at the center: "Wed, Nov 19, 10:05", with " PT" where the browser's zone differs. */
export function When({ at }: { at: number }) {
  const { timeZone, differs } = useCenterTime();
  return <time dateTime={new Date(at).toISOString()}>{formatInstant(at, timeZone, { withZone: differs })}</time>;
}
