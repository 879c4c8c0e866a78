// The baseline reader of `dex plan --against` and `dex report --against`, set up from the command
// line and the environment in one place: the CloudFormation endpoint, credentials, deadlines and
// time budget, and the progress line while stacks are read.
import { awsTimeouts, envMilliseconds } from './adapters/aws-sdk.js';
import { baselineReader, STACK_BUDGET_MS } from './adapters/baselines.js';
import { envCredentials } from './adapters/live-pricing.js';
import type { CliIO } from './io.js';
import { progress } from './progress.js';

export function commandBaselineReader(io: CliIO, options: { readonly outDir: string; readonly specAbsolute: string; readonly region?: string; readonly profile?: string }): ReturnType<typeof baselineReader> {
  const credentials = envCredentials(io.env);
  return baselineReader({
    cwd: io.cwd,
    outDir: options.outDir,
    specAbsolute: options.specAbsolute,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(io.env.DEX_CLOUDFORMATION_ENDPOINT ? { endpoint: io.env.DEX_CLOUDFORMATION_ENDPOINT } : {}),
    ...(credentials ? { credentials } : {}),
    timeouts: awsTimeouts(io.env),
    budgetMs: envMilliseconds(io.env, 'DEX_CLOUDFORMATION_BUDGET_MS', STACK_BUDGET_MS),
    progress: progress(io, 'reading stacks'),
  });
}
