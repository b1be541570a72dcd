import { getCloudflareContext } from "@opennextjs/cloudflare";

/**
 * Whether /dev/mail exists: under `next dev`, or when the web worker runs with
 * DEV_MAIL=1 (the local stack: `npm run preview` and the tests set it on the
 * production build). Deployed, DEV_MAIL is empty and the page is a 404.
 */
export async function devMailEnabled(): Promise<boolean> {
  if (process.env.NODE_ENV === "development") return true;
  try {
    return (await getCloudflareContext({ async: true })).env.DEV_MAIL === "1";
  } catch {
    return false;
  }
}
