import { QUICK } from "../commands";
import type { QuickKey } from "./types";

/**
 * The Spanish words each quick reply and each button of the booking form sends. Their own file
 * (es.ts uses them) so the chat page's booking form sends them without loading all of es.ts.
 */
export const QUICK_ES: Readonly<Record<QuickKey, string>> = {
  book: "Reservar este tutor",
  others: "Ver otros tutores",
  changeTime: "Cambiar la hora",
  startOver: "Empezar de nuevo",
  leaveMessage: "Dejar un mensaje al centro de tutorías",
  changeIt: "Cambiarlo",
  yes: "Sí",
  no: "No",
  confirm: "Confirmar la reserva",
  back: "Volver",
  cancel: "Cancelar",
  online: "En línea",
  inPerson: "En persona",
  cancelBooking: "Cancelar mi reserva",
  reschedule: "Mover mi reserva",
  today: "Hoy",
  tomorrow: "Mañana",
  thisWeekend: "Este fin de semana",
  morning: "Por la mañana",
  afternoon: "Por la tarde",
  evening: "Por la noche",
  anyTime: "A cualquier hora",
  // The chat page recognises these exact words to resend the last message (commands.ts, quickReplyText).
  tryAgain: QUICK.tryAgain,
  joinWaitlist: "Apuntarme a la lista de espera",
  leaveWaitlist: "Salir de la lista de espera",
  bookIt: "Reservarlo",
};
