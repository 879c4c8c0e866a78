// A Lambda function with inline code that dex emits for its own upkeep (secret rotation, the
// default security group's clean-up): its log group (the system's KMS key, the environment's
// retention), a role only Lambda in this account may assume, allowed the caller's statements and
// writing to that log group, and the function itself, logging there.
import { ID, getAtt, ref, resource, tagList } from '../compiler/model/ids.js';
import type { CfnValue, ModelResource, StackLayer } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';

export interface InlineFunction {
  readonly ids: { readonly logGroup: string; readonly role: string; readonly function: string };
  readonly layer: StackLayer;
  readonly component: string;
  readonly origin: readonly string[];
  /** Why its log group holds little: the basis of its (zero) log meters. */
  readonly logBasis: string;
  readonly roleDescription: string;
  readonly policyName: string;
  /** What the function may do, besides writing its own log group (added last). */
  readonly statements: readonly CfnValue[];
  readonly description: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly code: string;
}

/** The log group, the role and the function, in that order. */
export function inlineFunction(spec: NormalizedSpec, f: InlineFunction): ModelResource[] {
  const common = { layer: f.layer, component: f.component, origin: [...f.origin] };
  const tags = tagList(spec, f.component);
  return [
    resource({
      ...common,
      logicalId: f.ids.logGroup,
      type: 'AWS::Logs::LogGroup',
      properties: { KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: spec.monitoring.logs.retentionDays, Tags: tags },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: {}, basis: f.logBasis },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: f.logBasis },
      ],
    }),
    resource({
      ...common,
      logicalId: f.ids.role,
      type: 'AWS::IAM::Role',
      properties: {
        Description: f.roleDescription,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
        },
        Policies: [
          {
            PolicyName: f.policyName,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [...f.statements, { Sid: 'WriteOwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(f.ids.logGroup, 'Arn') }],
            },
          },
        ],
        Tags: tags,
      },
    }),
    resource({
      ...common,
      logicalId: f.ids.function,
      type: 'AWS::Lambda::Function',
      properties: {
        Description: f.description,
        Runtime: f.runtime,
        Handler: 'index.handler',
        Timeout: f.timeoutSeconds,
        MemorySize: 128,
        Role: getAtt(f.ids.role, 'Arn'),
        Code: { ZipFile: f.code },
        LoggingConfig: { LogGroup: ref(f.ids.logGroup) },
        Tags: tags,
      },
    }),
  ];
}
