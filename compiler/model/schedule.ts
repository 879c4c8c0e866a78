// A job's `schedule`: the EventBridge Scheduler expression language (cron(...) with six fields,
// rate(value unit)), read once here for the checks (which field is wrong), the EKS CronJob (the
// same times in Kubernetes' five-field cron) and pricing (how many runs a month).
//
// Syntax per the EventBridge Scheduler user guide, "Schedule types": cron fields minutes (0-59),
// hours (0-23), day-of-month (1-31, ? L W), month (1-12, JAN-DEC), day-of-week (1-7 = SUN-SAT,
// ? L #), year (1970-2199); one of day-of-month and day-of-week must be `?`. rate(1 unit) is
// singular, any other value plural. one-time `at(...)` schedules are not a job's schedule.
import { HOURS_PER_MONTH } from './types.js';

export const CRON_FIELDS = ['minutes', 'hours', 'day-of-month', 'month', 'day-of-week', 'year'] as const;
export type CronField = (typeof CRON_FIELDS)[number];

export type ParsedSchedule =
  | { readonly kind: 'rate'; readonly value: number; readonly unit: 'minute' | 'hour' | 'day' }
  | { readonly kind: 'cron'; readonly fields: Readonly<Record<CronField, string>> };

/** Why an expression is not one: the part at fault and what it should look like. */
export interface ScheduleError {
  readonly message: string;
  readonly hint: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Special characters the field allows beyond , - * /. */
  readonly extra: readonly ('?' | 'L' | 'W' | '#')[];
}

const RULES: Readonly<Record<CronField, FieldRule>> = {
  minutes: { min: 0, max: 59, extra: [] },
  hours: { min: 0, max: 23, extra: [] },
  'day-of-month': { min: 1, max: 31, extra: ['?', 'L', 'W'] },
  month: { min: 1, max: 12, names: MONTHS, extra: [] },
  'day-of-week': { min: 1, max: 7, names: DAYS, extra: ['?', 'L', '#'] },
  year: { min: 1970, max: 2199, extra: [] },
};

/** A value of a field as a number (a name counts as its position), or undefined when it is none. */
function valueOf(rule: FieldRule, text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n >= rule.min && n <= rule.max ? n : undefined;
  }
  const at = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  return at >= 0 ? at + rule.min : undefined;
}

/** Whether one comma-separated part of a field is valid: *, a value, a range, a step, or the field's specials. */
function partValid(field: CronField, rule: FieldRule, part: string): boolean {
  if (part === '*') return true;
  if (part === '?') return rule.extra.includes('?');
  if (field === 'day-of-month' && (part === 'L' || /^L-[0-9]{1,2}$/.test(part) || part === 'LW')) return true;
  if (field === 'day-of-month' && /^[0-9]{1,2}W$/.test(part)) return valueOf(rule, part.slice(0, -1)) !== undefined;
  if (field === 'day-of-week' && /^[^#]+#[1-5]$/.test(part)) return valueOf(rule, part.split('#')[0]!) !== undefined;
  if (field === 'day-of-week' && /^[^L]+L$/.test(part)) return valueOf(rule, part.slice(0, -1)) !== undefined;
  if (field === 'day-of-week' && part === 'L') return true;
  const [range, step, more] = part.split('/');
  if (more !== undefined || range === undefined || range === '') return false;
  if (step !== undefined && !(/^[0-9]+$/.test(step) && Number(step) > 0)) return false;
  if (range === '*') return step !== undefined;
  const ends = range.split('-');
  if (ends.length > 2) return false;
  const values = ends.map((e) => valueOf(rule, e));
  if (values.some((v) => v === undefined)) return false;
  return true;
}

/** Reads an EventBridge Scheduler expression; an error says which part is wrong. */
export function parseSchedule(expression: string): ParsedSchedule | ScheduleError {
  const text = expression.trim();
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) {
    const m = /^([0-9]+) (minutes?|hours?|days?)$/.exec(rate[1]!.trim());
    if (!m) return { message: `rate(${rate[1]}) is not rate(value unit)`, hint: 'write rate(<positive whole number> <minute|minutes|hour|hours|day|days>), e.g. rate(15 minutes)' };
    const value = Number(m[1]);
    const unit = m[2]!.replace(/s$/, '') as 'minute' | 'hour' | 'day';
    if (value < 1) return { message: `rate(${rate[1]}): the value must be 1 or more`, hint: 'e.g. rate(1 hour) or rate(30 minutes)' };
    if ((value === 1) !== !m[2]!.endsWith('s')) return { message: `rate(${rate[1]}): EventBridge Scheduler wants ${value === 1 ? `the singular unit (rate(1 ${unit}))` : `the plural unit (rate(${value} ${unit}s))`}`, hint: 'a value of 1 takes minute, hour or day; any other value minutes, hours or days' };
    return { kind: 'rate', value, unit };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (!cron) {
    if (/^at\(/.test(text)) return { message: `${expression} is a one-time schedule`, hint: 'a job repeats: write cron(...) or rate(...); for a one-off run use run: before-release or start the task by hand' };
    return { message: `${expression} is neither cron(...) nor rate(...)`, hint: 'write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *) for 03:00 every day, or rate(value unit), e.g. rate(1 hour)' };
  }
  const parts = cron[1]!.trim().split(/\s+/);
  if (parts.length !== 6) {
    return { message: `cron(${cron[1]}) has ${parts.length} field${parts.length === 1 ? '' : 's'}, EventBridge Scheduler wants 6`, hint: `minutes hours day-of-month month day-of-week year, e.g. cron(0 3 * * ? *)${parts.length === 5 ? ' (a Kubernetes or Unix cron has no year field: add * at the end and ? for day-of-month or day-of-week)' : ''}` };
  }
  const fields = Object.fromEntries(CRON_FIELDS.map((f, i) => [f, parts[i]!])) as Record<CronField, string>;
  for (const f of CRON_FIELDS) {
    const rule = RULES[f];
    if (!fields[f].split(',').every((p) => partValid(f, rule, p))) {
      const allowed = [`${rule.min}-${rule.max}`, ...(rule.names ? [`${rule.names[0]}-${rule.names[rule.names.length - 1]}`] : []), ', - * /', ...rule.extra].join(' ');
      return { message: `cron(${cron[1]}): ${fields[f]} is not a valid ${f} field`, hint: `${f} takes ${allowed}` };
    }
  }
  const dom = fields['day-of-month'];
  const dow = fields['day-of-week'];
  if ((dom === '?') === (dow === '?')) {
    return { message: `cron(${cron[1]}): ${dom === '?' ? 'both' : 'neither of'} day-of-month and day-of-week ${dom === '?' ? 'are' : 'is'} ?`, hint: 'exactly one of them is ?, e.g. cron(0 3 * * ? *) (every day) or cron(0 3 ? * MON *) (Mondays)' };
  }
  return { kind: 'cron', fields };
}

export const isScheduleError = <T extends object>(p: T | ScheduleError): p is ScheduleError => 'message' in p;

/** How many values one field matches, over its whole range (L, W and # count as one day). */
function fieldCount(field: CronField, text: string): number {
  const rule = RULES[field];
  if (text === '*' || text === '?') return rule.max - rule.min + 1;
  const hit = new Set<number>();
  let specials = 0;
  for (const part of text.split(',')) {
    if (/[LW#]/.test(part)) {
      specials += 1;
      continue;
    }
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = rule.min;
    let hi = rule.max;
    if (range !== '*') {
      const ends = range!.split('-').map((e) => valueOf(rule, e)!);
      lo = ends[0]!;
      hi = ends.length === 2 ? ends[1]! : stepText === undefined ? lo : rule.max;
    }
    for (let v = lo; v <= hi; v += step) hit.add(v);
  }
  return hit.size + specials;
}

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/**
 * Runs a month of a schedule, the documented approximation (docs/pricing.md "Jobs"): a rate is
 * the month's hours divided by its period; a cron is minutes × hours matched a day, times the days
 * a month it matches (day-of-month values as they are, day-of-week values × 365/12/7, every day
 * 365/12), times the share of months it matches. The year field is taken to include this year.
 */
export function runsPerMonth(p: ParsedSchedule): number {
  if (p.kind === 'rate') {
    const minutes = p.unit === 'minute' ? p.value : p.unit === 'hour' ? p.value * 60 : p.value * 1440;
    return (HOURS_PER_MONTH * 60) / minutes;
  }
  const f = p.fields;
  const perDay = fieldCount('minutes', f.minutes) * fieldCount('hours', f.hours);
  const days = f['day-of-month'] !== '?' ? (f['day-of-month'] === '*' ? DAYS_PER_MONTH : fieldCount('day-of-month', f['day-of-month'])) : f['day-of-week'] === '*' ? DAYS_PER_MONTH : (fieldCount('day-of-week', f['day-of-week']) * DAYS_PER_MONTH) / 7;
  return perDay * days * (fieldCount('month', f.month) / 12);
}

/** The same schedule as a Kubernetes CronJob's five-field cron, or why it has none. */
export function kubernetesCron(p: ParsedSchedule): { readonly cron: string } | ScheduleError {
  if (p.kind === 'rate') {
    const { value, unit } = p;
    if (unit === 'minute' && 60 % value === 0) return { cron: value === 1 ? '* * * * *' : `*/${value} * * * *` };
    if (unit === 'hour' && 24 % value === 0) return { cron: value === 1 ? '0 * * * *' : `0 */${value} * * *` };
    if (unit === 'day' && value === 1) return { cron: '0 0 * * *' };
    return { message: `rate(${value} ${unit}${value === 1 ? '' : 's'}) has no Kubernetes cron equivalent`, hint: 'on EKS use a rate that divides an hour (minutes) or a day (hours), rate(1 day), or a cron(...) expression' };
  }
  const f = p.fields;
  if (f.year !== '*') return { message: `cron(...) with year ${f.year}: a Kubernetes CronJob has no year field`, hint: 'on EKS write * for the year' };
  const special = [f['day-of-month'], f['day-of-week']].find((v) => /[LW#]/.test(v));
  if (special !== undefined) return { message: `cron(...) with ${special}: Kubernetes cron has no L, W or #`, hint: 'on EKS name the days explicitly (e.g. 28-31 or MON-FRI), or run the job on ECS' };
  // Day-of-week numbers: EventBridge counts 1-7 from Sunday, Kubernetes 0-6; names mean the same in both.
  const dow = f['day-of-week'] === '?' ? '*' : f['day-of-week'].replace(/(^|[,-])([0-9]+)/g, (_m, pre: string, n: string) => `${pre}${Number(n) - 1}`);
  const dom = f['day-of-month'] === '?' ? '*' : f['day-of-month'];
  return { cron: [f.minutes, f.hours, dom, f.month, dow].join(' ') };
}

/** Whether `zone` is an IANA time zone the runtime knows (its tz database, as EventBridge's and Kubernetes'). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
