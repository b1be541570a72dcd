import { SKILL_ALIASES, SKILL_GROUPS } from "./skill-aliases";
import { tokenize } from "./text";

/**
 * A subject the student clearly asked for that the catalog does not carry
 * ("help with piano"), so the assistant can say "we don't offer piano" and
 * name the nearest subjects it does offer instead of "I didn't catch that".
 * Two sources, and the reply tells them apart:
 *  - subjects we know of: the table below, plus any alias or family member the
 *    catalog lacks (a catalog without Python still knows what "python" is);
 *  - a word in a clear subject frame ("help with zoology", "a zoology tutor"),
 *    which we only repeat back, never claim to understand.
 */

export interface UnknownSubject {
  /** How the reply names it: "piano", "Korean", or the word as typed. */
  name: string;
  /** True when it is a subject we know of (not a word we merely saw in a subject frame). */
  known: boolean;
  /** Subjects to suggest first, nearest first; the catalog decides which of them exist. */
  near: readonly string[];
}

const LANGUAGES = ["Spanish", "French", "German", "Japanese", "Mandarin", "ESL"];
const CODE = ["Python", "JavaScript", "Java", "C++", "SQL", "Data Structures"];
const SCIENCE = ["Biology", "Chemistry", "Physics", "Anatomy & Physiology"];
const HEALTH = ["Anatomy & Physiology", "Biology", "Chemistry", "Psychology"];
const MATH = ["Algebra", "Precalculus", "Calculus I", "Statistics", "Geometry"];
const BUSINESS = ["Accounting", "Economics", "Statistics"];
const SOCIAL = ["Psychology", "US History", "Economics", "Essay Writing"];
const WRITING = ["Essay Writing", "Creative Writing", "Research Papers", "US History"];
const ARTS = ["Creative Writing", "Essay Writing"];

/** Subjects a college catalog might list that this center may not: the name to say, and the family to suggest. */
const OUTSIDE: ReadonlyArray<[words: string, name: string, near: readonly string[]]> = [
  ["piano|guitar|violin|drums|singing|voice lessons|music|music theory|guitarra|musica|violin|canto|bateria", "", ARTS],
  ["art|drawing|painting|photography|art history|dibujo|pintura|arte|fotografia|graphic design|animation|film", "", ARTS],
  ["korean|coreano", "Korean", LANGUAGES],
  ["italian|italiano", "Italian", LANGUAGES],
  ["portuguese|portugues", "Portuguese", LANGUAGES],
  ["arabic|arabe", "Arabic", LANGUAGES],
  ["russian|ruso", "Russian", LANGUAGES],
  ["hindi", "Hindi", LANGUAGES],
  ["vietnamese|vietnamita", "Vietnamese", LANGUAGES],
  ["tagalog|filipino", "Tagalog", LANGUAGES],
  ["cantonese|cantones", "Cantonese", LANGUAGES],
  ["asl|sign language|lengua de senas", "ASL", LANGUAGES],
  ["rust|golang|swift|kotlin|ruby|php|matlab|c sharp|c#|r programming|assembly|haskell", "", CODE],
  ["machine learning|ai|artificial intelligence|cybersecurity|networking|web development|excel|linux", "", CODE],
  ["astronomy|geology|earth science|environmental science|ecology|oceanography|astronomia|geologia", "", SCIENCE],
  ["biochemistry|microbiology|bioquimica|microbiologia", "", SCIENCE],
  ["nursing|pharmacology|nutrition|kinesiology|medical terminology|enfermeria|nutricion", "", HEALTH],
  ["finance|marketing|business law|entrepreneurship|finanzas|mercadotecnia", "", BUSINESS],
  ["philosophy|sociology|anthropology|political science|ethnic studies|world history|european history|filosofia|sociologia|antropologia", "", SOCIAL],
  ["literature|poetry analysis|shakespeare|journalism|literatura|periodismo", "", WRITING],
  ["geometry|geometria", "Geometry", MATH],
  ["differential equations|diff eq|multivariable calculus|calc 3|calculus 3|calculus iii|real analysis|number theory", "", MATH],
  ["chess|ajedrez|cooking|swimming|dance|baile|yoga", "", []],
];

interface OutsideEntry {
  key: string;
  name: string;
  near: readonly string[];
}

const OUTSIDE_ENTRIES: OutsideEntry[] = OUTSIDE.flatMap(([phrases, name, near]) =>
  phrases.split("|").map((key) => ({ key, name: name || key, near })),
);

/** Words that fill a subject frame without naming a subject ("help with my homework"). */
const NOT_A_SUBJECT = new Set(
  (
    "i me my our your his her their this that these those it its some any the a an something anything everything nothing stuff things thing " +
    "homework assignment assignments project projects lab labs class classes course courses school college university exam exams test tests " +
    "quiz quizzes final finals midterm midterms studying study reading notes paper papers essay work worksheet problems problem questions " +
    "question booking appointment session sessions tutor tutors tutoring lesson lessons help new good same online private real female male " +
    "best free nice patient great better available different another other someone somebody anyone anybody tomorrow today tonight week " +
    "weekend morning afternoon evening night monday tuesday wednesday thursday friday saturday sunday please asap now later " +
    "prep review practice finding getting understanding writing learning math science programming coding english languages business " +
    "mi mis tu su la el los las un una unos unas algo eso esto tarea tareas examen clase clases curso trabajo ayuda tutor tutora tutores " +
    "hoy manana semana lunes martes miercoles jueves viernes sabado domingo favor"
  ).split(" "),
);

/** Subject frames: "help with X", "tutor for X", "X tutor", "learn X", "clases de X". */
const FRAMES: RegExp[] = [
  /\b(?:help|tutor(?:ing)?|tutors|lessons?|classes|someone|somebody|anyone|support)\s+(?:with|for|in)\s+(?:my\s+|some\s+|a\s+|the\s+)?([a-z][a-z+#]{2,})(?=$|[\s,.!?])/,
  /\b(?:learn|learning|study|studying|taking|failing|struggling with|struggling in)\s+(?:my\s+|some\s+)?([a-z][a-z+#]{2,})(?=$|[\s,.!?])/,
  /\b(?:a|an|any|need|want|find|get|some)\s+([a-z][a-z+#]{2,})\s+(?:tutor|tutors|tutoring|teacher|lessons?)\b/,
  /\b(?:ayuda|tutor|tutora|tutores|clases?|profe|profesor|profesora)\s+(?:de|con|en|para)\s+(?:mi\s+|la\s+|el\s+)?([a-z][a-z]{2,})(?=$|[\s,.!?])/,
];

function subjectsByKey(subjects: readonly string[]): Map<string, string> {
  return new Map(subjects.map((subject) => [subject.toLowerCase(), subject]));
}

/** Every alias and family word, with the subject names they lead to (whatever the catalog carries). */
function knownWords(): Map<string, string[]> {
  const known = new Map<string, string[]>();
  for (const [alias, subject] of Object.entries(SKILL_ALIASES)) known.set(alias, [subject]);
  for (const [word, members] of Object.entries(SKILL_GROUPS)) known.set(word, [...members]);
  for (const members of Object.values(SKILL_GROUPS)) for (const member of members) known.set(member.toLowerCase(), [member]);
  return known;
}

const KNOWN = knownWords();
/** Longest first, so "music theory" is not read as "music". */
const KNOWN_LONGEST_FIRST = [...KNOWN].filter(([word]) => /[a-z]/.test(word)).sort((a, b) => b[0].length - a[0].length);
const OUTSIDE_LONGEST_FIRST = [...OUTSIDE_ENTRIES].sort((a, b) => b.key.length - a.key.length);

/** Every run of one to four words in the message, for phrase lookups. */
function phrasesOf(tokens: string[]): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    for (let n = 1; n <= 4 && i + n <= tokens.length; n++) grams.add(tokens.slice(i, i + n).join(" "));
  }
  return grams;
}

/**
 * The unknown subject `text` names, if it clearly names one. `text` is the
 * normalized message with recognized subject words already taken out; call it
 * only when no catalog subject was found.
 */
export function findUnknownSubject(text: string, subjects: readonly string[]): UnknownSubject | undefined {
  const grams = phrasesOf(tokenize(text).map((token) => token.word));
  const outside = OUTSIDE_LONGEST_FIRST.find((entry) => grams.has(entry.key));
  if (outside) return { name: outside.name, known: true, near: outside.near };
  const offered = subjectsByKey(subjects);
  // A subject we know by name or alias, that this catalog does not carry.
  for (const [word, members] of KNOWN_LONGEST_FIRST) {
    if (!grams.has(word)) continue;
    if (members.some((member) => offered.has(member.toLowerCase()))) continue;
    const name = members.length === 1 ? (members[0] ?? word) : word;
    return { name, known: true, near: familyOf(members) };
  }
  for (const frame of FRAMES) {
    const word = frame.exec(text)?.[1];
    if (word && !NOT_A_SUBJECT.has(word) && !KNOWN.has(word)) return { name: word, known: false, near: [] };
  }
  return undefined;
}

/** The family a known subject belongs to, for suggestions. */
function familyOf(members: readonly string[]): string[] {
  const family = new Set<string>();
  for (const group of Object.values(SKILL_GROUPS)) {
    if (members.some((member) => group.includes(member))) for (const subject of group) family.add(subject);
  }
  return [...family];
}

/** Up to `count` subjects the catalog offers, nearest to the unknown one first, then the center's usual ones. */
export function nearestSubjects(unknown: UnknownSubject, subjects: readonly string[], usual: readonly string[], count = 4): string[] {
  const offered = subjectsByKey(subjects);
  const picked: string[] = [];
  for (const name of [...unknown.near, ...usual, ...subjects]) {
    const subject = offered.get(name.toLowerCase());
    if (subject && !picked.includes(subject)) picked.push(subject);
    if (picked.length >= count) break;
  }
  return picked;
}
