// The part of zod's API our schemas use, as named re-exports, which lib/zod.ts turns into its `z`.
// zod's own `z` is one object holding everything, locales included, so a bundle that touches it
// keeps all of it (~65 KB gzipped); named exports let the bundler keep only what a page uses.
// A schema that needs another builder adds it here.
export {
  array,
  boolean,
  coerce,
  config,
  discriminatedUnion,
  email,
  enum,
  literal,
  looseObject,
  number,
  object,
  preprocess,
  prettifyError,
  record,
  string,
  union,
  unknown,
  uuid,
} from "zod";
export type { infer, input, output, ZodRawShape, ZodType } from "zod";
