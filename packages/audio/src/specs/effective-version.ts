import type { SpecFamily, SpecVersion } from "./spec-types.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** the calendar date (YYYY-MM-DD) of an instant in a time zone (IANA name, default UTC) */
export function calendarDate(instant: Date, timeZone = "UTC"): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  })
    .formatToParts(instant)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** a YYYY-MM-DD string is already a studio calendar date; an instant is read in the studio time zone */
export function studioDate(date: string | Date, timeZone = "UTC"): string {
  if (typeof date !== "string") return calendarDate(date, timeZone);
  if (!ISO_DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  }
  return date;
}

/** the version in force on a studio calendar date: the latest whose effectiveFrom is on or before it */
export function versionInForce(spec: SpecFamily, date: string): SpecVersion {
  let chosen: SpecVersion | null = null;
  for (const v of spec.versions) {
    if (v.effectiveFrom <= date && (!chosen || v.effectiveFrom > chosen.effectiveFrom)) chosen = v;
  }
  if (!chosen) throw new RangeError(`no version of ${spec.id} is in force on ${date}`);
  return chosen;
}
