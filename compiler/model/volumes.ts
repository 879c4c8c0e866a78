// Names of the spec's EFS file systems and the volumes services mount (services/efs.ts), here so
// the checks (compiler/checks/) can claim and resolve them without importing the building block.
import type { NormalizedService, NormalizedSpec, NormalizedVolume } from '../../spec/model.js';
import { pascal } from './ids.js';

export const FILE_SYSTEM_ID = {
  fileSystem: (fs: string) => `${pascal(fs)}FileSystem`,
  securityGroup: (fs: string) => `${pascal(fs)}FileSystemSecurityGroup`,
  /** One per private subnet, by the zone's position (adding a zone appends one). */
  mountTarget: (fs: string, zone: number) => `${pascal(fs)}FileSystemMountTarget${zone + 1}`,
  accessPoint: (fs: string, service: string) => `${pascal(fs)}FileSystem${pascal(service)}AccessPoint`,
  /** The policy on a service's ECS task role or EC2 instance role: mount exactly its access points. */
  servicePolicy: (service: string) => `${pascal(service)}VolumesPolicy`,
} as const;
/** What each file system becomes, after pascal(name) (compiler/checks/names.ts claims them; mount targets and access points add a zone or a service). */
export const FILE_SYSTEM_ID_SUFFIXES = ['FileSystem', 'FileSystemSecurityGroup'] as const;

/** The EFS CSI driver's service-account role (EKS services mount through the driver on the node). */
export const EFS_CSI_DRIVER_ROLE = 'EksEfsCsiDriverIrsa';
/** The EKS add-on that runs the EFS CSI driver. */
export const EFS_CSI_ADDON = 'aws-efs-csi-driver';
/** Its two service accounts (controller and node daemon set), which the add-on binds to one role. */
export const EFS_CSI_SERVICE_ACCOUNTS = { namespace: 'kube-system', names: ['efs-csi-controller-sa', 'efs-csi-node-sa'] } as const;
/** NFS: the only port a mount target opens. */
export const NFS_PORT = 2049;

/** The file systems of a spec, sorted by name. */
export const fileSystemNames = (spec: NormalizedSpec): string[] => Object.keys(spec.fileSystems ?? {}).sort();

/** A service's volumes whose file system exists (a missing one is DEX820 and builds nothing). */
export function mountedVolumes(spec: NormalizedSpec, s: NormalizedService): NormalizedVolume[] {
  return (s.volumes ?? []).filter((v) => Object.hasOwn(spec.fileSystems ?? {}, v.fileSystem));
}

/** True when the spec's EKS services mount a file system: the cluster then runs the EFS CSI driver. */
export const eksMountsVolumes = (spec: NormalizedSpec): boolean => Object.values(spec.services).some((s) => s.placement === 'eks' && mountedVolumes(spec, s).length > 0);

/** The services that mount a file system, sorted by name, with their volume of it. */
export function mountsOf(spec: NormalizedSpec, fs: string): { service: NormalizedService; volume: NormalizedVolume }[] {
  return Object.values(spec.services)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((service) => mountedVolumes(spec, service).filter((v) => v.fileSystem === fs).map((volume) => ({ service, volume })));
}

/** The name a volume has inside a task definition or pod (a file system is mounted once per service: DEX822). */
export const volumeName = (v: Pick<NormalizedVolume, 'fileSystem'>): string => `efs-${v.fileSystem}`;
