import { QUICK } from "./commands";
import type { Language } from "./schemas";
import { fold, tokenize } from "./text";

/**
 * Which language to answer a message in. A message that reads Spanish is
 * answered in Spanish, one that reads English in English; one that reads as
 * neither ("10", "Python", an email, a button's words) keeps the chat's
 * language, so a student can switch back at any point by writing English.
 */

const SPANISH = new Set(
  (
    "hola gracias necesito quiero quisiera busco buscando ayuda ayudar ayudame tutoria tutorias clase clases manana hoy lunes martes miercoles " +
    "jueves viernes sabado domingo tarde noche por favor porfa para con el la los las una unos unas de del que hay tienen tienes puedes puedo " +
    "podria mejor si vale dale reservar reservalo reserva cancelar otro otra otros otras cuando sea cuanto antes despues entre esta este " +
    "semana proximo proxima tengo examen estadistica quimica fisica biologia calculo matematicas ingles espanol frances aleman japones " +
    "presencial linea buenos buenas dias es mi me gustaria hora horas dia alguien sesion cita perdon quise decir y pero tambien"
  ).split(" "),
);

const ENGLISH = new Set(
  (
    "hi hello hey thanks thank need want help with for the on at is are can could would please pls tomorrow today tonight monday tuesday " +
    "wednesday thursday friday saturday sunday morning afternoon evening yes yeah book cancel other others time day my i im you and or to " +
    "in of what how next this free after before around asap session someone anyone available works actually instead sure"
  ).split(" "),
);

/** Words both languages use, or that say nothing of the language: never counted. */
const NEUTRAL = new Set(["no", "ok", "okay", "tutor", "tutores", "python", "java", "online", "a", "me", "sql"]);

const BUTTONS = new Set(Object.values(QUICK).map((text) => text.toLowerCase()));

export function detectLanguage(message: string, current: Language = "en"): Language {
  const text = message.trim().toLowerCase();
  // A button pressed in the page sends English words whatever the student speaks.
  if (BUTTONS.has(text)) return current;
  let spanish = /[¿¡ñ]/.test(text) ? 2 : 0;
  let english = 0;
  for (const { word } of tokenize(fold(text))) {
    if (NEUTRAL.has(word)) continue;
    if (SPANISH.has(word)) spanish += 1;
    else if (ENGLISH.has(word)) english += 1;
  }
  if (spanish > english) return "es";
  if (english > spanish) return "en";
  return current;
}
