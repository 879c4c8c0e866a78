// Commitments: what a 1- or 3-year No Upfront reservation would cost for the always-on part of
// each resource — the scaling minimum, which runs every hour of the month — and the monthly saving
// against on-demand, per line and in total. Reserved rates are the Price List's own terms.Reserved
// (the effective hourly rate of the standard No Upfront offer), read from the same item as the
// on-demand price; a line without one says so, and is never a $0 saving.
//
// Only what AWS sells reservations for is reserved: EC2 instances (Reserved Instances), RDS
// instances and ElastiCache nodes. Fargate has no reservations (Compute Savings Plans cover it,
// and dex has no source for their rates); Spot capacity is not reserved.
import { decimal, mul, toCents, centsToNumber, formatCents, formatPrice, formatQuantity } from './decimal.js';
import type { LineItem } from './line-items.js';
import { parseUnit } from './units.js';

export const COMMITMENTS = ['ri-1y', 'ri-3y'] as const;
export type Commitment = (typeof COMMITMENTS)[number];

const LEASE: Readonly<Record<Commitment, '1yr' | '3yr'>> = { 'ri-1y': '1yr', 'ri-3y': '3yr' };
const YEARS: Readonly<Record<Commitment, string>> = { 'ri-1y': '1-year', 'ri-3y': '3-year' };

/** Meters AWS sells reservations for, and what the reservation is called. */
const RESERVABLE: Readonly<Record<string, string>> = {
  'ec2.instance': 'EC2 Reserved Instance',
  'rds.instance': 'RDS Reserved Instance',
  'elasticache.node': 'ElastiCache reserved node',
};
const SAVINGS_PLANS_ONLY = new Set(['fargate.vcpu', 'fargate.memory']);

export interface CommitmentLine {
  readonly resource: string;
  readonly layer: string;
  readonly meter: string;
  readonly service: string;
  readonly usageType: string;
  /** Hours a month at the scaling minimum: the part that runs all the time. */
  readonly alwaysOnHours: number;
  readonly onDemandMonthlyUsd: number;
  readonly reservedMonthlyUsd: number;
  readonly savingMonthlyUsd: number;
  /** The reservation's effective hourly rate. */
  readonly reservedUnitPriceUsd: number;
  readonly arithmetic: string;
}

/** A line the commitment cannot price, and why (never counted as a $0 saving). */
export interface CommitmentGap {
  readonly resource: string;
  readonly layer: string | undefined;
  readonly meter: string;
  readonly reason: string;
}

export interface CommitmentPlan {
  readonly commitment: Commitment;
  /** '1-year No Upfront standard reservation'. */
  readonly term: string;
  readonly lines: readonly CommitmentLine[];
  readonly gaps: readonly CommitmentGap[];
  readonly totals: { readonly onDemandMonthlyUsd: number; readonly reservedMonthlyUsd: number; readonly savingMonthlyUsd: number };
  /** The environment's totals with the reservations bought (the saving comes off both ends: the reserved part always runs). */
  readonly withCommitment: { readonly monthlyMin: number; readonly monthlyMax: number };
}

export interface CommitmentInput {
  readonly lineItems: readonly (LineItem & { readonly layer: string })[];
  readonly unpriced: readonly { readonly resource: string; readonly layer: string | undefined; readonly meter: string }[];
  readonly totals: { readonly monthlyMin: number; readonly monthlyMax: number };
  readonly region: string;
}

export function describeCommitment(c: Commitment): string {
  return `${YEARS[c]} No Upfront standard reservation`;
}

export function planCommitment(env: CommitmentInput, commitment: Commitment): CommitmentPlan {
  const lease = LEASE[commitment];
  const lines: CommitmentLine[] = [];
  const gaps: CommitmentGap[] = [];
  let onDemandCents = 0n;
  let reservedCents = 0n;
  const fargate = new Set<string>();
  for (const l of env.lineItems) {
    const gap = (reason: string, meter = l.meter) => gaps.push({ resource: l.resource, layer: l.layer, meter, reason });
    if (SAVINGS_PLANS_ONLY.has(l.meter)) {
      // One entry per resource: its vCPU and memory lines have the same answer.
      if (!fargate.has(l.resource)) gap('Fargate has no reservations: Compute Savings Plans cover it, and dex has no source for Savings Plans rates', 'fargate');
      fargate.add(l.resource);
      continue;
    }
    const what = RESERVABLE[l.meter];
    if (!what) continue;
    if (l.spot) {
      gap('Spot capacity is not reserved');
      continue;
    }
    const hours = parseUnit(l.quantityUnit);
    if (!hours || hours.dimension !== 'hours') continue;
    const alwaysOn = l.quantity.min * hours.scale;
    if (alwaysOn === 0) {
      gap('no always-on part: the scaling minimum is 0');
      continue;
    }
    const rate = l.reservedRates?.[lease];
    if (!rate || !parseUnit(rate.unit) || parseUnit(rate.unit)!.dimension !== 'hours') {
      const from = l.priceSource.source === 'live' ? 'the AWS Price List' : `the price snapshot of ${l.priceSource.asOf}`;
      gap(`no ${YEARS[commitment]} No Upfront ${what} price for ${l.usageType} in ${env.region} in ${from}, so no saving is shown${l.priceSource.source === 'live' ? '' : ' (dex plan --pricing live reads reservations from the Price List)'}`);
      continue;
    }
    const onDemand = BigInt(Math.round(l.monthlyUsd.min * 100));
    // The on-demand minimum is the always-on part: the same hours at the reserved rate.
    const reserved = toCents(mul(decimal(alwaysOn), decimal(rate.usdText)));
    onDemandCents += onDemand;
    reservedCents += reserved;
    lines.push({
      resource: l.resource,
      layer: l.layer,
      meter: l.meter,
      service: l.service,
      usageType: l.usageType,
      alwaysOnHours: alwaysOn,
      onDemandMonthlyUsd: centsToNumber(onDemand),
      reservedMonthlyUsd: centsToNumber(reserved),
      savingMonthlyUsd: centsToNumber(onDemand - reserved),
      reservedUnitPriceUsd: Number(formatPrice(decimal(rate.usdText))),
      arithmetic: `${formatQuantity(decimal(alwaysOn))} h × $${formatPrice(decimal(rate.usdText))}/h reserved = ${formatCents(reserved)} instead of ${formatCents(onDemand)} on-demand`,
    });
  }
  for (const u of env.unpriced) {
    if (RESERVABLE[u.meter]) gaps.push({ resource: u.resource, layer: u.layer, meter: u.meter, reason: 'its on-demand price is not known (unpriced), so no saving is shown' });
  }
  const saving = onDemandCents - reservedCents;
  const totalCents = (usd: number) => BigInt(Math.round(usd * 100));
  return {
    commitment,
    term: describeCommitment(commitment),
    lines,
    gaps,
    totals: { onDemandMonthlyUsd: centsToNumber(onDemandCents), reservedMonthlyUsd: centsToNumber(reservedCents), savingMonthlyUsd: centsToNumber(saving) },
    withCommitment: { monthlyMin: centsToNumber(totalCents(env.totals.monthlyMin) - saving), monthlyMax: centsToNumber(totalCents(env.totals.monthlyMax) - saving) },
  };
}
