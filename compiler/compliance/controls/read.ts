// Small readers the controls share: findings from resources, findings from the BASE-* rules'
// checks (so a control that checks what a baseline rule checks reuses it), IAM statements.
import type { CfnValue, ModelResource } from '../../model/types.js';
import type { Check } from '../types.js';
import { prop } from '../util.js';
import type { ControlFinding, ControlStatus } from './types.js';

export function finding(r: ModelResource, status: ControlStatus | boolean, message: string, properties: Record<string, unknown>): ControlFinding {
  return { status: typeof status === 'boolean' ? (status ? 'pass' : 'fail') : status, logicalId: r.logicalId, type: r.type, properties, message };
}

/** A BASE-* rule's checks as findings: one per resource its evidence names (the first is the subject). */
export function fromChecks(checks: readonly Check[], types?: readonly string[]): ControlFinding[] {
  const out: ControlFinding[] = [];
  for (const c of checks) {
    const subject = (c.evidence ?? []).find((e) => types === undefined || types.includes(e.type));
    if (subject === undefined) continue;
    out.push({ status: c.ok ? 'pass' : 'fail', logicalId: subject.logicalId, type: subject.type, properties: subject.properties, message: c.message });
  }
  return out;
}

/** A load balancer attribute's value (LoadBalancerAttributes Key/Value). */
export function lbAttribute(lb: ModelResource, key: string): CfnValue | undefined {
  return ((prop(lb, 'LoadBalancerAttributes') ?? []) as readonly { Key?: string; Value?: CfnValue }[]).find((a) => a.Key === key)?.Value;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Identity policy documents of a role (inline) or a managed policy, with a label for each. */
export function policyDocuments(r: ModelResource): { readonly name: string; readonly statements: readonly Statement[] }[] {
  if (r.type === 'AWS::IAM::ManagedPolicy') return [{ name: String(prop(r, 'ManagedPolicyName') ?? r.logicalId), statements: ((prop(r, 'PolicyDocument', 'Statement') ?? []) as unknown as Statement[]) }];
  if (r.type === 'AWS::IAM::Role') {
    return ((prop(r, 'Policies') ?? []) as unknown as { PolicyName?: string; PolicyDocument?: { Statement?: Statement[] } }[]).map((p) => ({ name: String(p.PolicyName ?? ''), statements: p.PolicyDocument?.Statement ?? [] }));
  }
  return [];
}

export const actions = (s: Statement): string[] => [s.Action ?? []].flat() as string[];
export const resources = (s: Statement): unknown[] => [s.Resource ?? []].flat();

/** The logical ID a { Ref } or { Fn::GetAtt } names. */
export function target(v: CfnValue | undefined): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, CfnValue>;
  if (typeof o.Ref === 'string') return o.Ref;
  const att = o['Fn::GetAtt'];
  return Array.isArray(att) && typeof att[0] === 'string' ? att[0] : undefined;
}
