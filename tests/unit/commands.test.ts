import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond, type AssistantEffect, type EffectOutcome } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { QUICK, QUICK_MEANING, STARTERS, contactMessage, detailsMessage, quickReplyText, type CommandMeaning } from "../../lib/tutoring/commands";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { parseDetails, parseMessage } from "../../lib/tutoring/parse";

// Sunday, Nov 22 2026, 10:00 in San Francisco.
const NOW = new Date("2026-11-22T18:00:00Z");
const today = localNow(NOW);
const catalog = createMemoryCatalog(SEED_TUTORS);
const subjects = await catalog.subjects();

function read(text: string, strict = false) {
  return parseMessage(text, { subjects, today, strict });
}

/** Which kinds of search criteria a message carries. */
function criteriaIn(text: string): string[] {
  const parsed = read(text);
  return [
    ...(parsed.skill || parsed.skillOptions ? ["skill"] : []),
    ...(parsed.day || parsed.date || parsed.anyDay ? ["day"] : []),
    ...(parsed.timeFrom || parsed.timeTo || parsed.anyTime ? ["time"] : []),
  ];
}

/** Holds a button's words to what they must mean, in free text and inside the booking form's steps. */
function expectMeaning(text: string, means: CommandMeaning) {
  if ("intent" in means) {
    expect(read(text).intent, text).toBe(means.intent);
    // The form's Go back / Cancel buttons are sent while the student is typing a name or a topic.
    expect(read(text, true).intent, `${text} (in the form)`).toBe(means.intent);
  } else if ("mode" in means) {
    expect(parseDetails(text).mode, text).toBe(means.mode);
    expect(read(text, true).intent, text).toBeUndefined();
  } else if ("criteria" in means) {
    expect(read(text).intent, text).toBeUndefined();
    expect(criteriaIn(text), text).toEqual(means.criteria);
  }
}

const commands = Object.entries(QUICK_MEANING) as [keyof typeof QUICK, CommandMeaning][];

describe("the words buttons and quick replies send", () => {
  it.each(commands.filter(([, means]) => !("resend" in means)))("reads %s as what it is meant to trigger", (key, means) => {
    expectMeaning(QUICK[key], means);
  });

  it.each(STARTERS.map((starter) => [starter.text, starter.means] as const))("reads the starter %j as meant", (text, means) => {
    expectMeaning(text, means);
  });

  it("reads every subject chip as that subject", () => {
    for (const subject of subjects) expect(read(subject).skill, subject).toBe(subject);
  });

  it("reads the booking form's details as the mode and topic chosen", () => {
    for (const mode of ["online", "in_person"] as const) {
      expect(parseDetails(detailsMessage(mode, "  recursion homework "))).toEqual({ mode, anyMode: false, intake: "recursion homework" });
    }
  });

  it("gives every command distinct words", () => {
    const words = Object.values(QUICK).map((text) => text.toLowerCase());
    expect(new Set(words).size).toBe(words.length);
  });

  it("sends the student's last message again for 'Try again', and any other reply as it is", () => {
    const messages = [
      { role: "user", content: "Python on Monday at 10" },
      { role: "assistant", content: "Sorry, I couldn't work that out just now." },
    ];
    expect(quickReplyText(QUICK.tryAgain, messages)).toBe("Python on Monday at 10");
    expect(quickReplyText(QUICK.book, messages)).toBe(QUICK.book);
    // Nothing to resend: the words go as they are (the assistant then asks what the student needs).
    expect(quickReplyText(QUICK.tryAgain, [])).toBe(QUICK.tryAgain);
  });
});

describe("the quick replies the assistant offers", () => {
  const OUTCOMES: EffectOutcome[] = [
    { ok: true, bookingId: "bk-0123456789abcdef0123456789abcdef", meetingLink: "https://meet.example.com/x" },
    ...(["slot_taken", "unavailable", "limit", "not_found", "error"] as const).map((reason) => ({ ok: false as const, reason })),
  ];

  /**
   * Clicks through the assistant from a few openings, pressing every quick reply
   * offered and filling the booking form as the panel does, and collects what
   * was offered along the way (effects answered with every outcome).
   */
  async function offeredQuickReplies(depth: number): Promise<Set<string>> {
    const offered = new Set<string>();
    const seen = new Set<string>();
    let frontier = ["hi", "Python on Monday at 10", "math tomorrow", "nonsense words", ...STARTERS.map((s) => s.text)].map((message) => ({
      fields: EMPTY_SESSION_FIELDS,
      message,
    }));
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const next: typeof frontier = [];
      for (const { fields, message } of frontier) {
        const turn = await respond({ fields, message, now: NOW, catalog });
        const states: SessionFields[] = [];
        const replies = [...turn.replies];
        const after = SessionFields.parse({ ...fields, ...turn.patch });
        if (turn.effect) {
          for (const outcome of effectOutcomes(turn.effect)) {
            const followUp = describeEffectOutcome(after, turn.effect, outcome);
            replies.push(...followUp.replies);
            states.push(SessionFields.parse({ ...after, ...followUp.patch }));
          }
        } else {
          states.push(after);
        }
        for (const reply of replies) for (const quick of reply.quickReplies ?? []) offered.add(quick);
        for (const state of states) {
          const key = JSON.stringify(state);
          if (seen.has(key)) continue;
          seen.add(key);
          const quick = replies.at(-1)?.quickReplies ?? [];
          const form = state.bookingInfo?.step === "contact" ? [contactMessage("Ada Lovelace", "ada@example.com")] : state.bookingInfo?.step === "details" ? [detailsMessage("online", "recursion")] : [];
          for (const message of [...quick, ...form]) next.push({ fields: state, message });
        }
      }
      frontier = next;
    }
    return offered;
  }

  function effectOutcomes(effect: AssistantEffect): EffectOutcome[] {
    return effect.type === "create_booking" ? OUTCOMES : [OUTCOMES[0]!, { ok: false, reason: "not_found" }, { ok: false, reason: "error" }];
  }

  it("are all words of the shared vocabulary or the catalog's subjects", async () => {
    const offered = await offeredQuickReplies(9);
    const known = new Set<string>([...Object.values(QUICK), ...subjects]);
    expect([...offered].filter((quick) => !known.has(quick))).toEqual([]);
    // The walk reached the booking form's end and its follow-ups, not only the search.
    expect(offered).toContain(QUICK.confirm);
    expect(offered).toContain(QUICK.cancelBooking);
  });
});
