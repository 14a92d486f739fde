import {
  hourOffsetIn,
  pad,
  utcOffsetText,
  wallClockAsUtc,
  wallClockIn,
  wallClockText,
  zoneFormatter,
} from "../rules/zone-clock.js";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Hours remembered; a report spans 30 days (720 hours), so this is generous. */
const MAX_CACHED_HOURS = 50_000;

/**
 * X5's times for one export: the same text as rules/report-window.ts's `formatInstantInZone` and
 * `formatUtcOffsetInZone`, without an Intl call per row. An export formats hundreds of
 * thousands of times that share a few hundred clock hours, in time order: each hour's offset is
 * read once, and the last minute's text and the last offset's text are kept. Hours holding a
 * transition, and local years outside 1000–9999, go to Intl itself.
 *
 * Created per export and dropped with it: the caches live here, not in the rules, which stay
 * pure.
 */
export class ExportClock {
  private readonly zone: Intl.DateTimeFormat | undefined;
  /** The zone's offset per clock hour (hours since 1970); null when the hour holds a transition. */
  private readonly hourOffsets = new Map<number, number | null>();
  /** Offset texts by offset (ms): a few dozen exist in the whole tz database. */
  private readonly offsetTexts = new Map<number, string>();
  private lastHour = Number.NaN;
  private lastHourOffset: number | null = null;
  /** The local minute {@link time} wrote last, and its text up to the seconds. */
  private lastMinute = Number.NaN;
  private lastMinutePrefix = "";
  /** The offset {@link utcOffset} wrote last, and its text. */
  private lastOffset = Number.NaN;
  private lastOffsetText = "";

  /** A clock for `timeZone`; its first time refuses a zone that is not an IANA name (RangeError). */
  constructor(readonly timeZone: string) {
    this.zone = zoneFormatter(timeZone);
  }

  private get formatter(): Intl.DateTimeFormat {
    if (this.zone === undefined)
      throw new RangeError(`"${this.timeZone}" is not an IANA time zone.`);
    return this.zone;
  }

  /** `at` as `YYYY-MM-DD HH:mm:ss` on the zone's clock. */
  time(at: Date): string {
    const t = at.getTime();
    // Rows in time order mostly share their local minute: its `YYYY-MM-DD HH:mm:` is kept, and
    // only the seconds are written. The text depends on the local time alone.
    const offset = Number.isFinite(t) ? this.hourOffset(t) : null;
    if (offset !== null) {
      const local = t + offset;
      const minute = Math.floor(local / MINUTE_MS);
      if (minute === this.lastMinute) {
        return this.lastMinutePrefix + pad(Math.floor((local - minute * MINUTE_MS) / 1000), 2);
      }
      const c = new Date(local);
      const year = c.getUTCFullYear();
      if (year >= 1000 && year <= 9999) {
        const prefix = `${pad(year, 4)}-${pad(c.getUTCMonth() + 1, 2)}-${pad(c.getUTCDate(), 2)} ${pad(c.getUTCHours(), 2)}:${pad(c.getUTCMinutes(), 2)}:`;
        this.lastMinute = minute;
        this.lastMinutePrefix = prefix;
        return prefix + pad(c.getUTCSeconds(), 2);
      }
    }
    return wallClockText(wallClockIn(this.formatter, t));
  }

  /**
   * `at` on the zone's clock, to the whole second (as {@link time} writes it), as the
   * milliseconds of the UTC date that shows the same wall time: what an XLSX date-time holds.
   */
  wallClockMillis(at: Date): number {
    const t = at.getTime();
    const offset = Number.isFinite(t) ? this.hourOffset(t) : null;
    if (offset !== null) return Math.floor((t + offset) / 1000) * 1000;
    return wallClockAsUtc(this.formatter, t);
  }

  /** The zone's UTC offset at `at`, as `+08:00` (`-00:44:30` when it has seconds). */
  utcOffset(at: Date): string {
    const t = at.getTime();
    const cached = Number.isFinite(t) ? this.hourOffset(t) : null;
    const offset = cached ?? wallClockAsUtc(this.formatter, t) - Math.floor(t / 1000) * 1000;
    if (offset === this.lastOffset) return this.lastOffsetText;
    let text = this.offsetTexts.get(offset);
    if (text === undefined) {
      text = utcOffsetText(offset);
      this.offsetTexts.set(offset, text);
    }
    this.lastOffset = offset;
    this.lastOffsetText = text;
    return text;
  }

  /** The offset of `t`'s whole clock hour, or null when the hour holds a transition. */
  private hourOffset(t: number): number | null {
    const hour = Math.floor(t / HOUR_MS);
    if (hour === this.lastHour) return this.lastHourOffset;
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      offset = hourOffsetIn(this.formatter, hour);
      if (this.hourOffsets.size >= MAX_CACHED_HOURS) this.hourOffsets.clear();
      this.hourOffsets.set(hour, offset);
    }
    this.lastHour = hour;
    this.lastHourOffset = offset;
    return offset;
  }
}
