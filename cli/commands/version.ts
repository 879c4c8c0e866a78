// `dex --version`: what a bug report needs in one line — the command's version, the npm package
// it came from, the dex.yaml language its schema describes, the date of the prices it plans with
// offline, and the plan.json shape it writes and reads as a baseline.
import { PLAN_JSON_FORMAT } from '../../emitters/plan-json.js';
import { packageManifest, schemaLanguageVersion } from '../adapters/assets.js';
import { readSnapshotFile } from '../adapters/snapshot.js';

export function versionLine(): string {
  const { name, version } = packageManifest();
  let prices: string;
  try {
    prices = `price snapshot ${readSnapshotFile().asOf}`;
  } catch {
    prices = 'price snapshot unreadable';
  }
  return `dex ${version} (package ${name}, schema ${schemaLanguageVersion()}, ${prices}, plan.json format ${PLAN_JSON_FORMAT})`;
}
