import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond, type AssistantTurn } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { QUICK, QUICK_MEANING, type CommandMeaning } from "../../lib/tutoring/commands";
import { detectLanguage } from "../../lib/tutoring/language";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { parseDetails, parseMessage } from "../../lib/tutoring/parse";
import { ES } from "../../lib/tutoring/phrases/es";

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const today = localNow(NOW);
const catalog = createMemoryCatalog(SEED_TUTORS);
const subjects = await catalog.subjects();

class Chat {
  fields: SessionFields = EMPTY_SESSION_FIELDS;

  async say(message: string): Promise<AssistantTurn> {
    const turn = await respond({ fields: this.fields, message, now: NOW, catalog });
    this.fields = SessionFields.parse({ ...this.fields, ...turn.patch });
    if (turn.effect?.type === "create_booking") {
      const outcome = describeEffectOutcome(this.fields, turn.effect, { ok: true, bookingId: "bk-1", emailedTo: "ana@example.com" });
      this.fields = SessionFields.parse({ ...this.fields, ...outcome.patch });
      return { ...turn, replies: [...turn.replies, ...outcome.replies] };
    }
    return turn;
  }
}

function last(turn: AssistantTurn): string {
  return turn.replies.at(-1)?.content ?? "";
}

function quick(turn: AssistantTurn): string[] {
  return turn.replies.at(-1)?.quickReplies ?? [];
}

/** Words only an English reply would have. */
const ENGLISH = /\b(the|you|your|would|want|with|what|and|is|are|booked|Please|Sorry)\b/;

function criteriaIn(text: string): string[] {
  const parsed = parseMessage(text, { subjects, today });
  return [
    ...(parsed.skill || parsed.skillOptions ? ["skill"] : []),
    ...(parsed.day || parsed.date || parsed.anyDay ? ["day"] : []),
    ...(parsed.timeFrom || parsed.timeTo || parsed.anyTime ? ["time"] : []),
  ];
}

describe("the Spanish quick replies", () => {
  const entries = (Object.entries(QUICK_MEANING) as Array<[keyof typeof QUICK, CommandMeaning]>).filter(([, means]) => !("resend" in means));

  it.each(entries)("reads %s in Spanish as it reads it in English", (key, means) => {
    const text = ES.quick[key];
    if ("intent" in means) {
      expect(parseMessage(text, { subjects, today }).intent, text).toBe(means.intent);
      expect(parseMessage(text, { subjects, today, strict: true }).intent, `${text} (in the form)`).toBe(means.intent);
    } else if ("mode" in means) {
      expect(parseDetails(text).mode, text).toBe(means.mode);
    } else if ("criteria" in means) {
      expect(criteriaIn(text), text).toEqual(means.criteria);
    }
  });

  it("gives every command distinct words, and keeps the words the page resends with", () => {
    const words = Object.values(ES.quick).map((text) => text.toLowerCase());
    expect(new Set(words).size).toBe(words.length);
    expect(ES.quick.tryAgain).toBe(QUICK.tryAgain);
  });
});

describe("a student who writes Spanish", () => {
  it("is answered in Spanish through the whole booking, quick replies included", async () => {
    const chat = new Chat();
    const offer = await chat.say("¿Hay tutores de español el jueves a las 10?");
    expect(offer.replies[0]?.content).toMatch(/^¡Hola! Soy un asistente automático/);
    expect(last(offer)).toMatch(/enseña Spanish y está libre el jueves 19 de noviembre, de 10:00 a 11:00 .*¿Quieres reservar\?$/);
    expect(quick(offer)).toEqual([ES.quick.book, ES.quick.others, ES.quick.changeTime]);

    const confirm = await chat.say(ES.quick.book);
    expect(last(confirm)).toMatch(/^Para confirmar: Spanish con .+ el jueves 19 de noviembre, de 10:00 a 11:00\. ¿Sigo\?$/);
    expect(quick(confirm)).toEqual(["Sí", "No"]);

    const contact = await chat.say("Sí");
    expect(last(contact)).toBe(`${ES.great}${ES.contactQuestion}`);

    const details = await chat.say("me llamo Ana López, ana@example.com");
    expect(chat.fields.bookingInfo).toMatchObject({ studentName: "Ana López", studentEmail: "ana@example.com" });
    expect(last(details)).toMatch(/^Gracias, Ana\. /);

    const review = await chat.say("En línea. Conversación para el examen oral");
    expect(last(review)).toMatch(/^Revisa tu reserva:\n/);
    expect(last(review)).toContain("Dónde: En línea");
    expect(quick(review)).toEqual([ES.quick.confirm, ES.quick.back, ES.quick.cancel]);

    const booked = await chat.say(ES.quick.confirm);
    expect(booked.effect?.type).toBe("create_booking");
    expect(booked.replies[0]?.content).toMatch(/^Reservando tu sesión con /);
    expect(last(booked)).toMatch(/^Reserva hecha con .+ el jueves 19 de noviembre, de 10:00 a 11:00\. Tu número de reserva es bk-1\. Te llegará a ana@example\.com un correo de confirmación/);
    expect(quick(booked)).toEqual([ES.quick.cancelBooking, ES.quick.startOver]);

    for (const turn of [offer, confirm, contact, details, review, booked]) {
      for (const line of turn.replies.slice(turn === offer ? 1 : 0)) expect(line.content, line.content).not.toMatch(ENGLISH);
    }
  });

  it("asks in Spanish and says where it looked", async () => {
    const chat = new Chat();
    expect(last(await chat.say("necesito ayuda con química"))).toBe("Chemistry, entendido. ¿Qué día te viene bien?");
    expect(last(await chat.say("el jueves"))).toMatch(/^¿A qué hora el jueves te viene bien\?/);
    expect(last(await chat.say("después de comer"))).toMatch(/^Busqué entre las 13:00 y las 17:00\. /);
  });

  it("writes a message for the center in Spanish, sending the student's words only on a yes", async () => {
    const chat = new Chat();
    expect(last(await chat.say("quiero hablar con una persona"))).toBe(ES.handoffAsk);
    expect(last(await chat.say("¿Pueden llamarme mañana?"))).toBe(ES.handoffConfirm("", "¿Pueden llamarme mañana?"));
    const sent = await chat.say(ES.quick.yes);
    expect(sent.effect).toMatchObject({ type: "leave_message", words: "¿Pueden llamarme mañana?" });
  });

  it("says in Spanish when a subject is not offered", async () => {
    expect(last(await new Chat().say("¿tienen clases de coreano?"))).toMatch(/^No ofrecemos Korean\. Sí ofrecemos .*Japanese/);
  });

  it("switches back to English when the student does, and keeps the language for words of neither", async () => {
    const chat = new Chat();
    await chat.say("necesito un tutor de física");
    expect(chat.fields.searchCriteria?.lang).toBe("es");
    // A number, a subject or a button's English words say nothing of the language.
    expect(last(await chat.say("mañana"))).toMatch(/^¿A qué hora/);
    expect(last(await chat.say("10"))).toMatch(/¿Quieres reservar\?$/);
    expect(chat.fields.searchCriteria?.lang).toBe("es");
    const english = await chat.say("actually can I do monday at 11 instead");
    expect(last(english)).toMatch(/Want to book\?$/);
    expect(chat.fields.searchCriteria?.lang).toBeUndefined();
  });

  it("tells the language of a message by its words, and keeps the chat's for neither", () => {
    expect(detectLanguage("¿Hay tutores de español el jueves a las 10?")).toBe("es");
    expect(detectLanguage("necesito ayuda con química mañana")).toBe("es");
    expect(detectLanguage("I need help with Python on Monday at 10", "es")).toBe("en");
    expect(detectLanguage("10", "es")).toBe("es");
    expect(detectLanguage("Python", "es")).toBe("es");
    expect(detectLanguage(QUICK.book, "es")).toBe("es");
    expect(detectLanguage("ok", "en")).toBe("en");
  });
});
