import { isValidEmail, isValidName } from "../tutoring/parse-contact";
import type { FactKind } from "./schemas";

/**
 * Facts a student states in passing, read deterministically from one message:
 * goals ("I'm retaking Calc II", "I have an exam on Friday"), things to avoid
 * ("don't book me with Maya", "no mornings"), preferences ("I prefer online",
 * "evenings work best") and corrections ("actually my email is …"). Pure; the
 * sidecar runs it after the reply. A question, a negated statement or a
 * search request ("Python on Monday at 10") states no fact: the search
 * already uses it, and remembering it would repeat it in every later chat.
 */

export interface ExtractedFact {
  kind: Exclude<FactKind, "tutor" | "subject" | "last_interaction">;
  value: string;
  confidence: number;
}

/** One message states at most this many facts (the rest are dropped): learning's row bound. */
export const MAX_EXTRACTED = 4;

const STATED = 0.9;
const GOAL = 0.8;

const DAY = "(?:mon|tues|wednes|thurs|fri|satur|sun)day";
const PERIOD = "(?:morning|afternoon|evening|night)";
const QUESTION_START = /^(do|does|did|is|are|can|could|would|will|should|what|which|who|when|where|why|how)\b/;
/** Words that end a name or topic: "call me Ada please", "I'm retaking Calc II this spring". */
const STOP = /\s+\b(and|but|so|because|please|again|anymore|ever|instead|thanks|this|next|in|on|at|for|with|since|if)\b.*$/i;
/** Words a captured "name" cannot be: pronouns, times, filler. */
const NOT_A_TUTOR = new RegExp(`^(him|her|them|that|this|the|a|an|it|anyone|anybody|someone|you|me|us|${DAY}s?|${PERIOD}s?|weekends?|today|tomorrow|later|online|in person|the same tutor|that tutor|this tutor|same tutor)$`, "i");
const NOT_A_NAME_AFTER = /^(later|back|tomorrow|tonight|soon|now|when|if|at|on|maybe|anytime|whenever)\b/i;

function clauses(message: string): string[] {
  return message
    .replace(/\s+/g, " ")
    .split(/(?<=[.!;\n])\s+|(?<=\?)\s*/)
    .map((part) => part.trim())
    .filter(Boolean);
}

function isQuestion(clause: string): boolean {
  return clause.endsWith("?") || QUESTION_START.test(clause.toLowerCase());
}

function cut(text: string): string {
  return text.replace(STOP, "").replace(/[\s,.!;:]+$/, "").trim();
}

function capitalized(name: string): string {
  return name === name.toLowerCase() ? name.replace(/(^|[\s'-])(\p{L})/gu, (_, lead: string, letter: string) => lead + letter.toUpperCase()) : name;
}

function plural(word: string): string {
  const lower = word.toLowerCase().replace(/^nights?$/, "evening");
  return lower.endsWith("s") ? lower : `${lower}s`;
}

/** "10", "10am", "6 pm", "18:30" → "HH:MM"; a bare 1–7 is read as afternoon, the way people say "after 6". */
function clockValue(hour: string, minute: string | undefined, suffix: string | undefined): string | undefined {
  let h = Number(hour);
  const m = minute ? Number(minute) : 0;
  if (h > 23 || m > 59) return undefined;
  const pm = suffix ? suffix.startsWith("p") : h >= 1 && h <= 7;
  if (pm && h < 12) h += 12;
  if (suffix?.startsWith("a") && h === 12) h = 0;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

type Rule = (clause: string, lower: string) => ExtractedFact | undefined;

const email: Rule = (clause) => {
  const found = /\b(?:e-?mail(?: address)?|reach me at|use)\s*(?:is now|is|'s|:|=|changed to|should be|instead is)?\s*([a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,})/i.exec(clause);
  if (!found || /\b(?:isn'?t|is not|not)\b/i.test(clause.slice(0, found.index + found[0].length))) return undefined;
  if (/^use\b/i.test(found[0]) && !/\binstead\b/i.test(clause)) return undefined;
  const address = found[1]!.replace(/\.$/, "").toLowerCase();
  return isValidEmail(address) ? { kind: "email", value: address, confidence: STATED } : undefined;
};

const name: Rule = (clause) => {
  const found = /\b(?:my name is|my name's|call me|i go by)\s+(\p{L}[\p{L}'-]*(?:\s+\p{L}[\p{L}'-]*){0,3})/iu.exec(clause);
  if (!found || NOT_A_NAME_AFTER.test(found[1]!) || /\bnot\b/i.test(found[1]!)) return undefined;
  const value = capitalized(cut(found[1]!));
  return value && isValidName(value) ? { kind: "name", value, confidence: STATED } : undefined;
};

const MODE = "(online|in[- ]person|face[- ]to[- ]face|virtual(?:ly)?|over zoom|remote(?:ly)?)";
const mode: Rule = (_clause, lower) => {
  const found =
    new RegExp(`\\b(?:i(?: would|'d) rather|i prefer|i'd prefer|i like)\\s+(?:(?:to )?(?:meet|study|do it|have sessions)\\s+)?(?:sessions\\s+)?${MODE}`).exec(lower) ??
    new RegExp(`\\b${MODE}\\s+(?:is|works|sessions are|sessions work)\\s+(?:better|best|easier)(?: for me)?\\b`).exec(lower);
  if (!found || /\b(?:not|n't|never)\b/.test(lower.slice(Math.max(0, found.index - 12), found.index + found[0].length))) return undefined;
  const value = /^(in|face)/.test(found[1]!) ? "in_person" : "online";
  return { kind: "preferred_mode", value, confidence: STATED };
};

const preferredTime: Rule = (_clause, lower) => {
  const found =
    new RegExp(`\\b(?:${DAY}s?\\s+)?(${PERIOD}s?)\\s+(?:work|works|are|is)\\s+(?:best|better|great|good)(?: for me)?\\b`).exec(lower) ??
    new RegExp(`\\bi (?:prefer|like)\\s+(?:${DAY}s?\\s+)?(${PERIOD}s)\\b`).exec(lower);
  if (!found || /\b(?:not|n't|never)\b/.test(lower.slice(0, found.index + found[0].length))) return undefined;
  return { kind: "preferred_time", value: plural(found[1]!), confidence: STATED };
};

const preferredDay: Rule = (_clause, lower) => {
  const found =
    new RegExp(`\\b(${DAY}s?|weekends?)(?:\\s+${PERIOD}s?)?\\s+(?:work|works|are|is)\\s+(?:best|better|great)(?: for me)?\\b`).exec(lower) ??
    new RegExp(`\\bi prefer\\s+(${DAY}s|weekends)\\b`).exec(lower);
  if (!found || /\b(?:not|n't|never)\b/.test(lower.slice(0, found.index + found[0].length))) return undefined;
  const day = found[1]!.replace(/s$/, "");
  return { kind: "preferred_day", value: day === "weekend" ? "weekends" : day, confidence: STATED };
};

const avoidTutor: Rule = (clause) => {
  const patterns = [
    /\b(?:don'?t|do not|never|please don'?t) (?:book|put|pair|match|schedule) me (?:again )?with ([\p{L}][\p{L}'-]*(?: [\p{L}][\p{L}'-]*){0,2})/iu,
    /\b(?:no more|not again|no) (?:sessions? |tutoring )?with ([\p{L}][\p{L}'-]*(?: [\p{L}][\p{L}'-]*){0,2})/iu,
    /\b(?:anyone|anybody|someone) (?:but|except|other than) ([\p{L}][\p{L}'-]*(?: [\p{L}][\p{L}'-]*){0,2})/iu,
    /\b[Ii] (?:don'?t|do not) want (?:to (?:work|study|meet) with )?([\p{Lu}][\p{L}'-]*(?: [\p{Lu}][\p{L}'-]*){0,2}) (?:again|anymore)\b/u,
  ];
  for (const pattern of patterns) {
    const found = pattern.exec(clause);
    if (!found) continue;
    const value = cut(found[1]!);
    if (!value || NOT_A_TUTOR.test(value) || new RegExp(`\\b(${DAY}s?|${PERIOD}s?)\\b`, "i").test(value)) return undefined;
    return { kind: "avoid_tutor", value: capitalized(value), confidence: STATED };
  }
  return undefined;
};

const avoidTime: Rule = (_clause, lower) => {
  const clock = /\b(?:nothing|not|never|no sessions?|can'?t do anything|no time) (before|after) (\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?/.exec(lower);
  if (clock) {
    const time = clockValue(clock[2]!, clock[3], clock[4]);
    return time ? { kind: "avoid_time", value: `${clock[1]} ${time}`, confidence: STATED } : undefined;
  }
  const when = `(${DAY}s?\\s+${PERIOD}s|${DAY}s|weekends|${PERIOD}s)`;
  const found =
    new RegExp(`\\b(?:no|not|never|avoid|nothing)\\s+(?:on\\s+|in the\\s+)?${when}\\b`).exec(lower) ??
    new RegExp(`\\bi (?:can'?t|cannot|can not) (?:do|make|come)(?: on| in the)?\\s+${when}\\b`).exec(lower) ??
    new RegExp(`\\b${when}\\s+(?:don'?t|do not|never) work\\b`).exec(lower);
  if (!found) return undefined;
  return { kind: "avoid_time", value: found[1]!.replace(/nights\b/, "evenings"), confidence: STATED };
};

const goal: Rule = (clause) => {
  const retake = /\bi(?:'m| am) (?:retaking|repeating) ([\p{L}\p{N}][\p{L}\p{N} .+#'-]{0,40})/iu.exec(clause);
  if (retake) {
    const course = cut(retake[1]!);
    return course ? { kind: "goal", value: `${course} retake`, confidence: GOAL } : undefined;
  }
  const exam =
    /\b(?:i have|i've got|i got|i've|there's|there is)\s+(?:an?|my|the)\s+((?:[\p{L}\p{N}+#'-]+\s+){0,3}?)(exam|midterm|final|test|quiz)\b((?:\s+(?:on|this|next|tomorrow|in)\b(?:\s+[\p{L}\p{N}]+){0,2})?)/iu.exec(clause) ??
    /\bmy\s+((?:[\p{L}\p{N}+#'-]+\s+){0,3}?)(exam|midterm|final|test|quiz) is\s+((?:on|this|next|tomorrow|in)\b(?:\s+[\p{L}\p{N}]+){0,2})/iu.exec(clause);
  if (exam) {
    const course = exam[1]!.trim();
    const when = exam[3]!.trim().replace(/[.,!;]+$/, "");
    return { kind: "goal", value: [course, exam[2]!.toLowerCase(), when].filter(Boolean).join(" "), confidence: GOAL };
  }
  const preparing = /\bi(?:'m| am) (?:preparing|studying|cramming|getting ready) for (?:the |my |an? )?([\p{L}\p{N}][\p{L}\p{N} .+#'-]{0,40})/iu.exec(clause);
  if (preparing) {
    const target = cut(preparing[1]!);
    return target && !/^(it|this|that|something|nothing)$/i.test(target) ? { kind: "goal", value: target, confidence: GOAL } : undefined;
  }
  return undefined;
};

const RULES: Rule[] = [email, name, mode, preferredTime, preferredDay, avoidTutor, avoidTime, goal];

/** The facts `message` states, at most MAX_EXTRACTED, one per kind (the last said wins). */
export function extractFacts(message: string): ExtractedFact[] {
  const found = new Map<ExtractedFact["kind"], ExtractedFact>();
  for (const clause of clauses(message.slice(0, 2000))) {
    if (isQuestion(clause)) continue;
    const lower = clause.toLowerCase();
    for (const rule of RULES) {
      const fact = rule(clause, lower);
      if (fact) found.set(fact.kind, fact);
    }
  }
  return [...found.values()].slice(0, MAX_EXTRACTED);
}
