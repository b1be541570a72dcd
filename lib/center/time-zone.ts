/**
 * How times are shown to people. Every time on the site is the center's (its setting `timeZone`,
 * lib/center/policy.ts): slots are wall-clock strings there ("10:00"), and instants (when a
 * notification came, until when a message is yours) are formatted there too, so a student never
 * sees two zones side by side. Where the viewer's browser is in another zone, the zone is named
 * (app/components/center-time.tsx). Pure, and light enough for the browser (no zod).
 */

/** The zone's canonical IANA name ("Asia/Kolkata" and "Asia/Calcutta" are one zone), or null for one Intl does not know. */
export function canonicalZone(timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Whether a browser in `browserZone` reads the center's times as its own (same zone, by name). */
export function sameZone(centerZone: string, browserZone: string): boolean {
  const center = canonicalZone(centerZone);
  return center !== null && center === canonicalZone(browserZone);
}

function zoneNamePart(timeZone: string, style: "longGeneric" | "shortGeneric" | "short", at: Date): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: style }).formatToParts(at).find((part) => part.type === "timeZoneName")?.value ?? null;
  } catch {
    return null;
  }
}

/** "Pacific Time (Los Angeles)", "Central European Time (Berlin)"; the IANA name where Intl has no name for it ("UTC"). */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const generic = zoneNamePart(timeZone, "longGeneric", at);
  if (!generic || generic.startsWith("GMT")) return timeZone;
  const city = /^(?!Etc\/)[A-Za-z]+\/(?:.+\/)?([^/]+)$/.exec(timeZone)?.[1]?.replaceAll("_", " ");
  return city ? `${generic} (${city})` : generic;
}

/** The short mark after a time: "PT", "ET"; else the offset ("GMT+1"), which every reader can place. */
export function zoneAbbreviation(timeZone: string, at: Date = new Date()): string {
  const generic = zoneNamePart(timeZone, "shortGeneric", at);
  if (generic && /^[A-Z]{2,5}$/.test(generic)) return generic;
  return zoneNamePart(timeZone, "short", at) ?? timeZone;
}

/** The note shown where the viewer's zone differs: "All times are Pacific Time (Los Angeles), the center's time zone." */
export function zoneNoteText(timeZone: string, at: Date = new Date()): string {
  return `All times are ${zoneLabel(timeZone, at)}, the center's time zone.`;
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant at the center, in the site's 24-hour clock: "Wed, Nov 19, 10:05", with the zone's
 * mark after it when `withZone` ("Wed, Nov 19, 10:05 PT"). An unknown zone falls back to UTC, named.
 */
export function formatInstant(at: number, timeZone: string, { withZone = false }: { withZone?: boolean } = {}): string {
  const known = canonicalZone(timeZone);
  const zone = known ?? "UTC";
  let format = instantFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    if (instantFormats.size < 20) instantFormats.set(zone, format);
  }
  const text = format.format(new Date(at));
  return withZone || known === null ? `${text} ${zoneAbbreviation(zone, new Date(at))}` : text;
}
