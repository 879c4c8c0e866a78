// Amazon EFS file systems (`fileSystems:`) and the volumes services mount (`volumes:`). Every file
// system, with no way to turn it off:
//   • encrypted at rest with the environment's KMS key;
//   • a file-system policy that denies every client operation without TLS, and every one not
//     made through an access point (so no client reaches the root directory or mounts as root);
//   • a mount target in each private subnet, behind a security group that admits NFS (2049) only
//     from the groups of the services that mount it (services/security-groups.ts);
//   • one access point per service that mounts it: the directory the service sees as its root
//     (`/<service>` unless it names one) and the POSIX user every operation runs as (the non-root
//     container user unless it names one), created with mode 0750 on first mount.
// And by default: AWS Backup's daily backups in protected environments, lifecycle to Infrequent
// Access when asked.
//
// Who may mount: IAM authorization is on in every mount (ECS `IAM: ENABLED`, the CSI driver's and
// efs-utils' `iam` option), so the file-system policy's denies and an identity policy decide.
// ECS tasks and EC2 instances mount as their own role, which gets ClientMount (and ClientWrite
// unless readOnly) on the file system only through its own access point. On EKS the CSI driver
// on the node mounts for the pod, as the driver's service-account role; that role gets the same
// grants for every EKS service's access point, and each pod sees only its own through the
// PersistentVolume bound to its namespace's claim (emitters/kubernetes.ts).
//
// The grants are AWS::IAM::Policy resources in this data layer attached to the roles of the
// security layer: the roles deploy before the file system exists, and the grant names its ARN.
import { ID, getAtt, namePrefix, ref, resource, subnetRefs, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import { EFS_CSI_DRIVER_ROLE, EFS_CSI_SERVICE_ACCOUNTS, FILE_SYSTEM_ID, eksMountsVolumes, fileSystemNames, mountedVolumes, mountsOf } from '../compiler/model/volumes.js';
import type { NormalizedFileSystem, NormalizedService, NormalizedSpec, NormalizedVolume } from '../spec/model.js';
import { trustKubernetesServiceAccounts } from './iam.js';

export { FILE_SYSTEM_ID, EFS_CSI_DRIVER_ROLE, mountedVolumes };

export const CLIENT_MOUNT = 'elasticfilesystem:ClientMount';
export const CLIENT_WRITE = 'elasticfilesystem:ClientWrite';
const CLIENT_ACTIONS = [CLIENT_MOUNT, 'elasticfilesystem:ClientRootAccess', CLIENT_WRITE];

/** Mode of the directory EFS creates for an access point: its owner writes, its group reads, nobody else. */
const ACCESS_POINT_PERMISSIONS = '750';

const filesystemArn = (fs: string): CfnValue => getAtt(FILE_SYSTEM_ID.fileSystem(fs), 'Arn');

function fileSystemPolicy(): CfnValue {
  const everyone = { AWS: '*' };
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyWithoutTls', Effect: 'Deny', Principal: everyone, Action: CLIENT_ACTIONS, Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'DenyWithoutAccessPoint', Effect: 'Deny', Principal: everyone, Action: CLIENT_ACTIONS, Resource: '*', Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } } },
    ],
  };
}

function usageOf(spec: NormalizedSpec, f: NormalizedFileSystem): UsageMeter[] {
  const gib = spec.usage.fileSystems?.[f.name]?.storageGiB;
  const how = `usage.fileSystems.${f.name}.storageGiB`;
  const known = (what: string): Pick<UsageMeter, 'quantity' | 'basis'> & { quantityUnknown?: string } =>
    gib === undefined
      ? { quantity: { min: 0, max: 0 }, basis: what, quantityUnknown: `dex cannot know how much file system ${f.name} holds; give ${how}` }
      : { quantity: { min: gib, max: gib }, basis: `${what}: ${gib} (${how})` };
  return [
    { meter: 'efs.storage', unit: 'GB-month', attributes: { storageClass: 'Standard' }, ...known('GiB stored in EFS Standard') },
    // A daily backup's first copy is the whole file system, later ones incremental: one copy is the estimate.
    ...(f.backup ? [{ meter: 'efs.backup' as const, unit: 'GB-month', attributes: {}, ...known('GiB of AWS Backup warm storage (about one full copy: later backups are incremental)') }] : []),
  ];
}

function fileSystemResources(spec: NormalizedSpec, f: NormalizedFileSystem): ModelResource[] {
  const component = `fileSystem/${f.name}`;
  const origin = ['fileSystems', f.name];
  const tags = tagList(spec, component);
  const id = FILE_SYSTEM_ID.fileSystem(f.name);
  const lifecycle: CfnValue[] = f.lifecycle.infrequentAccessAfterDays === undefined ? [] : [{ TransitionToIA: `AFTER_${f.lifecycle.infrequentAccessAfterDays}_DAY${f.lifecycle.infrequentAccessAfterDays === 1 ? '' : 'S'}` }, ...(f.lifecycle.backOnAccess ? [{ TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }] : [])];
  const out: ModelResource[] = [
    {
      ...resource({
        logicalId: id,
        type: 'AWS::EFS::FileSystem',
        layer: 'data',
        origin,
        component,
        properties: {
          Encrypted: true,
          KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
          PerformanceMode: 'generalPurpose',
          ThroughputMode: 'bursting',
          BackupPolicy: { Status: f.backup ? 'ENABLED' : 'DISABLED' },
          ...(lifecycle.length ? { LifecyclePolicies: lifecycle } : {}),
          FileSystemPolicy: fileSystemPolicy(),
          FileSystemTags: [{ Key: 'Name', Value: `${namePrefix(spec)}-${f.name}` }, ...tags],
        },
        usage: usageOf(spec, f),
      }),
      // Protected environments keep the files when the stack or the file system goes.
      ...(spec.protect ? { deletionPolicy: 'Retain' as const, updateReplacePolicy: 'Retain' as const } : {}),
    },
  ];
  subnetRefs(spec, 'private').forEach((subnet, zone) =>
    out.push(
      resource({
        logicalId: FILE_SYSTEM_ID.mountTarget(f.name, zone),
        type: 'AWS::EFS::MountTarget',
        layer: 'data',
        origin,
        component,
        properties: { FileSystemId: ref(id), SubnetId: subnet, SecurityGroups: [getAtt(FILE_SYSTEM_ID.securityGroup(f.name), 'GroupId')] },
      }),
    ),
  );
  for (const { service, volume } of mountsOf(spec, f.name)) out.push(accessPoint(spec, f.name, service, volume));
  return out;
}

function accessPoint(spec: NormalizedSpec, fs: string, s: NormalizedService, v: NormalizedVolume): ModelResource {
  const { path, uid, gid } = v.accessPoint;
  return resource({
    logicalId: FILE_SYSTEM_ID.accessPoint(fs, s.name),
    type: 'AWS::EFS::AccessPoint',
    layer: 'data',
    origin: ['services', s.name, 'volumes', v.index],
    component: `fileSystem/${fs}`,
    properties: {
      FileSystemId: ref(FILE_SYSTEM_ID.fileSystem(fs)),
      // EFS takes the IDs as strings.
      PosixUser: { Uid: String(uid), Gid: String(gid) },
      RootDirectory: { Path: path, CreationInfo: { OwnerUid: String(uid), OwnerGid: String(gid), Permissions: ACCESS_POINT_PERMISSIONS } },
      AccessPointTags: tagList(spec, `service/${s.name}`),
    },
  });
}

/** A service's grants on its volumes: mount (and write, unless read-only) each file system through its own access point only. */
export function volumeStatements(spec: NormalizedSpec, s: NormalizedService, sidPrefix = ''): CfnValue[] {
  return mountedVolumes(spec, s).map((v) => ({
    Sid: `${sidPrefix}Mount${FILE_SYSTEM_ID.accessPoint(v.fileSystem, s.name)}`,
    Effect: 'Allow',
    Action: v.readOnly ? [CLIENT_MOUNT] : [CLIENT_MOUNT, CLIENT_WRITE],
    Resource: filesystemArn(v.fileSystem),
    Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': getAtt(FILE_SYSTEM_ID.accessPoint(v.fileSystem, s.name), 'Arn') } },
  }));
}

function servicePolicy(spec: NormalizedSpec, s: NormalizedService): ModelResource[] {
  if (s.placement === 'eks' || mountedVolumes(spec, s).length === 0) return [];
  return [
    resource({
      logicalId: FILE_SYSTEM_ID.servicePolicy(s.name),
      type: 'AWS::IAM::Policy',
      layer: 'data',
      origin: ['services', s.name, 'volumes'],
      component: `service/${s.name}`,
      properties: {
        PolicyName: 'volumes',
        Roles: [ref(ID.serviceRole(s.name))],
        PolicyDocument: { Version: '2012-10-17', Statement: volumeStatements(spec, s) },
      },
    }),
  ];
}

/**
 * The EFS CSI driver's role (IRSA for both of the add-on's service accounts): the same grants as an
 * ECS task gets, for every EKS service's access point, and the Describe calls the driver makes
 * when it mounts (no resource-level permissions); no CreateAccessPoint, as dex makes them.
 */
function csiDriverRole(spec: NormalizedSpec): ModelResource {
  const statements = Object.values(spec.services)
    .filter((s) => s.placement === 'eks')
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((s) => volumeStatements(spec, s));
  return resource({
    logicalId: EFS_CSI_DRIVER_ROLE,
    type: 'AWS::IAM::Role',
    layer: 'eks',
    origin: ['fileSystems'],
    component: 'platform/eks',
    properties: {
      Description: 'Service-account role (IRSA) of the EFS CSI driver (aws-efs-csi-driver add-on): mounts the EKS services\' access points',
      AssumeRolePolicyDocument: trustKubernetesServiceAccounts(EFS_CSI_SERVICE_ACCOUNTS.namespace, [...EFS_CSI_SERVICE_ACCOUNTS.names]),
      Policies: [
        {
          PolicyName: 'efs-mount',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Sid: 'Describe', Effect: 'Allow', Action: ['elasticfilesystem:DescribeAccessPoints', 'elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets'], Resource: '*' }, ...statements],
          },
        },
      ],
      Tags: tagList(spec, 'platform/eks'),
    },
  });
}

export const efs: BuildingBlock = {
  name: 'efs',
  build(spec: NormalizedSpec): ModelResource[] {
    const fileSystems = fileSystemNames(spec).map((n) => spec.fileSystems![n]!);
    if (fileSystems.length === 0) return [];
    const services = Object.values(spec.services).sort((a, b) => (a.name < b.name ? -1 : 1));
    return [...fileSystems.flatMap((f) => fileSystemResources(spec, f)), ...services.flatMap((s) => servicePolicy(spec, s)), ...(eksMountsVolumes(spec) ? [csiDriverRole(spec)] : [])];
  },
};
