import { IN_PERSON, ONLINE, type MeetingMode } from "./parse-contact";
import { tokenize, words } from "./text";

/**
 * A tutor the student asks for by name ("can I get Maya again", "Prof. Petrov",
 * "con Lucía") and where they want to meet ("online", "in person",
 * "presencial"), from normalized text. Only names the catalog has count.
 */

export interface TutorParse {
  /** The tutor's name as the catalog spells it. */
  tutorName?: string;
  mode?: MeetingMode;
  /** Character ranges to blank before subjects and times are read ("Chen" is no subject). */
  spans: Array<[number, number]>;
}

/** First names that are also everyday words or weekdays: only the full name counts. */
const COMMON_FIRST_NAMES = new Set(["sun", "wen", "mei", "lin", "bao", "grace", "rosa", "hope", "will", "mark", "may", "art", "bill"]);
const TITLES = new Set(["prof", "professor", "mr", "mrs", "ms", "miss", "dr", "doctor", "teacher", "profe", "profesor", "profesora", "maestro", "maestra"]);

/** "online" in "my online class" is the class, not where to meet. */
const NOT_A_MODE_AFTER = /^\s*(class|classes|course|courses|homework|hw|quiz|quizzes|exam|exams|test|tests|assignment|assignments|lecture|lectures|notes|textbook|portal|platform)\b/;

function modeIn(text: string): { mode: MeetingMode; span: [number, number] } | undefined {
  const found = [
    { mode: "online" as const, match: ONLINE.exec(text) },
    { mode: "in_person" as const, match: IN_PERSON.exec(text) },
  ].flatMap(({ mode, match }) => (match && !NOT_A_MODE_AFTER.test(text.slice(match.index + match[0].length)) ? [{ mode, match }] : []));
  const first = found.sort((a, b) => a.match.index - b.match.index)[0];
  return first ? { mode: first.mode, span: [first.match.index, first.match.index + first.match[0].length] } : undefined;
}

interface NameHit {
  tutorName: string;
  span: [number, number];
}

interface People {
  people: Array<{ name: string; words: string[] }>;
  /** How many tutors share each first name: a shared one alone names nobody. */
  firstNames: Map<string, number>;
}

/** Built once per catalog name list. */
const peopleCache = new Map<string, People>();

function peopleOf(tutorNames: readonly string[]): People {
  const key = tutorNames.join("\n");
  const cached = peopleCache.get(key);
  if (cached) return cached;
  const people = tutorNames.map((name) => ({ name, words: words(name) })).filter((person) => person.words.length > 0);
  const firstNames = new Map<string, number>();
  for (const person of people) firstNames.set(person.words[0] ?? "", (firstNames.get(person.words[0] ?? "") ?? 0) + 1);
  if (peopleCache.size >= 8) peopleCache.clear();
  peopleCache.set(key, { people, firstNames });
  return { people, firstNames };
}

function tutorIn(text: string, tutorNames: readonly string[]): NameHit | undefined {
  const tokens = tokenize(text);
  const { people, firstNames } = peopleOf(tutorNames);
  const hits: Array<NameHit & { at: number }> = [];
  for (const person of people) {
    const [first = "", ...rest] = person.words;
    const last = rest[rest.length - 1];
    for (let i = 0; i < tokens.length; i++) {
      const at = (n: number) => tokens[i + n]?.word;
      const span = (n: number): [number, number] => [tokens[i]?.start ?? 0, tokens[i + n - 1]?.end ?? 0];
      if (person.words.every((word, k) => at(k) === word)) hits.push({ tutorName: person.name, span: span(person.words.length), at: i });
      else if (at(0) === first && !COMMON_FIRST_NAMES.has(first) && firstNames.get(first) === 1 && first.length >= 3) hits.push({ tutorName: person.name, span: span(1), at: i });
      else if (last && TITLES.has(at(0) ?? "") && at(1) === last) hits.push({ tutorName: person.name, span: span(2), at: i });
    }
  }
  return hits.sort((a, b) => a.at - b.at || b.span[1] - b.span[0] - (a.span[1] - a.span[0]))[0];
}

/** `text` must already be normalized. */
export function parseTutorAndMode(text: string, tutorNames: readonly string[]): TutorParse {
  const result: TutorParse = { spans: [] };
  const tutor = tutorIn(text, tutorNames);
  if (tutor) {
    result.tutorName = tutor.tutorName;
    result.spans.push(tutor.span);
  }
  const mode = modeIn(text);
  if (mode) {
    result.mode = mode.mode;
    result.spans.push(mode.span);
  }
  return result;
}
