import { fail, ok } from "../../lib/errors";
import { BookingId } from "../../lib/schemas";
import { listBookings } from "../../services/db/bookings";
import { cancelMyBooking } from "../../services/my-bookings";
import { usableIp, type Caller } from "../../services/limits";
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
}
