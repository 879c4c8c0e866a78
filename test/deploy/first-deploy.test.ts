// The first deploy from an empty AWS account, for every example and environment: the bootstrap
// script, then the release workflow (or, for a spec without a pipeline, the manual steps of
// docs/deploy.md), simulated over the emitted files (test/support/deploy-simulator.ts). Each
// stack's imports, the bucket a large template goes through, the images its services run, the
// secrets they read, the backup vaults their copies go to and the roles CI assumes must exist
// before the stack that needs them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../compiler/model/output.js';
import { simulateFirstDeploy } from '../support/deploy-simulator.js';
import { outTree } from '../support/out-tree.js';

const REFERENCE = 'examples/dex-mobile-v6/dex.yaml';
const LARGE = 'examples/large/dex.yaml';

/** The reference with staging and production in two accounts. */
const twoAccounts = (): string =>
  readFileSync(REFERENCE, 'utf8').replace(/^environments:\n {2}staging:\n/m, 'environments:\n  staging:\n    account: "111111111111"\n').replace(/^ {2}production:\n/m, '  production:\n    account: "222222222222"\n');

/** examples/large released by GitHub Actions instead of CodePipeline (same stages, regions, accounts). */
const largeOnGithub = (): string => readFileSync(LARGE, 'utf8').replace(/^ {2}provider: codepipeline.*$/m, '  provider: github-actions');

const cases: [string, () => EmittedFile[]][] = [
  ['the reference (one account, GitHub Actions)', () => outTree(REFERENCE)],
  ['the reference in two accounts', () => outTree('two-accounts.dex.yaml', twoAccounts())],
  ['examples/large (three environments, production-eu in eu-west-1) on GitHub Actions', () => outTree('large.dex.yaml', largeOnGithub())],
  ['examples/large as it is (CodePipeline, production-eu in eu-west-1)', () => outTree(LARGE)],
  ['examples/minimal (no pipeline: the manual steps of docs/deploy.md)', () => outTree('examples/minimal/dex.yaml')],
  ['examples/online-boutique (EKS, ECS and EC2, jobs before the release)', () => outTree('examples/online-boutique/dex.yaml')],
  ['examples/retail-store (Aurora, buckets, tables, queues, a domain; production in an imported VPC)', () => outTree('examples/retail-store/dex.yaml')],
];

describe('a first deploy from an empty account', () => {
  it.each(cases)('%s: every stack finds what it needs', (_name, tree) => {
    const result = simulateFirstDeploy({ files: tree(), defaultAccount: '123456789012' });
    expect(result.gap, result.log.slice(-5).join('\n')).toBeUndefined();
    expect(result.log.some((l) => l.startsWith('job ') || l.startsWith('stage ') || l.endsWith('deployed by hand'))).toBe(true);
  });

  it('the release stops at check-secrets for each placeholder secret, once, before any stack reads it', () => {
    const result = simulateFirstDeploy({ files: outTree(REFERENCE), defaultAccount: '123456789012' });
    expect(result.secretsSet).toEqual([
      '123456789012/ap-south-1: dex-mobile-v6-staging/blockchain-service/RPC_PROVIDER_KEYS',
      '123456789012/ap-south-1: dex-mobile-v6-staging/kyc-service/KYC_PROVIDER_API_KEY',
      '123456789012/ap-south-1: dex-mobile-v6-production/blockchain-service/RPC_PROVIDER_KEYS',
      '123456789012/ap-south-1: dex-mobile-v6-production/kyc-service/KYC_PROVIDER_API_KEY',
    ]);
  });

  it('deploys the second region of examples/large in eu-west-1, with its own bootstrap', () => {
    const result = simulateFirstDeploy({ files: outTree('large.dex.yaml', largeOnGithub()), defaultAccount: '123456789012' });
    expect(result.log).toContain('123456789012/eu-west-1: deployed acme-commerce-bootstrap-foundation');
    expect(result.log.filter((l) => l.startsWith('123456789012/eu-west-1: deployed acme-commerce-production-eu-')).length).toBeGreaterThan(3);
    expect(result.log.filter((l) => l.startsWith('123456789012/us-east-1: deployed acme-commerce-production-eu-'))).toEqual([]);
  });
});

describe('the simulation finds the gaps it is there for', () => {
  const tree = outTree(REFERENCE);
  const edit = (path: string, change: (text: string) => string): EmittedFile[] => tree.map((f) => (f.path === path ? { path: f.path, content: change(f.content) } : f));

  it('a bootstrap not deployed: CI cannot assume its role', () => {
    const result = simulateFirstDeploy({ files: edit('bootstrap/deploy.sh', (t) => t.replace(/^ {4}deploy .*foundation.*ap-south-1 inline$/m, '    :')) });
    // The registry imports the foundation's key: nothing exports it.
    expect(result.gap).toMatch(/dex-mobile-v6-bootstrap-delivery imports dex-mobile-v6-bootstrap:BootstrapKey:Arn, which no stack deployed before it/);
  });

  it('a large template with no bucket to go through', () => {
    // The foundation names its bucket differently: the release's security stack (over 51,200 bytes) finds none.
    const result = simulateFirstDeploy({
      files: edit('bootstrap/default/ap-south-1/cloudformation/dex-mobile-v6-bootstrap-foundation.yaml', (t) => t.replace('dex-mobile-v6-artifacts-${AWS::AccountId}', 'elsewhere-${AWS::AccountId}')),
    });
    expect(result.gap).toMatch(/^dex-mobile-v6-staging-security \(\d+ bytes\) needs the bucket dex-mobile-v6-artifacts-000000000000-ap-south-1/);
  });

  it('a cross-region backup copy with no vault in the copy region', () => {
    const result = simulateFirstDeploy({ files: edit('bootstrap/deploy.sh', (t) => t.replace(/^ {4}deploy .*ap-south-2 inline$/m, '    :')) });
    expect(result.gap).toMatch(/backup vault .* in ap-south-2, which does not exist/);
  });

  it('a migration task whose registry has no pull-through cache for its image', () => {
    const result = simulateFirstDeploy({
      files: edit('bootstrap/default/ap-south-1/cloudformation/dex-mobile-v6-bootstrap-delivery.yaml', (t) => t.replace('Type: AWS::ECR::PullThroughCacheRule', 'Type: AWS::ECR::RepositoryCreationTemplate')),
    });
    expect(result.gap).toMatch(/PostgresDatabaseMigrationTaskDefinition runs 000000000000\.dkr\.ecr\.ap-south-1\.amazonaws\.com\/ecr-public\/docker\/library\/postgres:16-alpine: repository ecr-public\/docker\/library\/postgres does not exist/);
  });

  it('a secret read before it has a value', () => {
    const result = simulateFirstDeploy({ files: edit('ci/.github/workflows/release.yml', (t) => t.replace(/^ +bash "\$RELEASE" check-secrets .*\n/gm, '')) });
    expect(result.gap).toMatch(/reads secret .*, which has no value yet/);
  });
});

describe('accounts', () => {
  it('DEX403: an environment without an account beside one with an account, at its key', async () => {
    const { analyzeSpec } = await import('../../pipeline/analyze.js');
    const text = readFileSync(REFERENCE, 'utf8').replace(/^ {2}production:\n/m, '  production:\n    account: "222222222222"\n');
    const a = analyzeSpec(new TextEncoder().encode(text), 'dex.yaml');
    const found = a.diagnostics.filter((d) => d.code === 'DEX403');
    expect(found.map((d) => `${d.line}:${d.col}`)).toEqual([`${text.split('\n').indexOf('  staging:') + 1}:3`]);
    // A top-level account gives staging one.
    const b = analyzeSpec(new TextEncoder().encode(text.replace(/^region: /m, 'account: "111111111111"\nregion: ')), 'dex.yaml');
    expect(b.diagnostics.filter((d) => d.code === 'DEX403')).toEqual([]);
  });
});

describe('the CodePipeline path', () => {
  it('finds a stage whose CodeBuild project is not in its region', () => {
    const tree = outTree(LARGE).map((f) =>
      f.path === 'bootstrap/default/eu-west-1/cloudformation/acme-commerce-bootstrap-delivery.yaml' ? { path: f.path, content: f.content.replace(/Name: acme-commerce-production-eu-deploy\n/, 'Name: somewhere-else\n') } : f,
    );
    expect(simulateFirstDeploy({ files: tree }).gap).toBe('stage production-eu: CodeBuild project acme-commerce-production-eu-deploy does not exist in eu-west-1');
  });
});
