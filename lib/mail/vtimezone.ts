/**
 * A VTIMEZONE component for an IANA zone, computed from the runtime's own
 * time-zone data (`Intl`), for ical-generator's `timezone.generator`. The
 * packaged generators read zone files from disk, which a Worker has not got.
 *
 * Each offset change from a year before `around` to a year after is one
 * STANDARD or DAYLIGHT observance with its exact local start (no RRULE), which
 * RFC 5545 allows and every client reads; a zone without changes gets one
 * STANDARD observance. Covers any event within a year of `around`.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function vtimezone(timeZone: string, around: Date): string | null {
  const offsetAt = offsetReader(timeZone);
  if (!offsetAt) return null;
  const from = Date.UTC(around.getUTCFullYear() - 1, 0, 1);
  const to = Date.UTC(around.getUTCFullYear() + 2, 0, 1);
  const transitions: { at: number; before: number; after: number }[] = [];
  let previous = offsetAt(from);
  for (let day = from + DAY_MS; day <= to; day += DAY_MS) {
    const current = offsetAt(day);
    if (current === previous) continue;
    // The change lies in (day - 1 day, day]: narrow it to the minute.
    let low = day - DAY_MS;
    let high = day;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetAt(middle) === previous) low = middle;
      else high = middle;
    }
    transitions.push({ at: high, before: previous, after: current });
    previous = current;
  }
  const lines = ["BEGIN:VTIMEZONE", `TZID:${timeZone}`];
  if (transitions.length === 0) {
    const offset = offsetAt(from);
    lines.push("BEGIN:STANDARD", "DTSTART:19700101T000000", `TZOFFSETFROM:${icsOffset(offset)}`, `TZOFFSETTO:${icsOffset(offset)}`, "END:STANDARD");
  }
  const standard = Math.min(...transitions.flatMap((change) => [change.before, change.after]));
  for (const change of transitions) {
    const kind = change.after > standard ? "DAYLIGHT" : "STANDARD";
    lines.push(
      `BEGIN:${kind}`,
      // DTSTART of an observance is local time in the offset in force before it (RFC 5545 3.6.5).
      `DTSTART:${localStamp(change.at + change.before * 60_000)}`,
      `TZOFFSETFROM:${icsOffset(change.before)}`,
      `TZOFFSETTO:${icsOffset(change.after)}`,
      `END:${kind}`,
    );
  }
  lines.push("END:VTIMEZONE");
  return lines.join("\r\n");
}

/** Minutes east of UTC at an instant, read from `Intl` ("GMT-07:00"); null for an unknown zone. */
function offsetReader(timeZone: string): ((epoch: number) => number) | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
  } catch {
    return null;
  }
  return (epoch) => {
    const name = format.formatToParts(new Date(epoch)).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
    const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
    if (!match) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
    return match[1] === "-" ? -minutes : minutes;
  };
}

function icsOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}${String(absolute % 60).padStart(2, "0")}`;
}

/** `YYYYMMDDTHHMMSS` of a wall-clock time given as epoch ms (already shifted by its offset). */
function localStamp(shifted: number): string {
  return new Date(shifted).toISOString().replace(/[-:]/g, "").slice(0, 15);
}
