import { AnalyticsQuery } from "@/lib/analytics/events";

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD&granularity=hour|day`: local days in the center's zone, inclusive. */
export const AnalyticsSearch = AnalyticsQuery;
