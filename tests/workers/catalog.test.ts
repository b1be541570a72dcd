import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { catalogSeedStatements } from "../../lib/db/catalog-seed";
import { createD1Catalog } from "../../services/db/catalog";
import { catalogContract } from "../catalog-contract";

// The same contract as the in-memory catalog (tests/unit/tutoring-match.test.ts), on a real local D1.
catalogContract("createD1Catalog", async (tutors) => {
  await env.DB.batch(catalogSeedStatements(tutors).map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
  return createD1Catalog(env.DB, { center: FIRST_CENTER });
});
