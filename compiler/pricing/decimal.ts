// Exact decimal arithmetic for money: Price List prices are decimal strings, and rounding a
// float product to cents goes wrong at half-cents (730 × 0.0225 = 16.425 must be $16.43).
// A value is a BigInt scaled by 10^20, enough for per-request prices times large quantities.

const DIGITS = 20;
const ONE = 10n ** BigInt(DIGITS);

export type Decimal = bigint & { readonly __decimal: true };

/** Parses '0.0416000000', '730', '-1.5', '1e-7', 16666666. Throws on anything else. */
export function decimal(value: string | number): Decimal {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = /^(-)?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  let digits = `${m[2] ?? ''}${m[3] ?? ''}`;
  let point = (m[2] ?? '').length + Number(m[4] ?? 0); // position of the decimal point in `digits`
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const intPart = digits.slice(0, point) || '0';
  const fracPart = digits.slice(point);
  // Digits beyond 10^-20 are irrelevant to money and are truncated.
  const scaled = BigInt(intPart) * ONE + BigInt((fracPart.slice(0, DIGITS) || '0').padEnd(DIGITS, '0'));
  return (m[1] ? -scaled : scaled) as Decimal;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return String(n);
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return ((a * b) / ONE) as Decimal;
}

export function add(a: Decimal, b: Decimal): Decimal {
  return (a + b) as Decimal;
}

export function sub(a: Decimal, b: Decimal): Decimal {
  return (a - b) as Decimal;
}

export function min(a: Decimal, b: Decimal): Decimal {
  return a < b ? a : b;
}

export function max(a: Decimal, b: Decimal): Decimal {
  return a > b ? a : b;
}

export const ZERO = 0n as Decimal;

/** Rounds to whole cents, half away from zero (16.425 → 1643 cents). Returns cents. */
export function toCents(a: Decimal): bigint {
  const centUnit = ONE / 100n;
  const sign = a < 0n ? -1n : 1n;
  const abs = a < 0n ? -a : a;
  return sign * ((abs + centUnit / 2n) / centUnit);
}

export function centsToNumber(cents: bigint): number {
  return Number(cents) / 100;
}

/** '$1,234.50' style, from cents. */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Plain decimal text with trailing zeros dropped but at least two decimals: 0.0416, 0.60, 3.00. */
export function formatPrice(a: Decimal): string {
  const sign = a < 0n ? '-' : '';
  const abs = a < 0n ? -a : a;
  const frac = (abs % ONE).toString().padStart(DIGITS, '0').replace(/0+$/, '');
  return `${sign}${(abs / ONE).toString()}.${frac.length < 2 ? frac.padEnd(2, '0') : frac}`;
}

/** Quantity text with thousands separators and no trailing zeros: 730, 16,666,666, 0.5. */
export function formatQuantity(a: Decimal): string {
  const sign = a < 0n ? '-' : '';
  const abs = a < 0n ? -a : a;
  const whole = (abs / ONE).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (abs % ONE).toString().padStart(DIGITS, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

export function toNumber(a: Decimal): number {
  return Number(formatPrice(a));
}
