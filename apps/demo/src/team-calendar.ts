/** The demo team's time zone (X5): report windows and printed times are its calendar days. */
export const DEMO_TIME_ZONE = "Asia/Taipei";

const DAY_MS = 86_400_000;

/** The instant `days` days before `now`. */
export const daysAgo = (days: number, now: Date = new Date()): Date =>
  new Date(now.getTime() - days * DAY_MS);

/** The calendar day of `at` in `timeZone`, written `YYYY-MM-DD` (what report inputs take). */
export const calendarDay = (at: Date, timeZone: string = DEMO_TIME_ZONE): string =>
  // en-CA writes dates as YYYY-MM-DD.
  new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);

/** `YYYY-MM-DD HH:mm` of `at` in `timeZone`, for the transcript. */
export const localTime = (at: Date, timeZone: string = DEMO_TIME_ZONE): string => {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
};

/** The report range of the last `days` calendar days of `timeZone`, today included. */
export const lastDays = (
  days: number,
  now: Date = new Date(),
  timeZone: string = DEMO_TIME_ZONE,
): { readonly from: string; readonly to: string } => ({
  // Calendar arithmetic on the day's UTC noon never crosses a day boundary by DST.
  from: calendarDay(
    new Date(Date.parse(`${calendarDay(now, timeZone)}T12:00:00Z`) - (days - 1) * DAY_MS),
    "UTC",
  ),
  to: calendarDay(now, timeZone),
});
