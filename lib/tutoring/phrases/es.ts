import { QUICK_ES } from "./quick-es";
import { isAnyTime, joinList, periodOf, rangeEnd, windowEnd } from "./shared";
import type { Phrases } from "./types";

/**
 * Spanish (tú; the formal tone uses usted where it speaks to the student). Subject names stay as the
 * catalog spells them; the pages of the site (My bookings) keep their names.
 */

const DAYS: Record<string, string> = {
  monday: "lunes",
  tuesday: "martes",
  wednesday: "miércoles",
  thursday: "jueves",
  friday: "viernes",
  saturday: "sábado",
  sunday: "domingo",
};
const MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

const CONTACT_QUESTION = "¿Cómo te llamas y cuál es tu correo? Por ejemplo: Ada Lovelace, ada@example.com";
const CONTACT_QUESTION_AGAIN = "¿Me das tu nombre y tu correo? Por ejemplo: Ada Lovelace, ada@example.com";

const dayName = (day: string) => DAYS[day] ?? day;

/** "lunes 23 de noviembre, de 10:00 a 11:00". */
const slot: Phrases["slot"] = (value) => {
  const date = new Date(`${value.date}T00:00:00Z`);
  const weekday = dayName(WEEKDAYS[date.getUTCDay()] ?? value.day);
  return `${weekday} ${date.getUTCDate()} de ${MONTHS[date.getUTCMonth()] ?? ""}, de ${value.start} a ${value.end}`;
};

const mode: Phrases["mode"] = (value) => (value === "in_person" ? "en persona" : value === "both" ? "en línea o en persona" : "en línea");

const PERIODS = { morning: "por la mañana", afternoon: "por la tarde", evening: "por la noche" } as const;

const timeWish: Phrases["timeWish"] = (criteria) => {
  const { timeFrom, timeTo } = criteria;
  if (!timeFrom && !timeTo) return "";
  if (timeFrom === timeTo) return `a las ${timeFrom}`;
  if (isAnyTime(criteria)) return "a cualquier hora";
  const period = periodOf(criteria);
  if (period) return PERIODS[period];
  const end = timeTo ? rangeEnd(timeTo) : "";
  if (timeFrom && timeTo) return `entre las ${timeFrom} y las ${end}`;
  if (timeFrom) return `después de las ${timeFrom}`;
  return `antes de las ${end}`;
};

const dayWish = (criteria: { day?: string }) => (criteria.day ? `el ${dayName(criteria.day)}` : "ningún día");

export const ES: Phrases = {
  quick: QUICK_ES,
  tone: {
    friendly: {
      askSubject: "¿Con qué materia te gustaría ayuda?",
      notUnderstood: "Perdona, no te entendí.",
      stillNotUnderstood: "Perdona, sigo sin entender lo que necesitas.",
      bookedSignOff: "Puedes verla o cancelarla en My bookings.",
    },
    concise: {
      askSubject: "¿Qué materia?",
      notUnderstood: "No lo entendí.",
      stillNotUnderstood: "Sigo sin entenderlo.",
      bookedSignOff: "Mírala o cancélala en My bookings.",
    },
    formal: {
      askSubject: "¿Con qué materia puedo ayudarle?",
      notUnderstood: "Disculpe, no he entendido su mensaje.",
      stillNotUnderstood: "Disculpe, sigo sin entender su solicitud.",
      bookedSignOff: "Puede revisarla o cancelarla en My bookings. Gracias por reservar con nosotros.",
    },
  },
  defaultGreeting: "¡Hola! Soy un asistente automático de tutorías, no una persona. Puedo buscarte un tutor por materia, día y hora, y reservar la sesión.",

  slot,
  dayName,
  anyDay: "cualquier día",
  mode,
  list: (items, joiner) => joinList(items, joiner === "and" ? "y" : "o"),
  timeWish,

  gotSubject: (skill) => `${skill}, entendido. `,
  askDay: "¿Qué día te viene bien?",
  askTime: (day) => `¿A qué hora${day ? ` el ${dayName(day)}` : ""} te viene bien? Puedes decir una hora, como las 10, o por la mañana, por la tarde o por la noche.`,
  noTutors: (skill) => `Lo siento, ahora mismo no tengo tutores de ${skill}. Puedo dejar un mensaje al centro de tutorías, o podemos buscar otra materia.`,
  noOpeningWith: (name) => `${name} no tiene ningún hueco que pueda ofrecerte para esta búsqueda. ¿Quieres ver otros tutores o probar otra hora?`,
  everyoneShown: (skill) => `Esos son todos los tutores de ${skill} para esta búsqueda. ¿Quieres probar otra hora o empezar de nuevo?`,
  sure: "Claro. ",
  backToSubject: "Vale. ¿Con qué materia te gustaría ayuda?",
  nothingToGoBack: "Todavía no hay nada a lo que volver. ¿Con qué materia te gustaría ayuda?",
  whichOne: (options) => `¿Cuál de ellas: ${joinList(options, "o")}?`,
  matchOptions: "Puedes reservar con este tutor, ver otros tutores o cambiar la hora.",
  tellMe: `Dime una materia, un día y una hora, por ejemplo "Python el lunes a las 10".`,
  stillNotUnderstood: (phrase) => `${phrase} Puedo dejar un mensaje al personal del centro de tutorías, o puedes probar algo como "Python el lunes a las 10".`,
  knownSubjects: (subjects) => ` Conozco materias como ${subjects.join(", ")}.`,
  notOffered: (unknown, nearest) => {
    const missing = unknown.known ? `No ofrecemos ${unknown.name}.` : `No tenemos ninguna materia llamada "${unknown.name}".`;
    if (nearest.length === 0) return `${missing} Puedo dejar un mensaje al centro de tutorías.`;
    return `${missing} Sí ofrecemos ${joinList(nearest, "y")}. ¿Te sirve alguna?`;
  },
  searched: (criteria, today) => {
    const { timeFrom, timeTo } = criteria;
    if (isAnyTime(criteria)) {
      if (!criteria.day && criteria.date === today) return "Lo más pronto que puedo reservar: ";
      return criteria.date === today ? "Lo más pronto hoy: " : "";
    }
    if ((!timeFrom && !timeTo) || timeFrom === timeTo) return "";
    if (timeFrom && timeTo) return `Busqué entre las ${timeFrom} y las ${windowEnd(timeTo)}. `;
    if (timeFrom) return `Busqué después de las ${timeFrom}. `;
    return `Busqué antes de las ${windowEnd(timeTo ?? "20:59")}. `;
  },
  match: ({ match, kind }, subject, criteria, others, only) => {
    const offer = `${match.tutor.name} está libre el ${slot(match.slot)} (${mode(match.tutor.mode)}). ¿Quieres reservar?`;
    const nobody = only ? `${only} no está libre` : others ? `Ningún otro tutor de ${subject} está libre` : `Ningún tutor de ${subject} está libre`;
    if (kind === "exact") {
      const sentence = `${match.tutor.name} enseña ${subject} y está libre el ${slot(match.slot)} (${mode(match.tutor.mode)}). ¿Quieres reservar?`;
      return others ? `Otra opción: ${sentence}` : sentence;
    }
    if (kind === "same_day") return `${nobody} ${dayWish(criteria)} ${timeWish(criteria)}. Lo más cercano: ${offer}`;
    return `${nobody} ${dayWish(criteria)}. El hueco más cercano: ${offer}`;
  },
  nearestAllowed: ({ match }, subject) =>
    `Lo más cercano que puedo reservar: ${match.tutor.name} enseña ${subject} y está libre el ${slot(match.slot)} (${mode(match.tutor.mode)}). ¿Quieres reservar?`,
  notTeaching: (name, skill) => `${name} no enseña ${skill}. `,
  meetsOnly: (name, value) => `${name} solo da clases ${mode(value)}. `,
  noneMeets: (skill, value) => `Ningún tutor de ${skill} da clases ${mode(value)}. `,

  help:
    "Soy un asistente automático. Dime una materia, un día y una hora, por ejemplo \"Python el lunes a las 10\", y te busco un tutor y reservo la sesión. " +
    "También puedes decir \"ver otros tutores\", \"cambiar la hora\", \"volver\", \"cancelar\" o \"empezar de nuevo\", y mover una sesión reservada con \"mover mi reserva\". Si no puedo ayudarte, puedo dejar un mensaje al centro de tutorías.",
  startOver: "Vale, empecemos de nuevo. ¿Con qué materia te gustaría ayuda?",
  noBookingToCancel: "No hay ninguna reserva confirmada en este chat. Las reservas de todos tus chats están en My bookings, donde puedes cancelar cada una.",
  noBookingToMove: "No hay ninguna reserva confirmada en este chat para mover. Una sesión se mueve desde el chat en el que se reservó; My bookings las muestra todas.",
  noWaitFor: "No hay ninguna sesión llena que esperar en este chat. Dime una materia, un día y una hora y te busco un tutor.",
  addingToWaitlist: (name, value) => `Te apunto a la lista de espera de ${name} el ${slot(value)}...`,
  noWaitlist: "No hay ninguna lista de espera de este chat de la que salir.",
  findTutorFirst: "Primero busquemos un tutor. ",
  sayCancelMyBooking: "Para cancelar tu sesión confirmada, di \"cancelar mi reserva\".",
  nothingToCancel: "Ahora no hay nada que cancelar. ¿Te ayudo con algo más?",
  denyAtMatch: "Vale. ¿Quieres ver otros tutores, cambiar la hora o empezar de nuevo?",
  welcome: "¡De nada! ¿Te ayudo con algo más?",
  hiAgain: (name) => (name ? `¡Hola de nuevo! Soy ${name}, el asistente automático de tutorías. ` : "¡Hola de nuevo! Soy el asistente automático de tutorías. "),

  contactQuestion: CONTACT_QUESTION,
  intakeQuestion: "¿En qué te gustaría trabajar? Con unas palabras basta, como \"tarea de recursión\" o \"repaso para el examen\".",
  intakeForGoal: (goal) => `¿Qué te gustaría repasar para tu ${goal}? Con unas palabras basta.`,
  bookAs: (name, email) => `¿Reservo a nombre de ${name}, ${email}?`,
  justToConfirm: "Para confirmar:",
  confirmSlot: (lead, subject, name, value) => `${lead} ${subject} con ${name} el ${slot(value)}. ¿Sigo?`,
  alreadyBooked: (name, value) => `Ya tienes una reserva con ${name} el ${slot(value)}.`,
  askMode: "¿Prefieres reunirte en línea o en persona?",
  askModeAndIntake: (intake) => `¿Prefieres reunirte en línea o en persona? ${intake}`,
  onlyMode: (name, value) => `${name} solo da clases ${mode(value)}, así que la sesión será ${mode(value)}. `,
  asPreferred: (value) => `${value === "online" ? "En línea" : "En persona"}, como prefieres. `,
  summary: (input) =>
    [
      "Revisa tu reserva:",
      `Tutor: ${input.tutorName}`,
      `Materia: ${input.subject}`,
      `Cuándo: ${slot(input.slot)}`,
      `Dónde: ${mode(input.mode).charAt(0).toUpperCase()}${mode(input.mode).slice(1)}`,
      `Nombre: ${input.name}`,
      `Correo: ${input.email}`,
      `Tema: ${input.intake}`,
      "¿La reservo?",
    ].join("\n"),
  okay: "Vale. ",
  badEmail: "Ese correo no parece correcto. ¿Puedes escribirlo otra vez? Por ejemplo: ada@example.com",
  thanksName: (first) => `Gracias, ${first}. `,
  askEmail: (first) => `Gracias, ${first}. ¿Cuál es tu correo?`,
  askName: "¡Gracias! ¿Y cómo te llamas?",
  needContact: `Necesito tu nombre y tu correo para reservar. ${CONTACT_QUESTION_AGAIN}`,
  onlyModeFixed: (name, value) => `${name} solo da clases ${mode(value)}, así que será ${mode(value)}. `,
  onlineItIs: "Entonces, en línea. ",
  booking: (name) => `Reservando tu sesión con ${name}...`,
  whatToChange: "¿Qué te gustaría cambiar? Puedes volver un paso, cambiar la hora o cancelar.",
  updatedEmail: "He actualizado tu correo. ",
  confirmOrBack: "Por favor, confirma, vuelve atrás o cancela. ",
  sameAsLastTime: "Perfecto, igual que la última vez. ",
  great: "Perfecto. ",
  nothingBookedOthers: "No pasa nada, no se ha reservado nada. ¿Quieres ver otros tutores o cambiar la hora?",
  answerYesNo: "Responde sí o no, por favor:",
  backToMatch: (sentence) => `Vale, volvemos a la propuesta. ${sentence}`,
  oneStepBack: "Vale, un paso atrás.",
  oneStepBackAsk: "Vale, un paso atrás:",
  formCancelled: (still) => `Vale, he cancelado el formulario de reserva. No se ha reservado nada.${still ? ` ${still} sigue disponible si cambias de opinión.` : ""}`,

  cancelQuestion: (booking, subject) => `¿Cancelo ${subject || "tu sesión"} con ${booking.tutorName} el ${slot(booking.slot)}? No se puede deshacer.`,
  lateCancelWarning: (hours) => `Faltan menos de ${hours} hora${hours === 1 ? "" : "s"} para el inicio, así que contará como cancelación tardía.`,
  cancelling: (name, value) => `Cancelando tu sesión con ${name} el ${slot(value)}...`,
  kept: (booking) => `Vale, no ha cambiado nada: tu sesión sigue el ${slot(booking.slot)} con ${booking.tutorName}.`,
  cancelled: (booking) => `Tu sesión${booking ? ` con ${booking.tutorName} el ${slot(booking.slot)}` : ""} está cancelada.`,
  lateCancel: (hours) => `Faltaban menos de ${hours} hora${hours === 1 ? "" : "s"} para el inicio, así que cuenta como cancelación tardía.`,

  booked: ({ tutorName, slot: value, bookingId, meetingLink, email, signOff }) =>
    `Reserva hecha con ${tutorName} el ${slot(value)}.${bookingId ? ` Tu número de reserva es ${bookingId}.` : ""}${meetingLink ? ` Únete aquí: ${meetingLink}` : ""}${email} ${signOff}`,
  bookedNoForm: "¡Reserva hecha!",
  emailOnItsWay: (kind, address) =>
    kind === "confirmation"
      ? `Te llegará a ${address} un correo de confirmación con una invitación de calendario.`
      : kind === "cancellation"
        ? `Te llegará a ${address} un correo de cancelación.`
        : `Te llegará a ${address} un correo con la nueva hora y una invitación de calendario.`,
  noOtherTutor: (lead) => `${lead} No tengo otro tutor para esta búsqueda. ¿Quieres probar otra hora?`,
  slotTaken: (name) => `Lo siento, otra persona acaba de reservar ese hueco de ${name}.`,
  notOpen: (name) => `Lo siento, esa hora no está disponible con ${name}.`,
  tooManyBookings: (limit) => `No se ha reservado nada: ya tienes ${limit} sesiones próximas, el máximo por estudiante. Cancela una en My bookings y podré reservar esta.`,
  noLongerBooking: (name) => `Lo siento, ${name} ya no acepta reservas.`,
  nothingBookedBecause: (explanation) => `No se ha reservado nada. ${explanation} ¿Quieres probar otra hora?`,
  badContact: (field) =>
    `No se ha reservado nada: no puedo reservar con ${field === "name" ? "ese nombre (un nombre lleva solo letras, sin enlaces ni saltos de línea)" : "ese correo"}. ${CONTACT_QUESTION_AGAIN}`,
  weeklyCap: (cap) => `No se ha reservado nada: ya tienes ${cap} sesi${cap === 1 ? "ón" : "ones"} esa semana, el límite del centro. ¿Quieres probar otra semana?`,
  bookingFailed: "Lo siento, algo salió mal y no se ha reservado nada. ¿Lo intento otra vez?",
  bookingNotFound: "No encontré esa reserva; puede que ya esté cancelada.",
  nothingChanged: (message) => `No ha cambiado nada: ${message}`,
  cancelFailed: "Lo siento, ahora mismo no pude cancelarla. Inténtalo de nuevo en un momento.",
  waitlistFailed: "Lo siento, ahora mismo no pude llegar a la lista de espera. Inténtalo de nuevo en un momento.",
  offWaitlist: (session, wasOn) => (wasOn ? `Ya no estás en la lista de espera de ${session}.` : `No estabas en la lista de espera de ${session}.`),
  onWaitlist: (session, position) => `Estás en la lista de espera de ${session}: eres el número ${position}.`,
  sessionWith: (name, value) => `${name} el ${slot(value)}`,
  messageSent: "Enviado: tu mensaje está en el centro de tutorías. El personal responde en este chat cuando puede; su respuesta queda aquí, así que puedes cerrar esta página y volver.",
  messageFailed: "Lo siento, ahora mismo no pude enviar tu mensaje, así que no le llegó nada al centro de tutorías. ¿Lo envío otra vez?",

  handoffAsk: "¿Qué quieres que le diga al centro de tutorías? Escríbelo en un solo mensaje y te lo enseño antes de enviarlo.",
  handoffAskAgain: "Vale, ¿qué quieres que les diga en su lugar?",
  handoffTooLong: (length, max) =>
    `Ese mensaje tiene ${length.toLocaleString("es")} caracteres; un mensaje al centro puede tener hasta ${max.toLocaleString("es")}. Acórtalo y envíalo otra vez, por favor.`,
  handoffConfirm: (lead, words) => `${lead}Enviaré esto al centro de tutorías: «${words}». ¿Lo envío?`,
  handoffDropped: "Vale, no lo envío: no le ha llegado nada al centro de tutorías. ¿Te ayudo con algo más?",
  handoffUnreachable: "Lo siento, los mensajes al centro de tutorías necesitan el servicio de chat, que aquí no está funcionando, así que tu mensaje no se envió. Inténtalo más tarde.",
  nothingSentYet: "Todavía no se ha enviado nada. ",

  centerCancelled: (booking, reason) => `El centro de tutorías canceló tu sesión con ${booking.tutorName} el ${slot(booking.slot)}. Motivo: ${reason}`,
  waitlistOffer: (name, value, minutes) =>
    `Se ha liberado un hueco: ${name} el ${slot(value)}. Eres el primero en la lista de espera, así que es tuyo durante los próximos ${minutes} minutos; ` +
    `después pasa a la siguiente persona. Todavía no está reservado: di «Reservarlo» para reservarlo.`,
  takenAtRequest: (name, value) => `${name} tiene reservado el ${slot(value)}; puedes apuntarte a la lista de espera.`,
  waitlistOfferEnded: (booking) => `La oferta de ${booking.tutorName} el ${slot(booking.slot)} ha caducado y ya no estás en esa lista de espera.`,

  emailWithheld: (to, reason, cap) =>
    reason === "suppressed"
      ? `No se enviará ningún correo a ${to} porque esa dirección nos pidió que dejáramos de escribirle.`
      : reason === "unconfirmed"
        ? `Solo enviamos invitaciones y recordatorios a una dirección que su dueño ha confirmado: te hemos enviado a ${to} un enlace para confirmar que es tuya (también inicia tu sesión), y llegarán en cuanto lo abras.`
        : `No se enviará ningún correo a ${to} porque hoy ya recibió ${cap} correos nuestros, el máximo que enviamos al día a una dirección que su dueño no ha confirmado.`,

  move: {
    sameTutorFree: (name, value) => `${name} está libre el ${slot(value)}.`,
    otherTutorFree: (name, skill, value) => `${name}${skill ? `, que también enseña ${skill},` : ", otro tutor de esta materia,"} está libre el ${slot(value)}.`,
    offer: (from, other) => `¿Cambio tu sesión del ${slot(from)} a esa hora${other ? ` con ${other}` : ""}?`,
    nothingAtAsked: "No hay nada libre a la hora que pediste. ",
    tooLate: (cutoffHours, booking) => {
      const hours = `${cutoffHours} ${cutoffHours === 1 ? "hora" : "horas"}`;
      return `Esta sesión no se puede cambiar: el centro permite cambios hasta ${hours} antes del inicio, y empieza en menos de ${hours}. Tu sesión sigue el ${slot(booking.slot)} con ${booking.tutorName}. Aún puedes cancelarla, pero contará como cancelación tardía.`;
    },
    whichSubject: (name) => `¿De qué materia es tu sesión con ${name}? Dímelo junto con el cambio, por ejemplo: «cambia mi sesión de Python al martes».`,
    noneFree: ({ othersOnly, tutorName, skill }, value) =>
      `${othersOnly ? `Ningún otro tutor de ${skill}` : `Ni ${tutorName} ni otro tutor de ${skill}`} tiene un hueco libre que pueda ofrecerte para eso. Tu sesión sigue el ${slot(value)}. Prueba otro día, por ejemplo: «cámbiala al viernes».`,
    moving: (value, other) => `Cambiando tu sesión al ${slot(value)}${other ? ` con ${other}` : ""}...`,
    stays: (booking) => `Tu sesión sigue el ${slot(booking.slot)} con ${booking.tutorName}.`,
    done: ({ slot: value, tutorName, from, number }) =>
      `Hecho: tu sesión ahora es el ${slot(value)} con ${tutorName} (antes era el ${slot(from)}).${number ? ` Tu número de reserva sigue siendo ${number}.` : ""}`,
    justTaken: "Lo siento, otra persona acaba de reservar esa hora y no ha cambiado nada.",
    notOpen: "Lo siento, esa hora ya no está disponible y no ha cambiado nada.",
    tryAnotherDay: "Prueba otro día, por ejemplo: «cámbiala al viernes».",
    ruleRefused: (explanation) => `No ha cambiado nada. ${explanation}`,
    weeklyCap: (cap) => `No ha cambiado nada: ya tienes ${cap} ${cap === 1 ? "sesión" : "sesiones"} esa semana, el límite del centro.`,
    notFound: "No encontré esa reserva; puede que se haya cancelado. No se ha cambiado nada.",
    nothingChanged: (message) => `No ha cambiado nada: ${message}`,
    failed: "Lo siento, algo salió mal y no ha cambiado nada. ¿Lo intento otra vez?",
    moved: "Tu sesión está cambiada.",
    notMoved: "No se ha cambiado nada.",
  },

  welcomeBack: (first) => (first ? `¡Hola otra vez, ${first}!` : "¡Hola otra vez!"),
  again: (subject, name, value) => `¿${subject} con ${name} otra vez, el ${slot(value)}?`,
  insteadOf: (last, name, value) =>
    `La última vez fue ${last.subject} con ${last.tutorName} los ${pluralDay(last.day)} a las ${last.start}, y ahora no está disponible. ` +
    `¿Qué tal ${last.subject} con ${name}, el ${slot(value)}?`,

  rule: {
    leadTime: (minutes, date, clock) => `Las sesiones necesitan al menos ${noticeText(minutes)} de antelación, así que lo más pronto que puedo reservar es el ${dateText(date)} a las ${clock}.`,
    horizon: (days, last) => `Puedo reservar como mucho con ${plural(days, "día", "días")} de antelación, así que el último día es el ${dateText(last)}.`,
    closedDate: (date, reason) => `El centro está cerrado el ${dateText(date)}${reason ? ` (${reason})` : ""}.`,
    closedDay: (day) => `El centro cierra los ${pluralDay(day)}.`,
    outsideHours: (day, open, close) => `Los ${pluralDay(day)} el centro abre de ${open} a ${close}, así que las sesiones tienen que caber en ese horario.`,
  },
};

/** "lunes 23 de noviembre". */
export function dateText(date: string): string {
  const value = new Date(`${date}T00:00:00Z`);
  return `${dayName(WEEKDAYS[value.getUTCDay()] ?? "")} ${value.getUTCDate()} de ${MONTHS[value.getUTCMonth()] ?? ""}`;
}

/** "sábados", "lunes": the weekdays' plural. */
function pluralDay(day: string): string {
  const name = dayName(day);
  return name.endsWith("s") ? name : `${name}s`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "24 horas", "90 minutos", "2 días". */
function noticeText(minutes: number): string {
  if (minutes % (24 * 60) === 0 && minutes >= 48 * 60) return plural(minutes / (24 * 60), "día", "días");
  if (minutes % 60 === 0) return plural(minutes / 60, "hora", "horas");
  return plural(minutes, "minuto", "minutos");
}
