// Over every example and every environment, as emitted: each template passes the CloudFormation
// resource schemas, the stacks' imports match earlier exports, and each secure default holds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import { analysisBootstraps, compileBootstrapEmit } from '../../pipeline/bootstrap.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { fixedClock } from '../support/clock.js';
import { ALL_SPECS } from '../support/specs.js';

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
interface Emitted {
  readonly label: string;
  readonly stacks: { name: string; template: { Resources: Record<string, Resource> } }[];
}

const specs = ALL_SPECS;
const emitted: Emitted[] = specs.flatMap((file) => {
  const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock });
  if (!analysis.ok) throw new Error(`${file} is invalid`);
  const envs = emitTargets(analysis).map((compiled) => {
    const output = compileEmit(compiled, { specFile: file });
    const stacks = output.plan.stacks.map((stack) => {
      const text = output.files.find((f) => f.path.endsWith(`${stack.name}.yaml`))!.content;
      return { name: stack.name, template: parse(text) as Emitted['stacks'][number]['template'] };
    });
    return { label: `${file} (${output.environment})`, stacks };
  });
  // The bootstraps (repositories, CI roles, artifacts bucket, backup vaults) are held to the same defaults.
  const boot = compileBootstrapEmit(analysisBootstraps(analysis), file);
  const bootstraps = analysisBootstraps(analysis).map((b) => ({
    label: `${file} (bootstrap ${b.target.account ?? 'default'}/${b.target.region})`,
    stacks: b.plan.stacks.map((stack) => ({ name: stack.name, template: parse(boot.find((f) => f.path.endsWith(`/${stack.name}.yaml`) && f.path.includes(`/${b.target.region}/`))!.content) as Emitted['stacks'][number]['template'] })),
  }));
  return [...envs, ...bootstraps];
});

describe('the examples exercise every secure default', () => {
  it('emit each kind of resource checked below somewhere', () => {
    const types = new Set(emitted.flatMap((e) => resources(e).map(([, r]) => r.Type)));
    for (const type of ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::EC2::LaunchTemplate', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::SNS::Topic', 'AWS::ECR::Repository', 'AWS::EKS::Cluster', 'AWS::KMS::Key', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ECS::Service', 'AWS::EC2::SecurityGroupIngress']) {
      expect(types, type).toContain(type);
    }
    expect(emitted.some((e) => resources(e, 'AWS::RDS::DBInstance').some(([, r]) => r.Properties!.SourceDBInstanceIdentifier))).toBe(true);
  });
});

function resources(e: Emitted, type?: string): [string, Resource][] {
  return e.stacks.flatMap((s) => Object.entries(s.template.Resources)).filter(([, r]) => !type || r.Type === type);
}

describe.each(emitted.map((e) => [e.label, e] as const))('%s', (_label, e) => {
  it('passes the CloudFormation resource schemas, template limits and cross-stack imports', () => {
    const problems = e.stacks.flatMap((s) => validateTemplate(s.template).map((p) => `${s.name}: ${p.path}: ${p.message}`));
    problems.push(...validateStackSet(e.stacks).map((p) => `${p.path}: ${p.message}`));
    expect(problems).toEqual([]);
  });

  it('opens nothing to the internet but the load balancer on 80 and 443', () => {
    const open: string[] = [];
    const check = (id: string, rule: Record<string, unknown>, groupId: unknown) => {
      if (rule.CidrIp !== '0.0.0.0/0' && rule.CidrIpv6 !== '::/0') return;
      const alb = JSON.stringify(groupId ?? '').includes('AlbSecurityGroup') || id === 'AlbSecurityGroup';
      if (!(alb && (rule.FromPort === 443 || rule.FromPort === 80) && rule.FromPort === rule.ToPort)) open.push(`${id}: ${JSON.stringify(rule)}`);
    };
    for (const [id, r] of resources(e, 'AWS::EC2::SecurityGroupIngress')) check(id, r.Properties!, r.Properties!.GroupId);
    for (const [id, r] of resources(e, 'AWS::EC2::SecurityGroup')) for (const rule of (r.Properties!.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? []) check(id, rule, id);
    expect(open).toEqual([]);
  });

  it('keeps data stores private, encrypted, protected and snapshotted', () => {
    for (const [id, r] of resources(e, 'AWS::RDS::DBCluster')) {
      // Aurora: the cluster holds the data, so encryption, protection and the snapshot are its own.
      expect(r.Properties, id).toMatchObject({ StorageEncrypted: true, DeletionProtection: true, EnableIAMDatabaseAuthentication: true, ManageMasterUserPassword: true });
      expect(r.Properties!.KmsKeyId, id).toBeDefined();
      expect(r, id).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    }
    for (const [id, r] of resources(e, 'AWS::RDS::DBInstance')) {
      expect(r.Properties!.PubliclyAccessible, id).toBe(false);
      if (r.Properties!.DBClusterIdentifier) continue; // an Aurora instance: checked as its cluster above
      expect(r.Properties!.KmsKeyId, id).toBeDefined();
      // A replica inherits encryption from its source, which is checked here too.
      if (!r.Properties!.SourceDBInstanceIdentifier) {
        expect(r.Properties!.StorageEncrypted, id).toBe(true);
        expect(r, id).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
        expect(r.Properties!.DeletionProtection, id).toBe(true);
      }
    }
    for (const [id, r] of resources(e, 'AWS::ElastiCache::ReplicationGroup')) {
      expect(r.Properties, id).toMatchObject({ AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true });
      expect(r.Properties!.KmsKeyId, id).toBeDefined();
      // Sign-in required: a user group (IAM users, the default user off) or, on Redis 6, an AUTH token.
      expect(r.Properties!.AuthToken ?? r.Properties!.UserGroupIds, id).toBeDefined();
      expect(r.Properties!.AuthToken !== undefined && r.Properties!.UserGroupIds !== undefined, id).toBe(false);
    }
    for (const [id, r] of resources(e, 'AWS::ElastiCache::User')) {
      const p = r.Properties as { UserName: string; UserId: string; AccessString: string; AuthenticationMode: { Type: string } };
      if (p.UserName === 'default') expect(p, id).toMatchObject({ AccessString: 'off -@all', AuthenticationMode: { Type: 'password' } });
      else expect(p, id).toMatchObject({ UserName: p.UserId, AuthenticationMode: { Type: 'iam' } });
    }
  });

  it('requires IMDSv2 and encrypted volumes on every launch template', () => {
    const templates = resources(e, 'AWS::EC2::LaunchTemplate');
    for (const [id, r] of templates) {
      const data = r.Properties!.LaunchTemplateData as Record<string, any>;
      expect(data.MetadataOptions?.HttpTokens, id).toBe('required');
      for (const mapping of data.BlockDeviceMappings ?? []) expect(mapping.Ebs?.Encrypted, id).toBe(true);
    }
    expect(resources(e, 'AWS::EC2::Instance').filter(([, r]) => !r.Properties?.LaunchTemplate)).toEqual([]);
  });

  it('encrypts logs, secrets, topics, images and Kubernetes secrets with the customer-managed key', () => {
    for (const [id, r] of resources(e, 'AWS::Logs::LogGroup')) {
      expect(r.Properties!.KmsKeyId, id).toBeDefined();
      expect(r.Properties!.RetentionInDays, id).toBeGreaterThan(0);
    }
    for (const [id, r] of resources(e, 'AWS::SecretsManager::Secret')) expect(r.Properties!.KmsKeyId, id).toBeDefined();
    for (const [id, r] of resources(e, 'AWS::SNS::Topic')) expect(r.Properties!.KmsMasterKeyId, id).toBeDefined();
    for (const [id, r] of resources(e, 'AWS::ECR::Repository')) {
      expect(r.Properties, id).toMatchObject({ ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: { ScanOnPush: true }, EncryptionConfiguration: { EncryptionType: 'KMS' } });
    }
    for (const [id, r] of resources(e, 'AWS::EKS::Cluster')) expect(r.Properties!.EncryptionConfig, id).toBeDefined();
    for (const [id, r] of resources(e, 'AWS::KMS::Key')) expect(r.Properties!.EnableKeyRotation, id).toBe(true);
  });

  it('serves HTTPS with TLS 1.2 or newer and only redirects plain HTTP', () => {
    for (const [id, r] of resources(e, 'AWS::ElasticLoadBalancingV2::Listener')) {
      const p = r.Properties!;
      if (p.Protocol === 'HTTPS') expect(String(p.SslPolicy), id).toMatch(/^ELBSecurityPolicy-TLS13-1-[23]-2021-06$/);
      else if (p.Port === 80) expect((p.DefaultActions as { Type: string }[])[0]!.Type, id).toBe('redirect');
    }
  });

  it('runs no service task or instance with a public address', () => {
    for (const [id, r] of resources(e, 'AWS::ECS::Service')) {
      expect((r.Properties!.NetworkConfiguration as any)?.AwsvpcConfiguration?.AssignPublicIp, id).toBe('DISABLED');
    }
    for (const [id, r] of resources(e, 'AWS::EC2::Subnet')) expect(r.Properties!.MapPublicIpOnLaunch ?? false, id).toBe(false);
  });
});
