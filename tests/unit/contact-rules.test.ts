import { describe, expect, it } from "vitest";
import { contactMessage } from "../../lib/tutoring/commands";
import { contactProblem, isStoredEmail, isStoredName, parseContact } from "../../lib/tutoring/parse-contact";

/** Names with whether the assistant takes them as typed. */
const NAMES: Array<[string, boolean]> = [
  ["Ada Lovelace", true],
  ["ada lovelace", true],
  ["  Ada   Lovelace  ", true],
  ["O'Brien", true],
  ["Jean-Luc Picard", true],
  ["José Núñez", true],
  ["李小龍", true],
  ["Li", true],
  ["A", true],
  ["Ada L.", true],
  ["Mary Ann Smith Jones", true],
  ["", false],
  ["   ", false],
  ["Hi Kim", false], // read as a greeting and "Kim"
  ["Ada At", false], // "at" is read as leading into the email
  ["Dr. Who", false],
  ["I don't know", false],
  ["Ada123", false],
  ["X Æ A-12", false],
  ["Mary Ann Smith Jones Lee Kim", false],
  ["Ada, Lovelace", false],
  ["ada@example.com", false],
  ["a".repeat(121), false],
  ["J.R.R. Tolkien", true],
  // A name goes into emails and invites: no web address in it.
  ["evil.example", false],
  ["Ada www.evil.com", false],
  ["Ada Evil.Example", false],
];

/** Addresses with whether the assistant reads them back whole. */
const EMAILS: Array<[string, boolean]> = [
  ["ada@example.com", true],
  ["ADA@Example.COM", true],
  [" ada@example.com ", true],
  ["ada+tutoring@mail.example.co.uk", true],
  ["ada.l@sub-domain.example.org", true],
  ["", false],
  ["ada@example", false],
  ["ada@example.c", false],
  ["ada@example.com.", false],
  ["ada@example.com1", false],
  ["ada@@example.com", false],
  ["ada lovelace@example.com", false],
  ["josé@example.com", false], // the old form accepted these two; the assistant never did
  ["ada@exa_mple.com", false],
  ['"ada"@example.com', false],
];

function sameName(a: string, b: string): boolean {
  const plain = (name: string) => name.replace(/\s+/g, " ").replace(/^[\s,;:.!-]+|[\s,;:.!-]+$/g, "").toLowerCase();
  return plain(a) === plain(b);
}

/** The assistant takes the form's message: it reads a name, the very address typed, and the name typed. */
function assistantAccepts(name: string, email: string): boolean {
  const read = parseContact(contactMessage(name, email));
  return read.name !== undefined && !read.invalidEmail && read.email === email.trim().toLowerCase() && sameName(read.name, name);
}

function formAccepts(name: string, email: string): boolean {
  return contactProblem(name, email) === null;
}

describe("the booking form and the assistant share one rule for names and emails", () => {
  it.each(NAMES)("the form and the assistant agree on the name %j", (name, valid) => {
    expect(formAccepts(name, "ada@example.com")).toBe(valid);
    expect(assistantAccepts(name, "ada@example.com")).toBe(valid);
  });

  it.each(EMAILS)("the form and the assistant agree on the email %j", (email, valid) => {
    expect(formAccepts("Ada Lovelace", email)).toBe(valid);
    expect(assistantAccepts("Ada Lovelace", email)).toBe(valid);
  });

  it("accepts exactly what the assistant accepts for every name with every email", () => {
    const disagreements = NAMES.flatMap(([name]) =>
      EMAILS.flatMap(([email]) => (formAccepts(name, email) === assistantAccepts(name, email) ? [] : [`${name} / ${email}`])),
    );
    expect(disagreements).toEqual([]);
  });

  it("names the field the assistant would refuse first", () => {
    expect(contactProblem("Hi", "ada@example")).toBe("name");
    expect(contactProblem("Ada", "ada@example")).toBe("email");
  });
});

describe("a name or email as a booking stores it", () => {
  it("refuses line breaks, tabs and invisible characters the form could be sent", () => {
    for (const name of ["Ada\nLovelace", "Ada\tLovelace", "Ada\u202eLovelace", "Ada\u200bLovelace", "Ada\nAccount locked: https://evil.example/login"]) {
      expect(isStoredName(name), JSON.stringify(name)).toBe(false);
      expect(contactProblem(name, "ada@example.com"), JSON.stringify(name)).toBe("name");
    }
    expect(isStoredEmail("ada@example.com\n")).toBe(false);
    expect(isStoredEmail("ada@example.com\u200b")).toBe(false);
  });

  it("keeps nothing around it to trim, and takes what the assistant stores", () => {
    expect(isStoredName(" Ada Lovelace")).toBe(false);
    expect(isStoredEmail("ada@example.com ")).toBe(false);
    const read = parseContact("Ada Lovelace, ada@example.com");
    expect(isStoredName(read.name!)).toBe(true);
    expect(isStoredEmail(read.email!)).toBe(true);
  });
});
