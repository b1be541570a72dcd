import type { Browser, BrowserContext, Page } from "@playwright/test";
import { BOOKING_REFERENCE_PATTERN } from "../lib/ids";
import { COUNTERS, emptyCounts, type Counter, type Counts } from "../lib/analytics/events";
import { QUICK } from "../lib/tutoring/commands";
import { ChatPage } from "./pages/chat";
import { lettersName, shownBooking } from "./support/booking";
import { confirmAddresses } from "./support/d1";
import { crashAndRestartSidecar, MAIL_SINK_PORT, startSidecar } from "./support/sidecar";
import { invite, PORT, SITE, withPasskeys } from "./support/staff";
import { expect, test } from "./support/test";

/**
 * The core of the day-in-the-life ledger (tests/workers/day-ledger.test.ts) on the production
 * build, with a crash in the middle of the day: three students chat (Ada books, and after the
 * crash moves; Bea books and cancels; Cal leaves a message that staff answer), and the sidecar is
 * killed (SIGKILL) right after Bea's cancel is answered, before its email is sent, then started
 * again on the same state. The test writes down what happened as it happens, and then every view
 * is compared with it exactly: the analytics page's numbers (API) and CSV, each student's bell and
 * notifications, My bookings, the staff schedule (found by booking number), and the mail sink.
 * It runs in its own Playwright project after every other spec (playwright.config.ts): it kills
 * the sidecar they share, and its counts are read as the change over the day. Alone:
 * `npx playwright test --project sidecar-crash --no-deps`.
 */

type MailKind = "Booked" | "Moved" | "Cancelled";
type Student = { name: string; email: string; context: BrowserContext; chat: ChatPage };

/** What happened, written as it happens. */
const ledger = {
  counts: emptyCounts(),
  notes: new Map<string, string[]>(), // email → notification kinds, oldest first
  mail: new Map<string, MailKind[]>(), // email → subjects' kinds, oldest first
  bookings: new Map<string, { owner: string; status: "confirmed" | "cancelled"; start: string; scheduleStatus: string }>(), // reference → what it shows
};
const started = new Set<string>();

function count(counter: Counter, n = 1) {
  ledger.counts[counter] += n;
}
function note(one: Student, kind: string) {
  ledger.notes.set(one.email, [...(ledger.notes.get(one.email) ?? []), kind]);
}
function mailed(one: Student, kind: MailKind) {
  ledger.mail.set(one.email, [...(ledger.mail.get(one.email) ?? []), kind]);
}

/** One message from the student, answered, and counted (a chat's first message also starts it). */
async function say(one: Student, text: string) {
  if (!started.has(one.email)) {
    started.add(one.email);
    count("chat_started");
  }
  count("message");
  await one.chat.send(text);
}

async function student(browser: Browser, first: string, stamp: number): Promise<Student> {
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}` });
  const chat = new ChatPage(await context.newPage());
  await chat.open();
  const email = `${first.toLowerCase()}-ledger-${stamp}@example.com`;
  // Confirmed by its owner, so the day's emails go (lib/mail/recipients.ts; e2e/accounts.spec.ts walks the confirmation itself).
  confirmAddresses(email);
  return { name: lettersName(first, stamp), email, context, chat };
}

/**
 * Sends `text` and kills the sidecar the moment the web worker's answer arrives, before the page
 * gets it; the sidecar is started again (running `whileDown` in between) while the page shows the
 * answer. Returns when it is back, with the time of the kill.
 */
async function sayThenCrash(one: Student, text: string, whileDown: () => Promise<void>): Promise<number> {
  let crashed: Promise<void> | undefined;
  let crashAt = 0;
  await one.chat.page.route(
    /\/api\/chat\/session\/[^/?]+\/messages$/,
    async (route) => {
      const response = await route.fetch();
      crashAt = Date.now();
      // The SIGKILL goes out before this call's first await: before the page is answered.
      crashed = crashAndRestartSidecar(whileDown);
      await route.fulfill({ response });
    },
    { times: 1 },
  );
  await say(one, text);
  expect(crashed, "the answer went through the crash").toBeDefined();
  await crashed;
  return crashAt;
}

/** Books through the chat as a student types it; the booking number it shows. */
async function book(one: Student, request: string, topic: string): Promise<string> {
  for (const text of [request, QUICK.book, "yes", `${one.name}, ${one.email}`, `Online. ${topic}`, QUICK.confirm]) await say(one, text);
  await expect(one.chat.page.getByTestId("booking-confirmation")).toBeVisible();
  const { reference } = await shownBooking(one.chat.page);
  expect(reference).toMatch(BOOKING_REFERENCE_PATTERN);
  count("booking_made");
  note(one, "booking_confirmed");
  mailed(one, "Booked");
  return reference;
}

/** The day's totals as the staff analytics API gives them (what the page and the CSV show). */
async function totals(staff: Page, day: string): Promise<Counts> {
  const response = await staff.request.get(`${SITE}/api/staff/analytics?from=${day}&to=${day}&granularity=day`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { totals: Counts }).totals;
}

/** The day's CSV row, by column. */
async function csvRow(staff: Page, day: string): Promise<Record<string, number>> {
  const response = await staff.request.get(`${SITE}/api/staff/analytics.csv?from=${day}&to=${day}&granularity=day`);
  expect(response.status()).toBe(200);
  const [header, row] = (await response.text()).trim().split("\r\n");
  const cells = row!.split(",");
  return Object.fromEntries(header!.split(",").slice(1).map((column, i) => [column, Number(cells[i + 1])]));
}

const minus = <T extends Record<string, number>>(after: T, before: T) => Object.fromEntries(Object.keys(after).map((key) => [key, after[key]! - (before[key] ?? 0)]));

test.describe("a day at the center on the production build, with the sidecar killed mid-day", () => {
  test.beforeAll(() => startSidecar());

  test("after the crash and restart every view agrees with the ledger: analytics and CSV, bells, My bookings, the staff schedule and the mail sink", async ({ page: staff, browser }) => {
    test.setTimeout(6 * 60_000);
    const stamp = Date.now();
    const timings: Record<string, number> = {};

    // Staff sign in first: the day's analytics before it, so the ledger compares the change.
    await withPasskeys(staff);
    await staff.goto(invite(`ledger-${stamp}@center.example`, "staff"));
    await staff.getByTestId("register-passkey").click();
    await expect(staff.getByTestId("staff-member")).toContainText("(Staff)");
    const { today } = (await (await staff.request.get(`${SITE}/api/staff/schedule`)).json()) as { today: string };
    const before = await totals(staff, today);
    const csvBefore = await csvRow(staff, today);

    const [ada, bea, cal] = [await student(browser, "Ada", stamp), await student(browser, "Bea", stamp), await student(browser, "Cal", stamp)];

    // Ada books German on Tuesday at 2pm (Ingrid Johansson: no other spec books her).
    const adaRef = await book(ada, "I need help with German on Tuesday at 2pm", "Conversation practice");
    ledger.bookings.set(adaRef, { owner: ada.email, status: "confirmed", start: "14:00", scheduleStatus: "Confirmed" });

    // Bea books Mandarin on Monday at 5pm, then cancels it in the chat (asked first, then yes).
    const beaRef = await book(bea, "I need help with Mandarin on Monday at 5pm", "Tones");
    await say(bea, "cancel my booking");
    await expect(bea.chat.assistantMessages().last()).toContainText("This can't be undone.");
    // The crash: the moment the web worker's answer to the yes arrives, before the page has it, so
    // nothing more of the sidecar's (an analytics call, the email's alarm) can finish after the
    // event. What the sink held while it was down is noted: either way the email arrives exactly once.
    let sentWhileDown: string[] = [];
    const crashAt = await sayThenCrash(bea, "yes", async () => {
      sentWhileDown = (await sinkMessagesTo(bea.email)).map((message) => message.subject.split(":")[0]!);
    });
    timings.crashToReadyMs = Date.now() - crashAt;
    await expect(bea.chat.assistantMessages().last()).toContainText("is cancelled");
    count("booking_cancelled");
    note(bea, "booking_cancelled");
    mailed(bea, "Cancelled");
    ledger.bookings.set(beaRef, { owner: bea.email, status: "cancelled", start: "17:00", scheduleStatus: "Cancelled by the student" });


    // Ada moves her booking in the chat she left open: the same tutor's next hour, on yes.
    await say(ada, QUICK.reschedule);
    await expect(ada.chat.assistantMessages().last()).toContainText("Move your session");
    await say(ada, "yes");
    await expect(ada.chat.assistantMessages().last()).toContainText(`Done: your session is moved to`);
    await expect(ada.chat.assistantMessages().last()).toContainText(`Your booking number stays ${adaRef}.`);
    const movedTo = /moved to \w+, \w+ \d+ at (\d\d:\d\d)/.exec((await ada.chat.assistantMessages().last().textContent()) ?? "")?.[1];
    expect(movedTo).toMatch(/^\d\d:\d\d$/);
    count("booking_moved");
    note(ada, "moved");
    mailed(ada, "Moved");
    ledger.bookings.set(adaRef, { owner: ada.email, status: "confirmed", start: movedTo!, scheduleStatus: "Confirmed" });

    // Cal leaves a message for the center; staff answer it from the inbox.
    const words = `Can I bring my own laptop? (${stamp})`;
    await say(cal, `${QUICK.leaveMessage}: ${words}`);
    await say(cal, QUICK.yes);
    await expect(cal.chat.assistantMessages().last()).toContainText("Sent");
    count("handoff");
    await staff.goto(`${SITE}/staff/inbox`);
    await staff.getByTestId("inbox-item").filter({ hasText: words }).getByRole("button", { name: "Open and answer" }).click();
    await expect(staff.getByTestId("open-message")).toContainText(words);
    const reply = `Yes, bring it along (${stamp}).`;
    await staff.getByLabel(/^Your reply/).fill(reply);
    await staff.getByRole("button", { name: "Send reply" }).click();
    await expect(staff.locator("main").getByRole("status")).toContainText("Sent");
    count("staff_first_reply");
    await expect(cal.chat.page.getByTestId("message-log")).toContainText(reply);
    timings.dayMs = Date.now() - stamp;

    // Analytics: the day's change is the ledger's counts, exactly, on the API and in the CSV.
    const expected = Object.fromEntries(COUNTERS.filter((counter) => counter !== "staff_first_reply_ms").map((counter) => [counter, ledger.counts[counter]]));
    await expect
      .poll(async () => {
        const { staff_first_reply_ms: _waits, ...change } = minus(await totals(staff, today), before);
        return change;
      }, { timeout: 20_000 })
      .toEqual(expected);
    const csv = minus(await csvRow(staff, today), csvBefore);
    expect(csv).toMatchObject({
      chats_started: ledger.counts.chat_started,
      messages: ledger.counts.message,
      bookings_made: ledger.counts.booking_made,
      bookings_moved: ledger.counts.booking_moved,
      bookings_cancelled: ledger.counts.booking_cancelled,
      late_cancels: 0,
      no_shows: 0,
      handoffs: ledger.counts.handoff,
      first_staff_replies: ledger.counts.staff_first_reply,
    });

    for (const one of [ada, bea, cal]) {
      const page = one.chat.page;
      // The bell: the ledger's notifications, newest first, all unread; the header says how many.
      const { notifications, unread } = (await (await page.request.get("/api/notifications")).json()) as { notifications: { kind: string }[]; unread: number };
      const kinds = ledger.notes.get(one.email) ?? [];
      expect(notifications.map((entry) => entry.kind), one.name).toEqual([...kinds].reverse());
      expect(unread, one.name).toBe(kinds.length);

      // My bookings: each of the student's bookings with its number, status and hour; nothing else.
      await page.goto("/bookings");
      await expect(page.getByRole("link", { name: `Notifications ${kinds.length} unread`, exact: true })).toBeVisible();
      const mine = [...ledger.bookings].filter(([, booking]) => booking.owner === one.email);
      if (mine.length === 0) await expect(page.getByText("You have no bookings yet.")).toBeVisible();
      await expect(page.getByTestId("booking")).toHaveCount(mine.length);
      for (const [reference, booking] of mine) {
        const row = page.getByTestId("booking").filter({ hasText: reference });
        await expect(row, reference).toHaveAttribute("data-status", booking.status);
        await expect(row).toContainText(booking.start);
      }

      // The mail sink: exactly the ledger's emails to this student, in order, each with the booking number.
      await expect
        .poll(async () => (await sinkMessagesTo(one.email)).map((message) => message.subject.split(":")[0]), { timeout: 30_000 })
        .toEqual(ledger.mail.get(one.email) ?? []);
      for (const message of await sinkMessagesTo(one.email)) expect(message.text).toMatch(/Booking number: [2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}/);
    }

    // The staff schedule, searched by booking number: each booking alone, with the ledger's status and hour.
    for (const [reference, booking] of ledger.bookings) {
      await staff.goto(`${SITE}/staff/schedule?ref=${reference.toLowerCase()}`);
      await expect(staff.getByTestId("schedule-found")).toContainText(reference);
      const rows = staff.getByTestId("schedule-booking");
      await expect(rows).toHaveCount(1);
      await expect(rows.getByTestId("booking-reference")).toHaveText(reference);
      await expect(rows.getByTestId("booking-status")).toHaveText(booking.scheduleStatus);
      await expect(rows).toContainText(booking.start);
    }

    timings.totalMs = Date.now() - stamp;
    const observed = { ...timings, beaMailInSinkWhileDown: sentWhileDown };
    test.info().annotations.push({ type: "day", description: JSON.stringify(observed) });
    console.log(`[day-ledger] ${JSON.stringify(observed)}`);
    for (const one of [ada, bea, cal]) await one.context.close();
  });
});

/** The messages the local mail sink holds for `email`, oldest first. */
async function sinkMessagesTo(email: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`http://127.0.0.1:${MAIL_SINK_PORT}/emails`, { headers: { authorization: "Bearer e2e" } });
  const { messages } = (await response.json()) as { messages: { to: string[]; subject: string; text: string }[] };
  return messages.filter((message) => message.to.some((to) => to.toLowerCase() === email.toLowerCase())).reverse();
}
