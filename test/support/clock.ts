// A fixed date for tests, so what depends on the day (EKS standard or extended support) does not
// change with the day the suite runs: the price snapshot's date.
import type { BuildContext, Clock } from '../../compiler/model/types.js';

export const FIXED_DATE = '2026-11-24T00:00:00Z';
export const fixedClock: Clock = () => new Date(FIXED_DATE);
export const AT_FIXED_DATE: BuildContext = { today: fixedClock };
