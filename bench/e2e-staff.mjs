// The staff console's paths in the end-to-end section (builtin mode): one
// counted step per staff action, each through the sidecar's real RPC method
// (the session check is inside every call), and what one Analytics.record call costs.
// Setup (a staff session, a booking made in a chat, a past booking) is not
// counted: it runs outside every step. See bench/README.md, "Staff console".
import { randomUUID } from "node:crypto";
import { newChat } from "./e2e-actions.mjs";
import { call, hex, http } from "./e2e-stack.mjs";
import { scenario, step } from "./e2e-units.mjs";

/** The chat turns that book a session, as tests/workers/staff-schedule.test.ts makes one. */
const BOOKING_TURNS = [
  "Python on Monday at 10",
  "Book this tutor",
  "yes",
  `Ada Byron, ada-${randomUUID().slice(0, 8)}@example.com`,
  "Online. Recursion and list comprehensions",
  "Confirm booking",
];

const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const minutes = (clock) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const clock = (total) => `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;

/** The tutor's hours with one range moved by half an hour (later, or earlier if later would overlap or pass midnight). */
function moveOneRange(hours) {
  for (let i = hours.length - 1; i >= 0; i--) {
    for (const shift of [30, -30]) {
      const range = hours[i];
      const moved = { day: range.day, start: clock(minutes(range.start) + shift), end: clock(minutes(range.end) + shift) };
      if (minutes(range.start) + shift < 0 || minutes(range.end) + shift > 23 * 60 + 30) continue;
      const clash = hours.some((other, j) => j !== i && other.day === moved.day && other.start < moved.end && moved.start < other.end);
      if (!clash) return hours.map((entry, j) => (j === i ? moved : entry));
    }
  }
  throw new Error("no range of this tutor can move by half an hour");
}

/** One console action: the page or API request (1 web request) and the one RPC method it calls. */
const staffStep = (name, method, ...args) => step(name, { web: 1 }, () => call(method, ...args));

export async function staffRun(ownerId) {
  // Setup, uncounted: an admin's session (admins may do every action below), a booking made in a chat, a past booking.
  const { token } = await http("/bench/staff-session", { role: "admin" });
  const { chat } = await newChat(ownerId);
  let booked = null;
  for (const content of BOOKING_TURNS) booked = (await call("sendMessage", chat.sessionId, chat.ownerId, { id: randomUUID(), content })).value.state.bookingInfo;
  if (booked?.step !== "confirmed") throw new Error(`the chat did not book (step ${booked?.step})`);
  const { value: thisWeek } = await call("staffScheduleWeek", token, {});
  const past = await http("/bench/past-booking", { tutorId: "t-001", date: addDays(thisWeek.today, -1), start: "10:00" });

  const steps = [];
  const week = await staffStep("open the week (staffScheduleWeek)", "staffScheduleWeek", token, { from: booked.slot.date });
  steps.push(week);
  const shown = week.output.value.bookings.length;
  steps.push(await staffStep("cancel a booking for the center (staffScheduleCancel)", "staffScheduleCancel", token, { bookingId: booked.bookingId, reason: "The tutor is ill; we will call you to rebook." }));
  steps.push(await staffStep("mark a no-show (staffScheduleAttendance)", "staffScheduleAttendance", token, { bookingId: past.bookingId, attendance: "no_show" }));
  steps.push(await staffStep("write a session note (staffScheduleNote)", "staffScheduleNote", token, { bookingId: past.bookingId, note: "Did not come; called, no answer." }));
  const list = await staffStep("list tutors (staffTutors)", "staffTutors", token);
  steps.push(list);
  const tutorId = list.output.value.tutors.filter((tutor) => tutor.retiredAt === null).at(-1).id;
  const open = await staffStep("open a tutor (staffTutor)", "staffTutor", token, tutorId);
  steps.push(open);
  const { name, bio, mode, subjects, availability } = open.output.value.tutor;
  steps.push(await staffStep("save a tutor's hours, one range moved (staffUpdateTutor)", "staffUpdateTutor", token, tutorId, { name, bio, mode, subjects, hours: moveOneRange(availability) }));
  const settings = await staffStep("read the center settings (staffCenterSettings)", "staffCenterSettings", token);
  steps.push(settings);
  const { closedDates: _closedDates, modelReaderAvailable: _modelReaderAvailable, ...unchanged } = settings.output.value;
  steps.push(await staffStep("save the center settings unchanged (staffUpdateCenterSettings)", "staffUpdateCenterSettings", token, unchanged));
  steps.push(await staffStep("open analytics, 7 days by day (staffAnalytics)", "staffAnalytics", token, { from: addDays(thisWeek.today, -6), to: thisWeek.today, granularity: "day" }));
  steps.push(await staffStep("open the inbox (staffInbox)", "staffInbox", token));

  // What an exchange's Analytics.record costs on its own (it is inside every exchange above), as recordAnalytics
  // sends it: one exchange's event, a new chat's two in the same hour, and the second sent again with its key
  // (what a retry after a lost answer does).
  const record = (name, events, key) => step(name, {}, () => http("/bench/analytics-record", { events, key }));
  const recordSteps = [
    await record("Analytics.record: an exchange's event (message)", [{ type: "message" }], `bench-${hex(8)}`),
    await record("Analytics.record: a new chat's (chat_started, message)", [{ type: "chat_started" }, { type: "message" }], "bench-retried"),
    await record("the same call again, same key (a retry): counted once", [{ type: "chat_started" }, { type: "message" }], "bench-retried"),
  ];
  if (!recordSteps[2].output?.value?.repeated) throw new Error("the repeated Analytics.record was counted again");

  // Another student (one the memory does not know), so the form asks as it does for a first booking.
  const student = `owner-${hex(16)}`;
  const bookingLife = await bookingLifeRun(student);
  // That student then signs in on another device: what their browser held (the chat, the booking, memory, bell) moves.
  const accounts = await accountRun(student);

  return {
    bookingLife,
    accounts,
    staff: { ...scenario("staff console, one step per action (admin session)", steps), weekBookings: shown, tutorId },
    analyticsRecord: scenario("Analytics.record alone: one call per request with events, stored before it answers", recordSteps),
  };
}

/**
 * Student accounts: the browser that booked opens an email sign-in link (its row made uncounted: no
 * mail API here) and signs in, which moves its chat, booking, memory and bell into a new account;
 * a second device, with nothing of its own, signs in to the same account; a device's periodic check.
 */
async function accountRun(ownerId) {
  const email = `bench-${hex(8)}@bench.example`;
  const steps = [];
  const first = await http("/bench/sign-in-link", { email });
  steps.push(await step("open the link's page (signInLinkInfo): nothing written", { web: 1 }, () => call("signInLinkInfo", first.token)));
  const signedIn = await step("sign in, moving 1 chat, 1 booking, memory, bell (redeemSignInLink)", { web: 1 }, () => call("redeemSignInLink", first.token, ownerId, "Bench on Linux"));
  if (signedIn.output?.value?.merged?.chats !== 1) throw new Error(`the sign-in did not move the chat: ${JSON.stringify(signedIn.output)}`);
  steps.push(signedIn);
  const second = await http("/bench/sign-in-link", { email });
  steps.push(await step("a second device signs in, nothing to move (redeemSignInLink)", { web: 1 }, () => call("redeemSignInLink", second.token, `owner-${hex(16)}`, "Bench on Android")));
  steps.push(await step("a device's check, every 10 minutes (checkAccountSession)", { web: 0 }, () => call("checkAccountSession", signedIn.output.value.sessionId)));
  return scenario("student accounts: sign-in by link and the move into the account", steps);
}

/**
 * A booking's life from the student's side, one counted step per chat turn: the confirm that
 * books (the booking, its end alarm, the bell, memory), asking to move it (the offer), and the move.
 * The turns before the confirm are setup. No mail API is configured here, so no email is queued.
 */
async function bookingLifeRun(ownerId) {
  const { chat } = await newChat(ownerId);
  for (const content of BOOKING_TURNS.slice(0, -1)) await call("sendMessage", chat.sessionId, chat.ownerId, { id: randomUUID(), content });
  const turn = (name, content) =>
    step(name, { web: 1 }, async () => (await call("sendMessage", chat.sessionId, chat.ownerId, { id: randomUUID(), content })).value.state.bookingInfo);
  const steps = [];
  const booked = await turn("confirm a booking in the chat", "Confirm booking");
  if (booked.output?.step !== "confirmed") throw new Error(`the chat did not book (step ${booked.output?.step})`);
  steps.push(booked);
  const offer = await turn("ask to move it (the same tutor's free hours)", "Move my booking");
  if (!offer.output?.moveOptions?.length) throw new Error("no move was offered");
  steps.push(offer);
  const moved = await turn("move it (yes): one conditional UPDATE", "yes");
  if (!moved.output?.movedFrom) throw new Error("the booking did not move");
  steps.push(moved);
  return scenario("a booking's life, one step per chat turn (builtin)", steps);
}
