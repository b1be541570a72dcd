import { errorFromHttp } from "./errors";

/**
 * A page's same-origin request to one of the site's JSON routes: the parsed body, or the route's
 * error as an AppError with its status (a body that is not JSON reads as null).
 */
export async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, { credentials: "same-origin", ...init });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw errorFromHttp(response.status, body);
  return body;
}
