import { fail, ok } from "../../lib/errors";
import { BookingId } from "../../lib/schemas";
import { listBookings } from "../../services/db/bookings";
import { cancelMyBooking } from "../../services/my-bookings";
import { usableIp, type Caller } from "../../services/limits";
import { bookingByLink, bookingLinkView } from "../../services/booking-link";
import { moveByLink, moveOptionsFor } from "../../services/booking-link-move";
import { BookingLinkMoveBody } from "../../lib/mail/manage-link";
import { clock } from "../../lib/time";
import { ChatsRpc } from "./chats";

/** My bookings: a student's bookings and their cancel (the one cancel, services/bookings.ts). */
export class BookingsRpc extends ChatsRpc {
  async listBookings(ownerId: string) {
    return this.withOwner(ownerId, async (owner) => ok(await listBookings(this.env.DB, { ownerId: owner })));
  }

  /**
   * Cancels one of the owner's confirmed bookings, from whichever chat it was
   * made in; that chat says so (live) if its booking form shows it.
   */
  async cancelBooking(ownerId: string, bookingId: string, client?: Caller) {
    return this.withOwner(ownerId, (owner) => {
      const id = BookingId.safeParse(bookingId);
      if (!id.success) return fail("not_found:booking", "You have no confirmed booking with that id.");
      return this.limited([["bookingChangesPerOwner", owner], ["bookingChangesPerIp", usableIp(client)]], (now) =>
        cancelMyBooking(this.env, { ownerId: owner, bookingId: id.data, now }, this.waitUntil),
      );
    });
  }

  /** The booking a "Manage this booking" link names (services/booking-link.ts), for its page on any device. One D1 read. */
  async viewBookingByLink(token: string) {
    return this.guard(async () => {
      const now = clock.now();
      const found = await bookingByLink(this.env, token, now);
      return found.ok ? ok(bookingLinkView(found.value.booking, found.value.expiresAt, now)) : found;
    });
  }

  /**
   * Cancels the booking a link names, as its own student (the owner read from the row): the one
   * cancel, with My bookings' limits and the chat told. The answer names no address: a link can be forwarded.
   */
  async cancelBookingByLink(token: string, client?: Caller) {
    return this.guard(async () => {
      const found = await bookingByLink(this.env, token, clock.now());
      if (!found.ok) return found;
      const { id: bookingId, ownerId } = found.value.booking;
      return this.limited([["bookingChangesPerOwner", ownerId], ["bookingChangesPerIp", usableIp(client)]], async (now) => {
        const cancelled = await cancelMyBooking(this.env, { ownerId, bookingId, now }, this.waitUntil);
        if (!cancelled.ok) return cancelled;
        const { lateCancel, cutoffHours, emailedTo } = cancelled.value;
        return ok({ bookingId, status: "cancelled" as const, lateCancel, cutoffHours, emailed: emailedTo !== undefined });
      });
    });
  }

  /** The times the booking a link names may move to: its tutor, its subject, the coming two weeks, the center's rules. Reads only. */
  async bookingLinkMoveOptions(token: string) {
    return this.guard(async () => {
      const now = clock.now();
      const found = await bookingByLink(this.env, token, now);
      return found.ok ? ok(await moveOptionsFor(this.env, found.value.booking, now)) : found;
    });
  }

  /**
   * Moves the booking a link names, as its own student: the one move (services/bookings.ts), with the
   * cancel's limits and the chat told. A retry to the same time is answered as done and changes nothing more.
   */
  async moveBookingByLink(token: string, to: unknown, client?: Caller) {
    return this.guard(async () => {
      const found = await bookingByLink(this.env, token, clock.now());
      if (!found.ok) return found;
      const target = BookingLinkMoveBody.safeParse(to);
      if (!target.success) return fail("bad_request:body", "Say the new time as a date (YYYY-MM-DD) and a start (HH:MM).");
      const { booking } = found.value;
      return this.limited([["bookingChangesPerOwner", booking.ownerId], ["bookingChangesPerIp", usableIp(client)]], (now) =>
        moveByLink(this.env, { booking, to: target.data, now, waitUntil: this.waitUntil }),
      );
    });
  }
}
