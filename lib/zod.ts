import * as z from "./zod-api";

// Every schema is built with this `z`, so this runs before the first one is: zod decides at
// construction whether to compile a parser with `new Function`, and merely probing for it is a
// CSP violation in the browser (the site forbids eval) and an error in workerd. Interpreted
// parsers are fast enough for our payloads.
z.config({ jitless: true });

export { z };
