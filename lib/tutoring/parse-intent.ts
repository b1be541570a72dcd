import type { Intent } from "./intents";
import { CONTAINED_INTENTS_ES, GREETING_ES, LEADING_FILLER_ES, TRAILING_FILLER_ES, WHOLE_INTENTS_ES } from "./lexicon-es";
import { fold } from "./text";

/**
 * Commands the student can give at any point ("show me other tutors", "go
 * back", "start over"). Most must be the whole message, give or take filler
 * like "ok" or "please", so a sentence that merely contains "back" or "help"
 * ("I need help with Python") is never mistaken for a command.
 */

export type { Intent } from "./intents";

export interface IntentParse {
  intent?: Intent;
  /** The message opened with a greeting ("hi", "good morning"). */
  greeting: boolean;
  /** The message with any greeting removed, for the other parsers. */
  rest: string;
  /** Text the student wants passed on with "leave a message: ..." or "tell the center ...", punctuation kept. */
  note?: string;
}

const WHOLE: Array<[Intent, RegExp]> = [
  ["edit_message", /^((change|edit|rewrite|reword) (it|the message|my message)|edit)$/],
  ["join_waitlist", /^((join|get on)( the)? wait ?list|(put|add) me (on|to) the wait ?list|wait ?list( me)?)$/],
  ["leave_waitlist", /^((leave|get off)( the)? wait ?list|(take|remove) me (off|from) the wait ?list)$/],
  ["start_over", /^(start over|start again|start from scratch|start fresh|restart|reset|new search|begin again|clear( everything)?)$/],
  ["cancel_booking", /^cancel (my |the |this )?(booking|session|appointment|reservation|tutoring session)$/],
  ["reschedule", /^(re-?schedule|rebook|move)( (it|my booking|my session|this session|the session|the booking))?$/],
  ["cancel", /^(cancel|cancel (it|that|this|the form)|never ?mind|forget it|stop|quit|abort)$/],
  ["change_time", /^((change|pick|choose|try|switch)( to)? (the |a )?(different |another |new )?time|(a )?different time|another time|new time|other times?|change time)$/],
  ["change_day", /^((change|pick|choose|try|switch)( to)? (the |a )?(different |another |new )?day|(a )?different day|another day|other days?)$/],
  ["back", /^(back|go back|go back one step|previous|previous step|step back|undo)$/],
  ["help", /^(help|help me|\?+|what can you do|how does (this|it) work|what do you do|menu|options|commands)$/],
  ["other_tutors", /^((show|see|give)( me)? )?((any|some) )?(other|more|different|another|next)( tutors?| options?| ones?| one| matches| match)?$|^(someone|anyone|somebody|anybody) else$|^who else( is there)?$|^next (tutor|one|option)$/],
  [
    "book",
    /^((yes|yeah|yep|yea|ok|okay|perfect|great|sure|cool|awesome|sounds good|that works|that one works|this one works|that one|this one)[,!.]* )*(please )?(book|book it|book (him|her|them|this|that|this one|that one|this tutor|the tutor|the session|a session|now)|reserve( it)?|sign me up|i'?ll take it|let'?s do it|book this tutor)( please| now)?$/,
  ],
  ["affirm", /^(yes|y|yeah|yep|yup|ya|yea|yas|sure|ok|okay|k|kk|confirm|confirmed|confirm booking|confirm it|correct|right|that'?s right|that'?s correct|sounds good|perfect|great|looks good|looks right|do it|go ahead|yes please|absolutely|definitely|of course|continue|proceed|all good|(yeah |yes |ok )?that works|(yes |yeah |yep )?(that'?s (the one|it|perfect|good)|that one|this one)|works for me|that'?s fine|fine|cool|👍|👌|✅)$/],
  ["deny", /^((no|n|nope|nah)[, ]*)?(no|n|nope|nah|not really|no thanks|no thank you|wrong|not that|not that one|not this one)$/],
  ["thanks", /^(thanks|thank you|thx|ty|tysm|cheers|thanks a lot|thank you so much|thanks so much|thx so much|ty so much|much appreciated)$/],
  ...WHOLE_INTENTS_ES,
];

/** Phrases unambiguous enough to count inside a longer sentence (outside free-text form steps). */
const CONTAINED: Array<[Intent, RegExp]> = [
  ["cancel_booking", /\bcancel (my|the) (booking|session|appointment|reservation)\b/],
  // A move names what moves ("move it", "move my session", "reschedule"): "move on" or "move to Python" is not one.
  ["reschedule", /\b(re-?schedule|rebook)\b|\b(move|shift|push|change)( back| forward)? (it|that|my (booking|session|appointment|tutoring session)|the (booking|session|appointment))\b/],
  ["leave_message", /\b(leave a message|talk to a (human|person|real person)|speak (to|with) (a |an )?(human|person|real person|someone|staff|advisor)|real person|contact the tutoring center)\b/],
  ["start_over", /\b(start over|start again)\b/],
  ["other_tutors", /\b(other tutors|someone else|another tutor|different tutor|other options)\b/],
  ["change_time", /\b(change the time|different time|another time|other times)\b/],
  ["change_day", /\b(change the day|different day|another day|other days)\b/],
  ...CONTAINED_INTENTS_ES,
];

const CENTER = "(?:the )?(?:tutoring )?(?:center|centre|staff|front desk)";
/** A request to pass something on, and what follows it (the words to pass on, if any). */
const LEAVE_MESSAGE = new RegExp(
  `^(?:leave (?:a |me a )?message(?: for ${CENTER})?|message ${CENTER}|talk to (?:a |an )?(?:human|person|real person|staff)|human|agent|real person|operator` +
    `|tell ${CENTER}(?: that)?|let ${CENTER} know(?: that)?` +
    // Spanish: "dejar un mensaje al centro de tutorías", "hablar con una persona", "decirle al centro que …".
    `|dejar(?:le)? (?:un )?mensaje(?: (?:al|para el) (?:centro|personal)(?: de tutor[ií]as)?)?|hablar con (?:una persona|alguien|un humano|el personal)|(?:decirle|dile) al centro(?: que)?)(?:\\s*[:,-]\\s*|\\s+|$)(?<note>.*)$`,
  "is",
);

const GREETING = new RegExp(String.raw`^[¡!]*(hi there|hello there|hey there|good (morning|afternoon|evening)|hiya|hello|hey|hi|howdy|yo|greetings|${GREETING_ES})\b[\s,!.?]*`, "i");
const LEADING_FILLER = new RegExp(
  String.raw`^(ok|okay|um+|uh+|so|well|please|pls|actually|then|and|oh|ah|alright|can you|could you|can i|could i|would you|i want to|i'?d like to|i would like to|i wanna|let'?s|lets|let me|just|${LEADING_FILLER_ES})\b[\s,]*`,
  "i",
);
const TRAILING_FILLER = new RegExp(String.raw`[\s,]*\b(please|pls|thanks|thank you|now|then|instead|${TRAILING_FILLER_ES})$`, "i");
/** Emoji and decoration around a command: "yes!! 🙌" is "yes"; a lone 👍 stays (it is an answer). */
const DECORATION = /[\s!.¡¿?]*[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{1F3FB}-\u{1F3FF}]+[\s!.?]*$/u;

/** Leading filler only: the words passed on keep their ending ("?", "please"). */
function stripLeadingFiller(text: string): string {
  let current = text;
  for (let i = 0; i < 6; i++) {
    const next = current.replace(LEADING_FILLER, "").trim();
    if (next === current || next === "") break;
    current = next;
  }
  return current;
}

function stripFiller(text: string): string {
  const undecorated = text.replace(DECORATION, "").trim();
  let current = (undecorated || text).replace(/^[¡¿]+/, "").replace(/[.!?]+$/, "").trim();
  for (let i = 0; i < 6; i++) {
    const next = current.replace(LEADING_FILLER, "").replace(TRAILING_FILLER, "").replace(/[.!?,]+$/, "").trim();
    // Never strip a message down to nothing: "ok" alone is an answer.
    if (next === current || next === "") break;
    current = next;
  }
  return current;
}

/**
 * `text` should be tidied (see `tidy`) but keep its case, so a note keeps the
 * student's capitals. With `strict`, only whole-message
 * commands count: used while the student is typing free text (a name, the
 * topic to work on) where "I'd like to go back over recursion" is content.
 */
export function parseIntent(text: string, strict = false): IntentParse {
  // Folding keeps the length, so the match's length cuts the original text ("buenos días").
  const greetingMatch = GREETING.exec(fold(text));
  const rest = greetingMatch ? text.slice(greetingMatch[0].length).trim() : text;
  const greeting = greetingMatch !== null;
  const spoken = stripFiller(rest);
  const core = fold(spoken.toLowerCase());
  // "muchas gracias" is thanks before "gracias" is trimmed off as filler.
  const whole = fold(rest.replace(DECORATION, "").replace(/^[¡¿]+|[.!?]+$/g, "").trim().toLowerCase());
  const leave = LEAVE_MESSAGE.exec(spoken);
  if (leave) {
    // Whether words came with it is read without trailing filler ("leave a message please" has none);
    // the words themselves are taken as typed, so "can captions be on?" keeps its question mark.
    const said = leave.groups?.note?.trim() ? LEAVE_MESSAGE.exec(stripLeadingFiller(rest))?.groups?.note?.trim() : undefined;
    return { intent: "leave_message", greeting, rest, ...(said ? { note: said } : {}) };
  }
  for (const [intent, pattern] of WHOLE) {
    if (pattern.test(core) || pattern.test(whole)) return { intent, greeting, rest };
  }
  if (!strict) {
    for (const [intent, pattern] of CONTAINED) {
      if (pattern.test(core)) return { intent, greeting, rest };
    }
  }
  return { greeting, rest };
}
