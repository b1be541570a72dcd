/**
 * Spanish, as the reader understands it: subject names, commands, and the
 * words for days and times, rewritten into the English forms the day and time
 * parsers read ("el jueves a las 10" → "el thursday at 10"). Everything is
 * written without accents: the parsers see text through `normalize` (text.ts),
 * which drops them, so "miércoles" and "miercoles" read the same.
 * Another language is another file like this one.
 */
import type { Intent } from "./intents";

/** Spanish subject names → the catalog's names (see skill-aliases.ts). */
export const SUBJECT_ALIASES_ES: Readonly<Record<string, string>> = {
  "calculo 1": "Calculus I",
  "calculo i": "Calculus I",
  "calculo uno": "Calculus I",
  "calculo diferencial": "Calculus I",
  "calculo 2": "Calculus II",
  "calculo ii": "Calculus II",
  "calculo dos": "Calculus II",
  "calculo integral": "Calculus II",
  precalculo: "Precalculus",
  estadistica: "Statistics",
  probabilidad: "Statistics",
  "algebra lineal": "Linear Algebra",
  trigonometria: "Trigonometry",
  geometria: "Geometry",
  "matematica discreta": "Discrete Math",
  "matematicas discretas": "Discrete Math",
  quimica: "Chemistry",
  "quimica general": "Chemistry",
  "quimica organica": "Organic Chemistry",
  biologia: "Biology",
  fisica: "Physics",
  anatomia: "Anatomy & Physiology",
  fisiologia: "Anatomy & Physiology",
  "anatomia y fisiologia": "Anatomy & Physiology",
  psicologia: "Psychology",
  economia: "Economics",
  contabilidad: "Accounting",
  historia: "US History",
  "historia de estados unidos": "US History",
  "historia de eeuu": "US History",
  ensayo: "Essay Writing",
  ensayos: "Essay Writing",
  redaccion: "Essay Writing",
  "redaccion de ensayos": "Essay Writing",
  "escritura creativa": "Creative Writing",
  "trabajo de investigacion": "Research Papers",
  "trabajos de investigacion": "Research Papers",
  ingles: "ESL",
  "ingles como segunda lengua": "ESL",
  espanol: "Spanish",
  castellano: "Spanish",
  frances: "French",
  aleman: "German",
  japones: "Japanese",
  chino: "Mandarin",
  "chino mandarin": "Mandarin",
  "bases de datos": "SQL",
  "base de datos": "SQL",
  "estructuras de datos": "Data Structures",
  "estructura de datos": "Data Structures",
};

/** Spanish words for a family of subjects (see SKILL_GROUPS). */
export const SUBJECT_GROUPS_ES: Readonly<Record<string, readonly string[]>> = {
  matematicas: ["Algebra", "Precalculus", "Calculus I", "Calculus II", "Statistics", "Linear Algebra"],
  matematica: ["Algebra", "Precalculus", "Calculus I", "Calculus II", "Statistics", "Linear Algebra"],
  mates: ["Algebra", "Precalculus", "Calculus I", "Calculus II", "Statistics", "Linear Algebra"],
  calculo: ["Calculus I", "Calculus II"],
  programacion: ["Python", "JavaScript", "Java", "C++", "SQL"],
  informatica: ["Python", "Java", "C++", "Data Structures"],
  computacion: ["Python", "Java", "C++", "Data Structures"],
  ciencias: ["Biology", "Chemistry", "Physics"],
  idiomas: ["Spanish", "French", "Mandarin", "Japanese", "German"],
  escritura: ["Essay Writing", "Research Papers", "Creative Writing", "ESL"],
};

/** Whole-message commands (after filler is stripped), as parse-intent.ts's WHOLE list. */
export const WHOLE_INTENTS_ES: ReadonlyArray<[Intent, RegExp]> = [
  ["cancel_booking", /^cancelar (mi|la|esta) (reserva|reservacion|cita|sesion|tutoria)$/],
  ["reschedule", /^((cambiar|mover|reprogramar|reagendar) (mi|la) (reserva|cita|sesion|tutoria)|reprogramar|reagendar)$/],
  ["start_over", /^(empezar de nuevo|volver a empezar|empezar otra vez|reiniciar|de nuevo|otra vez desde el principio)$/],
  ["cancel", /^(cancelar|cancela|olvidalo|dejalo|no importa|nada)$/],
  ["change_time", /^(cambiar (la )?hora|otra hora|otro horario|cambiar (el )?horario|a otra hora)$/],
  ["change_day", /^(cambiar (el )?dia|otro dia|otra fecha|cambiar (la )?fecha)$/],
  ["back", /^(atras|volver|regresar|volver atras|ir atras|paso atras)$/],
  ["help", /^(ayuda|ayudame|que puedes hacer|como funciona( esto)?|opciones|menu)$/],
  ["other_tutors", /^((ver |mostrar |muestrame |ensename )?(hay )?(otros?|otras?|mas) (tutor|tutora|tutores|tutoras|opcion|opciones)|alguien mas|otra persona|quien mas( hay)?)$/],
  ["edit_message", /^(cambiarlo|editarlo|cambiar el mensaje|editar el mensaje)$/],
  ["join_waitlist", /^((apuntarme|apuntame|unirme|ponme|anotarme|anotame) (a|en) la lista de espera|lista de espera)$/],
  ["leave_waitlist", /^(salir de la lista de espera|(sacarme|sacame|quitarme|quitame) de la lista de espera)$/],
  ["book", /^((si|vale|dale|ok|perfecto|genial)[,!.]* )*(reservar|reservalo|reservala|reservarlo|reservarla|reserva|agendar|agendalo|agendala|quiero reservar|reservar (con )?(el|ella|este|esta|este tutor|esta tutora))$/],
  ["affirm", /^(si|sip|claro|si claro|claro que si|vale|dale|de acuerdo|perfecto|correcto|esta bien|confirmar|confirmo|confirmado|confirmar (la )?reserva|listo|por supuesto|exacto|eso|me sirve|me funciona)$/],
  ["deny", /^(no|nop|para nada|no gracias|no es correcto|ese no|esa no)$/],
  ["thanks", /^(gracias|muchas gracias|mil gracias|te lo agradezco|gracias por todo)$/],
];

/** Commands that count inside a longer sentence, as parse-intent.ts's CONTAINED list. */
export const CONTAINED_INTENTS_ES: ReadonlyArray<[Intent, RegExp]> = [
  ["cancel_booking", /\bcancelar (mi|la) (reserva|reservacion|cita|sesion|tutoria)\b/],
  ["reschedule", /\b(reprogramar|reagendar|(cambiar|mover) (mi|la) (reserva|cita|sesion|tutoria))\b/],
  ["leave_message", /\b(hablar con (una persona|alguien|un humano|el personal|el centro)|dejar (un )?mensaje|dejarle un mensaje al centro)\b/],
  ["other_tutors", /\b(otros tutores|otro tutor|otra tutora|alguien mas)\b/],
];

export const GREETING_ES = String.raw`buenos dias|buenas tardes|buenas noches|buenas|hola que tal|que tal|hola`;
export const LEADING_FILLER_ES = String.raw`pues|bueno|oye|mira|porfa|por favor|entonces|y|ah|ay|este|mejor|perdon|perdona|quise decir|quiero decir|quiero|quisiera|necesito|me gustaria|puedo|podemos|podrias|puedes|se puede`;

/** What a Spanish correction takes back: "el domingo no, el sábado", "no el lunes sino el martes". */
export const RETRACTED_ES: readonly RegExp[] = [
  /\b(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|manana|hoy|\d{1,2}(?::\d{2})?)(?=\s+no\b(?!\s+(?:puedo|se|me|hay|tengo)))/g,
  /\bno (?:el |la |a las |a la )?[^\s,.;!?]+(?=,? sino\b)/g,
];
export const TRAILING_FILLER_ES = String.raw`por favor|porfa|porfavor|gracias|mejor`;

/**
 * Spanish days and times rewritten into the English the day and time parsers
 * read, in order (longer phrases first). Applied to normalized text with the
 * subject words already taken out.
 */
export const WHEN_REWRITES_ES: ReadonlyArray<[RegExp, string]> = [
  [/\bpasado manana\b/g, " day after tomorrow "],
  [/\bmanana (?:por|en|a) la manana\b/g, " tomorrow morning "],
  [/\bmanana (?:por|en|a) la tarde\b/g, " tomorrow afternoon "],
  [/\bmanana (?:por|en|a) la noche\b/g, " tomorrow night "],
  [/\b(\d{1,2}(?::\d{2})?) y media\b/g, "$1:30"],
  [/\b(\d{1,2}(?::\d{2})?) y cuarto\b/g, "$1:15"],
  [/\b(\d{1,2}(?::\d{2})?) de la manana\b/g, "$1am"],
  [/\b(\d{1,2}(?::\d{2})?) de la (?:tarde|noche)\b/g, "$1pm"],
  [/\b(?:por|en|a|de) la manana\b/g, " morning "],
  [/\besta manana\b/g, " this morning "],
  [/\besta tarde\b/g, " this afternoon "],
  [/\besta noche\b/g, " tonight "],
  [/\b(?:por|en|a|de) la tarde\b/g, " afternoon "],
  [/\b(?:por|en|a|de) la noche\b/g, " evening "],
  [/\bmanana\b/g, " tomorrow "],
  [/\bhoy\b/g, " today "],
  [/\b(?:el )?(?:proximo )?fin de semana que viene\b|\bel proximo fin de semana\b/g, " next weekend "],
  [/\b(?:este )?fin de semana\b|\bfinde\b/g, " this weekend "],
  [/\bla (?:proxima semana|semana que viene)\b|\bla semana proxima\b/g, " next week "],
  [/\b(?:despues de|tras) (?:comer|almorzar|la comida|el almuerzo)\b|\bdespues del almuerzo\b/g, " after lunch "],
  [/\bdespues de (?:la )?(?:clase|clases|la escuela|la uni|la universidad)\b/g, " after class "],
  [/\bdespues del trabajo\b|\bdespues de trabajar\b/g, " after work "],
  [/\b(?:a eso de|como a|sobre|hacia|tipo a|tipo) (?:la |las )?(\d{1,2}(?::\d{2})?)/g, " around $1 "],
  [/\b(\d{1,2}) y pico\b/g, " around $1 "],
  [/\b(\d{1,2}(?::\d{2})?) mas o menos\b/g, " around $1 "],
  [/\bentre (?:la |las )?(\d{1,2}(?::\d{2})?(?:am|pm)?) y (?:la |las )?(\d{1,2}(?::\d{2})?(?:am|pm)?)/g, " between $1 and $2 "],
  [/\b(?:de|desde) (?:la |las )?(\d{1,2}(?::\d{2})?(?:am|pm)?) (?:a|hasta) (?:la |las )?(\d{1,2}(?::\d{2})?(?:am|pm)?)/g, " from $1 to $2 "],
  [/\b(?:despues de|a partir de|desde) (?:la |las )?/g, " after "],
  [/\bantes de (?:la |las )?|\bantes del\b/g, " before "],
  [/\bal mediodia\b|\bmediodia\b/g, " noon "],
  [/\ba (?:la |las )(\d{1,2}(?::\d{2})?)/g, " at $1 "],
  [/\blas (\d{1,2}(?::\d{2})?)/g, " at $1 "],
  [/\b(?:lo antes posible|cuanto antes|lo mas pronto posible|lo mas pronto|en cuanto se pueda|lo mas rapido posible|ya mismo|primera hora disponible|primer hueco)\b/g, " asap "],
  [/\b(?:a cualquier hora|cualquier hora)\b/g, " any time "],
  [/\bcualquier dia\b/g, " any day "],
  [/\b(?:cuando sea|cuando quieras|cuando puedas|me da igual|me da lo mismo)\b/g, " whenever "],
  [/\b(?:el )?(?:proximo|proxima) (lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b/g, " next $1 "],
  [/\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo) que viene\b/g, " next $1 "],
  [/\blunes\b/g, " monday "],
  [/\bmartes\b/g, " tuesday "],
  [/\bmiercoles\b/g, " wednesday "],
  [/\bjueves\b/g, " thursday "],
  [/\bviernes\b/g, " friday "],
  [/\bsabados?\b/g, " saturday "],
  [/\bdomingos?\b/g, " sunday "],
  [/\b(\d{1,2}) de (ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic)[a-z]*\b/g, " $2 $1 "],
  [/\bdic (\d)/g, "dec $1"],
  [/\bene (\d)/g, "jan $1"],
  [/\babr (\d)/g, "apr $1"],
  [/\bago (\d)/g, "aug $1"],
  [/\bel (\d{1,2})\b(?!:)/g, " the $1th "],
];

