// Rules that read only the resource model: dex always emits what they require, so no dex.yaml
// can break them. Each entry breaks the model of a satisfying fixture the way a regressed
// building block would, and says where the finding must land.
import type { ModelResource, ResourceModel } from '../../compiler/model/types.js';

type Mutate = (r: ModelResource) => ModelResource | undefined;

const set = (type: string, logicalId: string | undefined, patch: (p: Record<string, unknown>) => Record<string, unknown>): Mutate => (r) =>
  r.type === type && (logicalId === undefined || r.logicalId === logicalId) ? { ...r, properties: patch(structuredClone(r.properties) as Record<string, unknown>) as ModelResource['properties'] } : r;

export function mutate(model: ResourceModel, ...fns: Mutate[]): ResourceModel {
  let resources = [...model.resources];
  for (const fn of fns) resources = resources.map(fn).filter((r): r is ModelResource => r !== undefined);
  return { ...model, resources };
}

/**
 * [rule, fixture, how the model is broken, expected `line:col severity code` in production]. A finding
 * lands at the spec node the resource comes from (the database at `db:`, the listeners at
 * `ingress.tls`, the bastion's template at `network.bastion`, the service's log group at `api:`),
 * or at its nearest ancestor in the file (`network:` for the database subnets' routes).
 */
export const MODEL_BREAKS: readonly [rule: string, fixture: string, breakIt: Mutate[], expected: string[]][] = [
  ['SOC2-CC7.2-AUDIT-TRAIL', 'soc2.pass', [(r) => (r.type === 'AWS::CloudTrail::Trail' ? undefined : r)], ['2:1 error DEX600']],
  ['BASE-ENCRYPTION-AT-REST', 'baseline.pass', [set('AWS::RDS::DBInstance', 'DbDatabase', (p) => ({ ...p, StorageEncrypted: false }))], ['14:7 error DEX600']],
  ['BASE-ENCRYPTION-IN-TRANSIT', 'baseline.pass', [set('AWS::ElasticLoadBalancingV2::Listener', 'HttpListener', (p) => ({ ...p, DefaultActions: [{ Type: 'forward', TargetGroupArn: 'x' }] }))], ['9:8 error DEX600']],
  ['BASE-TLS12', 'baseline.pass', [set('AWS::ElasticLoadBalancingV2::Listener', 'HttpsListener', (p) => ({ ...p, SslPolicy: 'ELBSecurityPolicy-2016-08' }))], ['9:3 error DEX600']],
  ['BASE-NO-PUBLIC-DATA-STORES', 'baseline.pass', [set('AWS::RDS::DBInstance', 'DbDatabase', (p) => ({ ...p, PubliclyAccessible: true }))], ['14:7 error DEX600']],
  ['BASE-IMDSV2', 'baseline.pass', [set('AWS::EC2::LaunchTemplate', 'BastionHostLaunchTemplate', (p) => ({ ...p, LaunchTemplateData: { ...(p.LaunchTemplateData as object), MetadataOptions: { HttpTokens: 'optional' } } }))], ['6:12 error DEX600']],
  ['BASE-IMDSV2', 'baseline.pass', [set('AWS::EC2::LaunchTemplate', 'BastionHostLaunchTemplate', (p) => ({ ...p, LaunchTemplateData: { ...(p.LaunchTemplateData as object), MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } } }))], ['6:12 error DEX600']],
  // ECS Exec turned on by a regressed block without the cluster's session logging and encryption.
  ['BASE-ECS-EXEC', 'baseline.pass', [set('AWS::ECS::Service', 'ApiEcsService', (p) => ({ ...p, EnableExecuteCommand: true }))], ['12:8 error DEX600']],
  // A regressed job block: the scheduled task with a public IP, or its scheduler role holding more than RunTask.
  ['BASE-SCHEDULED-JOBS', 'jobs.pass', [set('AWS::Scheduler::Schedule', 'ReportSchedule', (p) => ({ ...p, Target: { ...(p.Target as object), EcsParameters: { ...((p.Target as { EcsParameters: object }).EcsParameters), NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED', Subnets: [] } } } } }))], ['14:50 error DEX600']],
  ['BASE-SCHEDULED-JOBS', 'jobs.pass', [set('AWS::IAM::Role', 'ReportSchedulerRole', (p) => ({ ...p, Policies: [{ PolicyName: 'run-job', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ecs:RunTask', 'ecs:StopTask'], Resource: '*' }] } }] }))], ['14:50 error DEX600']],
  ['BASE-NON-ROOT-CONTAINERS', 'baseline.pass', [set('AWS::ECS::TaskDefinition', 'ApiTaskDefinition', (p) => ({ ...p, ContainerDefinitions: (p.ContainerDefinitions as Record<string, unknown>[]).map(({ User: _user, ...c }) => c) }))], ['12:8 error DEX600']],
  // A regressed block that leaves the root file system writable for a service that gave no reason.
  ['BASE-HARDENED-CONTAINERS', 'baseline.pass', [set('AWS::ECS::TaskDefinition', 'ApiTaskDefinition', (p) => ({ ...p, ContainerDefinitions: (p.ContainerDefinitions as Record<string, unknown>[]).map((c) => ({ ...c, ReadonlyRootFilesystem: false })) }))], ['12:8 error DEX600']],
  ['BASE-DEFAULT-SG-CLOSED', 'baseline.pass', [(r) => (r.type === 'Custom::RestrictDefaultSecurityGroup' ? undefined : r)], ['5:1 error DEX600']],
  ['BASE-LOG-RETENTION', 'baseline.pass', [set('AWS::Logs::LogGroup', 'ApiLogGroup', (p) => ({ ...p, RetentionInDays: undefined }))], ['12:8 error DEX600']],
  ['PCI-DSS-3.5.1', 'pci-dss.pass', [set('AWS::Logs::LogGroup', 'ApiLogGroup', (p) => ({ ...p, KmsKeyId: 'arn:aws:kms:ap-south-1:123456789012:alias/aws/logs' }))], ['12:8 error DEX600']],
  ['PCI-DSS-1.4.4', 'pci-dss.pass', [set('AWS::EC2::Route', 'PublicDefaultRoute', (p) => ({ ...p, RouteTableId: { Ref: 'DatabaseRouteTable' } }))], ['5:1 error DEX600']],
  ['BASE-EKS-CAPACITY', 'eks-capacity.pass', [set('AWS::SQS::Queue', 'KarpenterInterruptionQueue', (p) => ({ ...p, SqsManagedSseEnabled: false }))], ['13:7 error DEX600']],
  ['BASE-EKS-CAPACITY', 'eks-capacity.pass', [set('AWS::IAM::Role', 'EksFargatePodExecutionRole', (p) => ({ ...p, ManagedPolicyArns: [...(p.ManagedPolicyArns as unknown[]), 'arn:aws:iam::aws:policy/AdministratorAccess'] }))], ['16:7 error DEX600']],
  ['BASE-IAM-LEAST-PRIVILEGE', 'baseline.pass', [set('AWS::IAM::Role', 'ApiRole', (p) => ({ ...p, PermissionsBoundary: undefined }))], ['12:8 error DEX600']],
  // A regressed messaging block that forgets the topic's TLS-only policy: the finding lands at the topic.
  ['BASE-MESSAGING-TLS-ONLY', 'base-messaging.pass', [(r) => (r.type === 'AWS::SNS::TopicPolicy' ? undefined : r)], ['16:11 error DEX600']],
  ['GDPR-32-ENCRYPTION', 'gdpr.pass', [set('AWS::RDS::DBInstance', 'DbDatabase', (p) => ({ ...p, StorageEncrypted: false }))], ['14:7 error DEX600']],
];
