// EFS volumes (issue 15, "Ports and sizes"), on test/fixtures/volumes/volumes.dex.yaml: the file
// system and its secure defaults, the access points, NFS reachable only from the mounting
// services, the grants on each role, the mounts on ECS, EKS (CSI driver, PV/PVC) and EC2 (efs-utils),
// the templates and manifests against their schemas, DEX820–DEX827 located, pricing, compliance.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { priceMeters } from '../../compiler/pricing/line-items.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { evaluateCompliance } from '../../compiler/compliance/engine.js';
import { COMPLIANCE_RULES } from '../../pipeline/registries.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { schemaErrors } from '../support/k8s-schemas.js';

const FILE = 'test/fixtures/volumes/volumes.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const analyzed = (text: string, environment?: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock, ...(environment ? { environment } : {}) });
const compiled = (a: Analysis, env = 'production') => a.compiled.find((c) => c.environment === env)!;
const resources = (a: Analysis, env?: string) => compiled(a, env).model!.resources;
const byId = (a: Analysis, id: string, env?: string): Obj => {
  const r = resources(a, env).find((x) => x.logicalId === id);
  if (!r) throw new Error(`no ${id}`);
  return r as Obj;
};
const replace = (from: string, to: string, text = TEXT): string => {
  if (!text.includes(from)) throw new Error(`no ${from}`);
  return text.replace(from, to);
};
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line} ${d.severity} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const ref = (id: string) => ({ Ref: id });
const att = (id: string, a: string) => ({ 'Fn::GetAtt': [id, a] });

const production = analyzed(TEXT, 'production');

describe('the fixture', () => {
  it('is valid: no error or warning in any environment', () => {
    expect(analyzed(TEXT).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});

describe('a file system', () => {
  const fs = byId(production, 'SharedMediaFileSystem');

  it('is encrypted with the environment key, backed up in production, moves idle files to IA, and is retained there', () => {
    expect(fs.type).toBe('AWS::EFS::FileSystem');
    expect(fs.layer).toBe('data');
    expect(fs.properties).toMatchObject({ Encrypted: true, KmsKeyId: att('KmsKey', 'Arn'), BackupPolicy: { Status: 'ENABLED' }, LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }] });
    expect(fs.deletionPolicy).toBe('Retain');
    expect(byId(analyzed(TEXT, 'staging'), 'SharedMediaFileSystem', 'staging').properties.BackupPolicy).toEqual({ Status: 'DISABLED' });
    expect(byId(production, 'ArchiveFileSystem').properties.BackupPolicy).toEqual({ Status: 'DISABLED' });
  });

  it('denies every client operation without TLS and every one not through an access point', () => {
    const denies = fs.properties.FileSystemPolicy.Statement as Obj[];
    expect(denies.map((s) => [s.Sid, s.Effect, s.Condition])).toEqual([
      ['DenyWithoutTls', 'Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
      ['DenyWithoutAccessPoint', 'Deny', { Null: { 'elasticfilesystem:AccessPointArn': 'true' } }],
    ]);
    for (const s of denies) expect(s.Action).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite']);
  });

  it('has a mount target in each private subnet behind its own group, which only the mounting services reach on 2049', () => {
    const targets = resources(production).filter((r) => r.type === 'AWS::EFS::MountTarget' && r.logicalId.startsWith('SharedMedia'));
    expect(targets.map((t) => t.properties.SubnetId)).toEqual([ref('PrivateSubnetA'), ref('PrivateSubnetB'), ref('PrivateSubnetC')]);
    for (const t of targets) expect(t.properties.SecurityGroups).toEqual([att('SharedMediaFileSystemSecurityGroup', 'GroupId')]);
    const ingress = resources(production).filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && (r.properties.GroupId as Obj)['Fn::GetAtt'][0] === 'SharedMediaFileSystemSecurityGroup');
    expect(ingress.map((r) => [(r.properties.SourceSecurityGroupId as Obj)['Fn::GetAtt'][0], r.properties.FromPort, r.properties.ToPort])).toEqual([
      ['ArchiverSecurityGroup', 2049, 2049],
      ['EksNodeSecurityGroup', 2049, 2049],
      ['UploaderSecurityGroup', 2049, 2049],
    ]);
    expect(byId(production, 'SharedMediaFileSystemSecurityGroup').properties.SecurityGroupEgress).toEqual([expect.objectContaining({ Description: 'Disallow all traffic' })]);
    // The archive is mounted by the archiver alone.
    expect(resources(production).filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && (r.properties.GroupId as Obj)['Fn::GetAtt'][0] === 'ArchiveFileSystemSecurityGroup')).toHaveLength(1);
  });

  it('gives each mounting service its own access point: its directory and POSIX user, never root', () => {
    expect(byId(production, 'SharedMediaFileSystemUploaderAccessPoint').properties).toMatchObject({
      FileSystemId: ref('SharedMediaFileSystem'),
      PosixUser: { Uid: '10001', Gid: '10001' },
      RootDirectory: { Path: '/media', CreationInfo: { OwnerUid: '10001', OwnerGid: '10001', Permissions: '750' } },
    });
    // The default directory is the service's name.
    expect(byId(production, 'ArchiveFileSystemArchiverAccessPoint').properties.RootDirectory.Path).toBe('/archiver');
    const custom = analyzed(replace('accessPoint: { path: /media } }\n  thumbnailer', 'accessPoint: { path: /media, uid: 2000, gid: 3000 } }\n  thumbnailer').replace(/readOnly: true, accessPoint: \{ path: \/media \}/g, 'readOnly: true, accessPoint: { path: /media, uid: 2000, gid: 3000 }'), 'production');
    expect(byId(custom, 'SharedMediaFileSystemUploaderAccessPoint').properties.PosixUser).toEqual({ Uid: '2000', Gid: '3000' });
  });
});

describe('who may mount', () => {
  it('an ECS or EC2 role mounts only its own access points, writing only where it is not read-only', () => {
    const grant = (service: string) => byId(production, `${service}VolumesPolicy`).properties as Obj;
    expect(grant('Uploader').Roles).toEqual([ref('UploaderRole')]);
    expect(grant('Uploader').PolicyDocument.Statement).toEqual([
      {
        Sid: 'MountSharedMediaFileSystemUploaderAccessPoint',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: att('SharedMediaFileSystem', 'Arn'),
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': att('SharedMediaFileSystemUploaderAccessPoint', 'Arn') } },
      },
    ]);
    expect((grant('Archiver').PolicyDocument.Statement as Obj[]).map((s) => [s.Resource, s.Action])).toEqual([
      [att('SharedMediaFileSystem', 'Arn'), ['elasticfilesystem:ClientMount']],
      [att('ArchiveFileSystem', 'Arn'), ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']],
    ]);
    expect(resources(production).some((r) => r.logicalId === 'ThumbnailerVolumesPolicy')).toBe(false);
  });

  it('on EKS the CSI driver add-on mounts, as its own IRSA role with the EKS services\' grants', () => {
    const addon = byId(production, 'EksAddonAwsEfsCsiDriver');
    expect(addon.properties).toMatchObject({ AddonName: 'aws-efs-csi-driver', ServiceAccountRoleArn: att('EksEfsCsiDriverIrsa', 'Arn') });
    const role = byId(production, 'EksEfsCsiDriverIrsa').properties;
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('[\\"system:serviceaccount:kube-system:efs-csi-controller-sa\\",\\"system:serviceaccount:kube-system:efs-csi-node-sa\\"]');
    const statements = role.Policies[0].PolicyDocument.Statement as Obj[];
    expect(statements.map((s) => s.Sid)).toEqual(['Describe', 'MountSharedMediaFileSystemThumbnailerAccessPoint']);
    expect(statements[1]!.Action).toEqual(['elasticfilesystem:ClientMount']);
  });

  it('a spec without volumes gets no add-on, role or file system', () => {
    const none = analyzed(TEXT.replace(/    volumes:\n(      - .*\n)+/g, '').replace(/fileSystems:\n(  .*\n)+/, '').replace(/usage:\n  fileSystems: .*\n/, ''), 'production');
    expect(none.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(resources(none).filter((r) => /EFS|Efs|FileSystem|Volumes/.test(r.type + r.logicalId))).toEqual([]);
  });
});

describe('the mounts', () => {
  it('ECS: an EFS volume through the access point with TLS and IAM, mounted at the path', () => {
    const td = byId(production, 'UploaderTaskDefinition').properties;
    expect(td.Volumes).toEqual([
      { Name: 'tmp' },
      { Name: 'efs-shared-media', EFSVolumeConfiguration: { FilesystemId: ref('SharedMediaFileSystem'), TransitEncryption: 'ENABLED', AuthorizationConfig: { AccessPointId: ref('SharedMediaFileSystemUploaderAccessPoint'), IAM: 'ENABLED' } } },
    ]);
    expect(td.ContainerDefinitions[0].MountPoints).toEqual([
      { SourceVolume: 'tmp', ContainerPath: '/tmp', ReadOnly: false },
      { SourceVolume: 'efs-shared-media', ContainerPath: '/var/www/media', ReadOnly: false },
    ]);
    // The root file system stays read-only: the volume is the writable path.
    expect(td.ContainerDefinitions[0].ReadonlyRootFilesystem).toBe(true);
    expect(byId(production, 'UploaderEcsService').properties.PlatformVersion).toBe('LATEST');
  });

  it('EC2: efs-utils mounts each file system with tls and iam through the access point, bound into the container', () => {
    const data = byId(production, 'ArchiverLaunchTemplate').properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1] as unknown[];
    const script = data.map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p)}>`)).join('');
    expect(script).toContain('dnf install -y amazon-efs-utils\n');
    expect(script).toContain(`echo '<{"Ref":"SharedMediaFileSystem"}>'':/ /mnt/efs/shared-media efs _netdev,noresvport,tls,iam,accesspoint=''<{"Ref":"SharedMediaFileSystemArchiverAccessPoint"}>'',ro 0 0' >> /etc/fstab\nmount '/mnt/efs/shared-media'\n`);
    expect(script).toContain("accesspoint=''<{\"Ref\":\"ArchiveFileSystemArchiverAccessPoint\"}>'' 0 0' >> /etc/fstab");
    expect(script).toContain(" --mount 'type=bind,source=/mnt/efs/shared-media,destination=/srv/media,readonly' --mount 'type=bind,source=/mnt/efs/archive,destination=/srv/archive'");
    expect(script.indexOf('mount \'/mnt/efs/archive\'')).toBeLessThan(script.indexOf('docker run -d --name archiver'));
  });

  it('EKS: a PersistentVolume on the access point and a claim in the service\'s namespace, mounted read-only, passing the 1.36 schemas', () => {
    const files = compileEmit(compiled(production)).files;
    const read = (path: string): Obj => parse(files.find((f) => f.path === path)!.content) as Obj;
    const pv = read('kubernetes/thumbnailer/persistent-volume-shared-media.yaml');
    const pvc = read('kubernetes/thumbnailer/persistent-volume-claim-shared-media.yaml');
    expect(pv.spec).toEqual({
      accessModes: ['ReadOnlyMany'],
      capacity: { storage: '5Gi' },
      claimRef: { name: 'efs-shared-media', namespace: 'thumbnailer' },
      csi: { driver: 'efs.csi.aws.com', volumeHandle: '${FILE_SYSTEM_SHARED_MEDIA_ID}::${THUMBNAILER_SHARED_MEDIA_ACCESS_POINT_ID}', readOnly: true },
      mountOptions: ['iam', 'tls'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      volumeMode: 'Filesystem',
    });
    expect(pvc.metadata.namespace).toBe('thumbnailer');
    expect(pvc.spec).toMatchObject({ accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: 'thumbnailer-efs-shared-media' });
    const pod = read('kubernetes/thumbnailer/deployment.yaml').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'efs-shared-media', persistentVolumeClaim: { claimName: 'efs-shared-media', readOnly: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'efs-shared-media', mountPath: '/srv/media', readOnly: true });
    expect([pv, pvc, read('kubernetes/thumbnailer/deployment.yaml')].flatMap(schemaErrors)).toEqual([]);
    const k = read('kubernetes/kustomization.yaml');
    const fsReplacement = (k.replacements as Obj[]).find((r) => r.source.fieldPath === 'data.FILE_SYSTEM_SHARED_MEDIA_ID')!;
    expect(fsReplacement.targets).toEqual([{ select: { kind: 'PersistentVolume', name: 'thumbnailer-efs-shared-media' }, fieldPaths: ['spec.csi.volumeHandle'], options: { delimiter: '::', index: 0 } }]);
    const script = files.find((f) => f.path === 'kubernetes/stack-outputs.sh')!.content;
    expect(script).toContain("phys 'media-production-data' 'SharedMediaFileSystemThumbnailerAccessPoint'");
  });

  it('every template passes the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => f.path.includes('/cloudformation/') && f.path.endsWith('.yaml'));
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('checks', () => {
  it('DEX820: a volume of an unknown file system, at its name, with did-you-mean', () => {
    const text = replace('{ fileSystem: archive, path', '{ fileSystem: archve, path');
    const a = analyzed(text);
    expect(at(a, 'DEX820')).toEqual([`${lineOf(text, 'archve')} error services.archiver.volumes.1.fileSystem`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX820')!.hint).toBe('did you mean archive?');
  });

  it('DEX821: paths that overlap another volume, /tmp or the secrets', () => {
    const text = replace('path: /srv/archive', 'path: /srv/media/old');
    expect(at(analyzed(text), 'DEX821')).toEqual([`${lineOf(text, '/srv/media/old')} error services.archiver.volumes.1.path`]);
    const tmp = replace('path: /var/www/media', 'path: /tmp/media');
    expect(at(analyzed(tmp), 'DEX821')).toEqual([`${lineOf(tmp, '/tmp/media')} error services.uploader.volumes.0.path`]);
    expect(at(analyzed(replace('path: /var/www/media', 'path: /mnt')), 'DEX821')).toHaveLength(1);
  });

  it('DEX822: one file system twice in one service', () => {
    const text = replace('{ fileSystem: archive, path', '{ fileSystem: shared-media, path');
    expect(at(analyzed(text), 'DEX822')).toEqual([`${lineOf(text, '{ fileSystem: shared-media, path: /srv/archive')} error services.archiver.volumes.1.fileSystem`]);
  });

  it('DEX823: the root, a system directory, or inside /proc', () => {
    for (const path of ['/', '/etc', '/usr', '/proc/x', '/dev']) {
      const text = replace('path: /var/www/media', `path: ${path}`);
      const a = analyzed(text);
      // "/" is the schema's to refuse (no segment); the others are DEX823's.
      if (path === '/') expect(a.diagnostics.some((d) => d.code.startsWith('DEX2'))).toBe(true);
      else expect(at(a, 'DEX823'), path).toEqual([`${lineOf(text, `path: ${path}`)} error services.uploader.volumes.0.path`]);
    }
  });

  it('DEX824: a volume on a job', () => {
    const text = replace('  uploader:\n    port: 8080\n    placement: ecs\n', '  uploader:\n    kind: job\n    schedule: "rate(1 hour)"\n    placement: ecs\n');
    expect(at(analyzed(text), 'DEX824')).toEqual([`${lineOf(text, '    volumes:')} error services.uploader.volumes`]);
  });

  it('DEX825: two services share a directory as different users', () => {
    const text = replace('readOnly: true, accessPoint: { path: /media } }\n  archiver', 'readOnly: true, accessPoint: { path: /media, uid: 2000 } }\n  archiver');
    const a = analyzed(text);
    // The first mount of /media (archiver, by name) owns it; the thumbnailer's other user is the finding.
    expect(at(a, 'DEX825')).toEqual([`${lineOf(text, 'uid: 2000')} error services.thumbnailer.volumes.0.accessPoint`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX825')!.message).toContain('2000:2000 and 10001:10001');
  });

  it('DEX826 and DEX827 warn: a file system nobody mounts, usage of an undeclared one', () => {
    const text = replace('fileSystems:\n', 'fileSystems:\n  spare: {}\n').replace('shared-media: { storageGiB: 200 }', 'shared-medai: { storageGiB: 200 }');
    const a = analyzed(text);
    expect(at(a, 'DEX826')).toEqual([`${lineOf(text, 'spare: {}')} warning fileSystems.spare`]);
    expect(at(a, 'DEX827')).toEqual([`${lineOf(text, 'shared-medai')} warning usage.fileSystems.shared-medai`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX827')!.hint).toBe('did you mean shared-media?');
  });

  it('the schema refuses a root-owned access point and relative paths', () => {
    expect(analyzed(replace('accessPoint: { path: /media } }\n  thumbnailer', 'accessPoint: { path: /media, uid: 0 } }\n  thumbnailer')).diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(analyzed(replace('path: /var/www/media', 'path: var/www')).diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(analyzed(replace('path: /var/www/media', 'path: /var/../etc')).diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('pricing', () => {
  const snapshot = loadSnapshotSource();
  const priced = (text = TEXT) => {
    const a = analyzed(text, 'production');
    const inputs = resources(a).filter((r) => r.type === 'AWS::EFS::FileSystem').map((r) => ({ logicalId: r.logicalId, type: r.type, usage: r.usage }));
    return priceMeters(inputs, 'us-east-1', snapshot);
  };

  it('never $0 for an unknown: EFS storage and its backups are unpriced, saying what to give or why', () => {
    const plan = priced();
    expect(plan.lineItems.filter((l) => /FileSystem/.test(l.resource))).toEqual([]);
    const reasons = plan.unpriced.map((u) => `${u.resource}: ${u.reason}`);
    expect(reasons).toContainEqual(expect.stringMatching(/^ArchiveFileSystem: .*give usage\.fileSystems\.archive\.storageGiB/));
    expect(reasons).toContainEqual(expect.stringMatching(/^SharedMediaFileSystem: .*EFS Standard storage/));
    expect(reasons).toContainEqual(expect.stringMatching(/^SharedMediaFileSystem: AWS Backup of EFS is not in dex's price book/));
    // The archive is not backed up: no backup line at all.
    expect(reasons.filter((r) => r.startsWith('ArchiveFileSystem'))).toHaveLength(1);
  });

  it('the quantity is usage.fileSystems.<name>.storageGiB in GB-months', () => {
    const meters = byId(production, 'SharedMediaFileSystem').usage as Obj[];
    expect(meters.map((m) => [m.meter, m.unit, m.quantity])).toEqual([
      ['efs.storage', 'GB-month', { min: 200, max: 200 }],
      ['efs.backup', 'GB-month', { min: 200, max: 200 }],
    ]);
  });
});

describe('compliance', () => {
  const c = compiled(production);
  const report = evaluateCompliance({ spec: c.spec, model: c.model!, data: {}, rules: COMPLIANCE_RULES });
  const checks = (id: string) => report.controls.find((x) => x.rule.id === id)!.checks.map((x) => `${x.ok ? 'pass' : 'fail'} ${x.message}`);

  it('counts the file systems in encryption at rest and in transit', () => {
    expect(checks('BASE-ENCRYPTION-AT-REST')).toContain('pass SharedMediaFileSystem is encrypted at rest');
    expect(checks('BASE-ENCRYPTION-IN-TRANSIT')).toEqual(expect.arrayContaining(['pass SharedMediaFileSystem refuses NFS clients without TLS', 'pass UploaderTaskDefinition mounts efs-shared-media over TLS']));
  });
});
