-- A short reference per booking, read out at a desk and printed in every email ("K7MQ-2XPD": 8
-- symbols of Crockford's base32 without 0 and 1, lib/ids.ts newBookingReference). The id stays the
-- key in URLs and APIs. Hand-written; drizzle's snapshot is regenerated on merge.
ALTER TABLE `bookings` ADD `reference` text;
--> statement-breakpoint
-- Existing bookings get theirs from their rowid: x = (rowid * 405492099989 + 98765431) mod 30^8, in
-- base 30. The multiplier (about 30^8 * 0.618, so neighbours look unrelated; exact in 64 bits up to
-- rowid 22 million) shares no factor with 30, so x is one-to-one: no two old bookings collide and the
-- unique index below cannot fail. A new booking draws at random and draws again on a collision.
UPDATE `bookings` SET `reference` = (
  SELECT substr(a, x / 21870000000 % 30 + 1, 1) || substr(a, x / 729000000 % 30 + 1, 1) || substr(a, x / 24300000 % 30 + 1, 1) || substr(a, x / 810000 % 30 + 1, 1)
    || '-' || substr(a, x / 27000 % 30 + 1, 1) || substr(a, x / 900 % 30 + 1, 1) || substr(a, x / 30 % 30 + 1, 1) || substr(a, x % 30 + 1, 1)
  FROM (SELECT '23456789ABCDEFGHJKMNPQRSTVWXYZ' AS a, (`bookings`.rowid * 405492099989 + 98765431) % 656100000000 AS x)
) WHERE `reference` IS NULL;
--> statement-breakpoint
-- Staff find a booking by its reference (the schedule's search); SQLite lets the NULLs of rows
-- written by hand (tests, fixtures) repeat.
CREATE UNIQUE INDEX `bookings_by_reference` ON `bookings` (`reference`);
