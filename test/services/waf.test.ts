// WAF large-body exemptions (ingress.waf.allowLargeBodies) on the reference spec: the common rule
// set's SizeRestrictions_BODY counted, the label rule and the Content-Length limit rule after it,
// what the rules decide for a request (a small interpreter of the emitted statements), the regex
// of "a number above N", pricing, the CloudFormation resource schema, and the PCI DSS exception.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { ID } from '../../compiler/model/ids.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { pathUnder } from '../../compiler/checks/waf.js';
import { pciWaf } from '../../compiler/compliance/rules/pci-dss.js';
import { evaluateCompliance } from '../../compiler/compliance/engine.js';
import type { NormalizedSpec, WafLargeBodyPath } from '../../spec/model.js';
import { alb } from '../../services/alb.js';
import { ALB_BODY_INSPECTION_LIMIT, LARGE_BODY_RULES, SIZE_RESTRICTIONS_BODY_LABEL, decimalAbove, waf } from '../../services/waf.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { AT_FIXED_DATE } from '../support/clock.js';

const FILE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const REFERENCE = readFileSync(FILE, 'utf8');

function analyzeText(text: string, environment = 'production') {
  return analyzeSpec(new TextEncoder().encode(text), FILE, { environment, today: AT_FIXED_DATE.today });
}

/** The reference with `lines` added under ingress.waf (YAML, indented 4). */
function withWaf(lines: string): string {
  const anchor = '    rateLimitPer5Min: 2000\n';
  expect(REFERENCE).toContain(anchor);
  return REFERENCE.replace(anchor, `${anchor}${lines}`);
}

function compile(text: string): NormalizedSpec {
  const analysis = analyzeText(text);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return analysis.compiled[0]!.spec;
}

function variant(spec: NormalizedSpec, allowLargeBodies: readonly WafLargeBodyPath[], managedRules = spec.ingress.waf.managedRules): NormalizedSpec {
  return { ...spec, ingress: { ...spec.ingress, waf: { ...spec.ingress.waf, managedRules, allowLargeBodies } } };
}

type Rule = { Name: string; Priority: number; Action?: CfnValue; OverrideAction?: CfnValue; Statement: Statement };
type Statement = Record<string, any>;

const webAcl = (spec: NormalizedSpec): ModelResource => waf.build(spec, AT_FIXED_DATE).find((r) => r.logicalId === ID.webAcl)!;
const rulesOf = (spec: NormalizedSpec): Rule[] => webAcl(spec).properties.Rules as Rule[];
const ruleNamed = (spec: NormalizedSpec, name: string): Rule | undefined => rulesOf(spec).find((r) => r.Name === name);
const ruleMeter = (spec: NormalizedSpec) => webAcl(spec).usage!.find((u) => u.meter === 'waf.rule')!;

const production = compile(REFERENCE);
const kyc = compile(withWaf('    allowLargeBodies:\n      - { path: /api/kyc/documents, maxBytes: 10485760 }\n'));

// --- A small interpreter of the statements dex emits -----------------------------------------

interface Request {
  readonly path: string;
  readonly bodyBytes: number;
  /** The Content-Length header as sent (undefined: none, e.g. a chunked upload). */
  readonly contentLength?: string;
}

/** WAF's NORMALIZE_PATH: collapse //, drop /./, resolve /../ (not above the start). */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}${path.endsWith('/') && out.length > 0 ? '/' : ''}`;
}

function transform(value: string, transformations: { Type: string }[]): string {
  return transformations.reduce((v, t) => (t.Type === 'NORMALIZE_PATH' ? normalizePath(v) : t.Type === 'NONE' ? v : expect.fail(`transformation ${t.Type} not modelled`)), value);
}

function field(request: Request, toMatch: Statement): string | undefined {
  if ('UriPath' in toMatch) return request.path;
  if (toMatch.SingleHeader?.Name === 'content-length') return request.contentLength;
  return expect.fail(`field ${JSON.stringify(toMatch)} not modelled`);
}

function matches(s: Statement, request: Request, labels: ReadonlySet<string>): boolean {
  if (s.AndStatement) return (s.AndStatement.Statements as Statement[]).every((x) => matches(x, request, labels));
  if (s.OrStatement) {
    expect(s.OrStatement.Statements.length).toBeGreaterThanOrEqual(2); // WAF refuses a one-statement OR
    return (s.OrStatement.Statements as Statement[]).some((x) => matches(x, request, labels));
  }
  if (s.NotStatement) return !matches(s.NotStatement.Statement, request, labels);
  if (s.LabelMatchStatement) return labels.has(s.LabelMatchStatement.Key);
  if (s.ByteMatchStatement) {
    const b = s.ByteMatchStatement;
    const value = field(request, b.FieldToMatch);
    if (value === undefined) return false;
    const v = transform(value, b.TextTransformations);
    return b.PositionalConstraint === 'EXACTLY' ? v === b.SearchString : b.PositionalConstraint === 'STARTS_WITH' ? v.startsWith(b.SearchString) : expect.fail(b.PositionalConstraint);
  }
  if (s.RegexMatchStatement) {
    const r = s.RegexMatchStatement;
    const value = field(request, r.FieldToMatch);
    return value !== undefined && new RegExp(r.RegexString).test(transform(value, r.TextTransformations));
  }
  return expect.fail(`statement ${Object.keys(s).join()} not modelled`);
}

/** Does the web ACL block the request on its body size? (The size rule's label stands for the managed group.) */
function blocksOnSize(spec: NormalizedSpec, request: Request): boolean {
  const labels = new Set(request.bodyBytes > ALB_BODY_INSPECTION_LIMIT ? [SIZE_RESTRICTIONS_BODY_LABEL] : []);
  const common = ruleNamed(spec, 'AWSManagedRulesCommonRuleSet')!;
  const overridden = ((common.Statement.ManagedRuleGroupStatement.RuleActionOverrides ?? []) as { Name: string; ActionToUse: CfnValue }[]).some((o) => o.Name === 'SizeRestrictions_BODY' && JSON.stringify(o.ActionToUse) === '{"Count":{}}');
  if (labels.size > 0 && !overridden) return true;
  return rulesOf(spec)
    .filter((r) => r.Name.startsWith('LargeBody'))
    .some((r) => JSON.stringify(r.Action) === '{"Block":{}}' && matches(r.Statement, request, labels));
}

/** What the spec means: the most specific listed path governs, with its maxBytes. */
function expectedBlock(paths: readonly WafLargeBodyPath[], request: Request): boolean {
  const large = request.bodyBytes > ALB_BODY_INSPECTION_LIMIT;
  const path = normalizePath(request.path);
  const covering = paths.filter((p) => pathUnder(path, p.path)).sort((a, b) => b.path.length - a.path.length);
  if (covering.length === 0) return large;
  const governing = covering[0]!;
  if (governing.maxBytes === undefined) return false;
  const declared = request.contentLength !== undefined && /^[0-9]+$/.test(request.contentLength) ? Number(request.contentLength) : undefined;
  if (declared !== undefined && declared > governing.maxBytes) return true;
  return large && declared === undefined;
}

// --- Generators --------------------------------------------------------------------------------

// A few short segments often, so that listed paths nest inside each other; any legal segment sometimes.
const segment = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a', 'b', 'kyc') }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,7}$/).filter((s) => s !== '.' && s !== '..') });
const allowedPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`);
const entry: fc.Arbitrary<WafLargeBodyPath> = fc.record({ path: allowedPath, maxBytes: fc.option(fc.integer({ min: 8193, max: 10737418240 }), { nil: undefined }) }, { requiredKeys: ['path'] }).map((e) => (e.maxBytes === undefined ? { path: e.path } : e));
const entries = fc.uniqueArray(entry, { minLength: 1, maxLength: 10, selector: (e) => e.path });

describe('without allowLargeBodies', () => {
  it('emits the managed groups untouched: no override, no large-body rule', () => {
    const common = ruleNamed(production, 'AWSManagedRulesCommonRuleSet')!;
    expect(common.Statement.ManagedRuleGroupStatement).toEqual({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    expect(rulesOf(production).filter((r) => r.Name.startsWith('LargeBody'))).toEqual([]);
    expect(blocksOnSize(production, { path: '/api/kyc/documents', bodyBytes: 9000, contentLength: '9000' })).toBe(true);
  });
});

describe('allowLargeBodies', () => {
  it('counts SizeRestrictions_BODY in the common group and blocks by label outside the paths, right after it', () => {
    const rules = rulesOf(kyc);
    expect(rules.map((r) => `${r.Priority} ${r.Name}`)).toEqual([
      '30 RateLimitPerIp',
      '40 AWSManagedRulesCommonRuleSet',
      `41 ${LARGE_BODY_RULES.outsidePaths}`,
      `42 ${LARGE_BODY_RULES.overLimit}`,
      '50 AWSManagedRulesKnownBadInputsRuleSet',
      '60 AWSManagedRulesSQLiRuleSet',
    ]);
    expect(ruleNamed(kyc, 'AWSManagedRulesCommonRuleSet')!.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    const outside = ruleNamed(kyc, LARGE_BODY_RULES.outsidePaths)!;
    expect(outside.Action).toEqual({ Block: {} });
    expect(outside.Statement.AndStatement.Statements[0]).toEqual({ LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } });
    expect(outside.Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements.map((s: Statement) => [s.ByteMatchStatement.PositionalConstraint, s.ByteMatchStatement.SearchString])).toEqual([
      ['EXACTLY', '/api/kyc/documents'],
      ['STARTS_WITH', '/api/kyc/documents/'],
    ]);
  });

  it('decides uploads as a platform engineer reads the spec', () => {
    const cases: [Request, boolean][] = [
      [{ path: '/api/kyc/documents', bodyBytes: 5_000_000, contentLength: '5000000' }, false],
      [{ path: '/api/kyc/documents/passport', bodyBytes: 5_000_000, contentLength: '5000000' }, false],
      [{ path: '/api/kyc/documents', bodyBytes: 20_000_000, contentLength: '20000000' }, true], // over maxBytes
      [{ path: '/api/kyc/documents', bodyBytes: 10485760, contentLength: '10485760' }, false], // exactly maxBytes
      [{ path: '/api/kyc/documents', bodyBytes: 10485761, contentLength: '010485761' }, true],
      [{ path: '/api/kyc/documents', bodyBytes: 5_000_000 }, true], // chunked: WAF cannot judge the size
      [{ path: '/api/kyc/documents', bodyBytes: 100 }, false], // small, chunked: within what WAF inspects
      [{ path: '/api/kyc/documents-old', bodyBytes: 9000, contentLength: '9000' }, true], // not below the path
      [{ path: '/api/kyc', bodyBytes: 9000, contentLength: '9000' }, true],
      [{ path: '/api/kyc/documents/../../blockchain/x', bodyBytes: 9000, contentLength: '9000' }, true], // normalised first
      [{ path: '/api/kyc//documents/x', bodyBytes: 9000, contentLength: '9000' }, false],
      [{ path: '/api/chart', bodyBytes: 8192, contentLength: '8192' }, false],
    ];
    for (const [request, blocked] of cases) expect(blocksOnSize(kyc, request), JSON.stringify(request)).toBe(blocked);
  });

  it('lets the most specific path govern: an inner path keeps its own limit, or none', () => {
    const paths = [{ path: '/api/kyc', maxBytes: 1_048_576 }, { path: '/api/kyc/documents', maxBytes: 10_485_760 }, { path: '/api/kyc/videos' }];
    const spec = variant(production, paths);
    expect(blocksOnSize(spec, { path: '/api/kyc/documents/x', bodyBytes: 5_000_000, contentLength: '5000000' })).toBe(false);
    expect(blocksOnSize(spec, { path: '/api/kyc/selfie', bodyBytes: 5_000_000, contentLength: '5000000' })).toBe(true);
    expect(blocksOnSize(spec, { path: '/api/kyc/videos/1', bodyBytes: 50_000_000 })).toBe(false);
    expect(blocksOnSize(spec, { path: '/api/kyc/videos/1', bodyBytes: 50_000_000, contentLength: '50000000' })).toBe(false);
  });

  it('every listed path appears in the emitted match statements, and the rules block exactly what the spec says (property)', () => {
    const request = (paths: readonly WafLargeBodyPath[]) =>
      fc.record({
        path: fc.oneof(fc.constantFrom(...paths.map((p) => p.path)), fc.constantFrom(...paths.map((p) => `${p.path}/x`)), fc.constantFrom(...paths.map((p) => `${p.path}x`)), allowedPath, fc.constantFrom(...paths.map((p) => `${p.path}/../..`))),
        bodyBytes: fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.integer({ min: 8193, max: 20_000_000_000 })),
        contentLength: fc.option(fc.oneof(fc.nat().map(String), fc.bigInt({ min: 0n, max: 99_999_999_999n }).map(String), fc.constant('abc')), { nil: undefined }),
      });
    fc.assert(
      fc.property(
        entries.chain((paths) => fc.tuple(fc.constant(paths), fc.array(request(paths), { minLength: 1, maxLength: 20 }))),
        ([paths, requests]) => {
          const spec = variant(production, paths);
          const text = JSON.stringify(ruleNamed(spec, LARGE_BODY_RULES.outsidePaths)!.Statement);
          const over = ruleNamed(spec, LARGE_BODY_RULES.overLimit);
          for (const p of paths) {
            expect(text).toContain(JSON.stringify(p.path));
            expect(text).toContain(JSON.stringify(`${p.path}/`));
            if (p.maxBytes !== undefined) expect(JSON.stringify(over!.Statement)).toContain(JSON.stringify(decimalAbove(p.maxBytes)));
          }
          expect(over === undefined).toBe(paths.every((p) => p.maxBytes === undefined));
          for (const r of requests) expect(blocksOnSize(spec, r), JSON.stringify(r)).toBe(expectedBlock(paths, r));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('relaxes nothing without the common group (the check warns, DEX341)', () => {
    const spec = variant(production, [{ path: '/api/kyc/documents' }], ['knownBadInputs', 'sqli']);
    expect(rulesOf(spec).map((r) => r.Name)).toEqual(['RateLimitPerIp', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet']);
  });

  it('prices the extra rules', () => {
    expect(ruleMeter(production).quantity).toEqual({ min: 4, max: 4 });
    expect(ruleMeter(kyc)).toMatchObject({ quantity: { min: 6, max: 6 }, basis: expect.stringContaining('2 large-body rules (/api/kyc/documents)') });
    expect(ruleMeter(variant(production, [{ path: '/api/kyc/documents' }])).quantity).toEqual({ min: 5, max: 5 });
  });

  it('passes the CloudFormation resource schema of AWS::WAFv2::WebACL, for any list of paths', () => {
    const template = (spec: NormalizedSpec) => ({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: Object.fromEntries([...alb.build(spec, AT_FIXED_DATE), ...waf.build(spec, AT_FIXED_DATE)].map((r) => [r.logicalId, { Type: r.type, Properties: r.properties }])),
    });
    const acl = (problems: { message?: string; path?: unknown }[]) => problems.filter((p) => JSON.stringify(p).includes('WebAcl'));
    expect(acl(validateTemplate(template(kyc)) as never)).toEqual([]);
    fc.assert(
      fc.property(entries, (paths) => {
        expect(acl(validateTemplate(template(variant(production, paths))) as never)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

describe('decimalAbove', () => {
  it('matches exactly the decimal numbers above the limit, leading zeros or not, within WAF regex limits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10737418240 }), fc.oneof(fc.integer({ min: 0, max: 10737418240 * 10 }), fc.integer({ min: -5, max: 5 })), fc.nat(3), (limit, delta, zeros) => {
        const value = Math.max(0, delta < 10 && delta > -10 ? limit + delta : delta);
        const regex = decimalAbove(limit);
        expect(regex.length).toBeLessThanOrEqual(512);
        expect(regex).not.toMatch(/\((?!\?:)/); // no capturing group: WAF refuses them
        expect(new RegExp(regex).test(`${'0'.repeat(zeros)}${value}`)).toBe(value > limit);
      }),
    );
    for (const notNumber of ['', 'abc', '1e9', '-1', ' 99999999999', '99999999999 ']) expect(new RegExp(decimalAbove(8193)).test(notNumber)).toBe(false);
  });
});

describe('validation and the compliance report', () => {
  it('lists each exempt path as a reviewed exception of PCI DSS 6.4.2, at its line', () => {
    const compiled = analyzeText(withWaf('    allowLargeBodies:\n      - { path: /api/kyc/documents, maxBytes: 10485760 }\n')).compiled[0]!;
    const result = evaluateCompliance({ spec: compiled.spec, model: compiled.model!, rules: [pciWaf] });
    expect(result.regimes).toContain('pci-dss');
    const exception = result.controls[0]!.checks.find((c) => c.message.startsWith('exception: /api/kyc/documents'))!;
    expect(result.controls[0]!.status).toBe('pass');
    expect(exception.evidence).toEqual([{ logicalId: ID.webAcl, type: 'AWS::WAFv2::WebACL', properties: { Rules: [LARGE_BODY_RULES.outsidePaths, LARGE_BODY_RULES.overLimit] } }]);
    expect(exception).toMatchObject({ ok: true, path: ['ingress', 'waf', 'allowLargeBodies', 0, 'path'] });
    expect(exception.message).toContain('WAF inspects only the first 8 KB');
  });

  it('refuses unsafe paths and sizes WAF limits make meaningless, at the value', () => {
    const bad: [string, string][] = [
      ['/api/kyc/*', 'DEX204'],
      ['api/kyc', 'DEX204'],
      ['"/api/kyc documents"', 'DEX204'],
      ['/api//kyc', 'DEX204'],
      ['/api/../admin', 'DEX204'],
      ['/api/./kyc', 'DEX204'],
      ['/api/kyc/', 'DEX204'],
      ['/', 'DEX204'],
    ];
    for (const [path, code] of bad) {
      const a = analyzeText(withWaf(`    allowLargeBodies:\n      - path: ${path}\n`));
      expect(a.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`), path).toEqual([`38:15 ${code}`]);
    }
    const small = analyzeText(withWaf('    allowLargeBodies:\n      - { path: /api/kyc/documents, maxBytes: 8192 }\n'));
    expect(small.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['38:47 DEX205']);
  });
});
