// EFS file systems and the volumes services mount (`fileSystems:`, `volumes:`): what the schema
// cannot say. A volume names a file system that exists, once per service; its path neither hides
// the image's system directories or the read-only root nor overlaps dex's own mounts or another
// volume; services sharing a directory of a file system share its owner; jobs take no volumes
// yet; a file system is mounted by someone, and its usage assumption names one that exists.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { isJob } from '../../spec/model.js';
import { fileSystemNames, mountsOf } from '../model/volumes.js';
import type { SemanticRule } from './index.js';

/**
 * Paths dex mounts itself: the writable scratch directory of the read-only root (every platform)
 * and the Secrets Store CSI driver's files on EKS (emitters/kubernetes.ts SECRETS_MOUNT_PATH).
 */
const DEX_MOUNTS: readonly { readonly path: string; readonly what: string }[] = [
  { path: '/tmp', what: "dex's scratch directory (the one writable path of the read-only root file system)" },
  { path: '/mnt/secrets', what: 'where the secrets are mounted on EKS' },
];

/** Directories of the image a volume must not replace: the system's programs, libraries and configuration. */
const SYSTEM_DIRECTORIES = ['/bin', '/boot', '/etc', '/lib', '/lib64', '/sbin', '/usr'];
/** Kernel and runtime file systems the container runtime mounts itself: nothing may be mounted in them. */
const RUNTIME_TREES = ['/dev', '/proc', '/sys'];

/** `a` is `b` or a directory inside it. */
const within = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`);

function serviceFindings(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const volumes = s.volumes ?? [];
  if (volumes.length === 0) return [];
  const at = ['services', s.name, 'volumes'];
  const out: Finding[] = [];
  if (isJob(s)) {
    out.push({ code: 'DEX824', message: `${s.name} is a job: dex does not mount volumes into jobs yet`, path: at, atKey: true, hint: 'move the files the job needs to a bucket (uses: [{ bucket: NAME }]), or make it a worker' });
    return out;
  }
  const names = fileSystemNames(spec);
  const seen = new Map<string, number>();
  volumes.forEach((v, i) => {
    if (!names.includes(v.fileSystem)) {
      const guess = suggest(v.fileSystem, names);
      out.push({ code: 'DEX820', message: `${s.name}: volume ${i + 1} names file system ${v.fileSystem}, which the spec does not declare`, path: [...at, i, 'fileSystem'], hint: guess ? `did you mean ${guess}?` : names.length ? `declared: ${names.join(', ')}` : `declare it under fileSystems: (fileSystems: { ${v.fileSystem}: {} })` });
    }
    const first = seen.get(v.fileSystem);
    if (first !== undefined) out.push({ code: 'DEX822', message: `${s.name} mounts file system ${v.fileSystem} twice (volumes ${first + 1} and ${i + 1})`, path: [...at, i, 'fileSystem'], hint: 'mount it once: one access point per service sees one directory; mount the parent directory to see both' });
    else seen.set(v.fileSystem, i);
    if (v.path === '/' || SYSTEM_DIRECTORIES.includes(v.path) || RUNTIME_TREES.some((d) => within(v.path, d))) {
      out.push({
        code: 'DEX823',
        message: `${s.name}: a volume at ${v.path} would ${v.path === '/' ? 'replace the read-only root file system' : RUNTIME_TREES.some((d) => within(v.path, d)) ? `mount inside ${v.path.split('/').slice(0, 2).join('/')}, which the container runtime owns` : `hide the image's ${v.path}`}`,
        path: [...at, i, 'path'],
        hint: 'mount it at a directory of its own, such as /data or /var/www',
      });
    }
    for (const m of DEX_MOUNTS) {
      if (within(v.path, m.path) || within(m.path, v.path)) out.push({ code: 'DEX821', message: `${s.name}: a volume at ${v.path} overlaps ${m.path}, ${m.what}`, path: [...at, i, 'path'], hint: 'mount it at a directory of its own, such as /data' });
    }
    volumes.slice(0, i).forEach((w, j) => {
      if (within(v.path, w.path) || within(w.path, v.path)) {
        out.push({ code: 'DEX821', message: `${s.name}: volumes ${j + 1} (${w.path}) and ${i + 1} (${v.path}) ${v.path === w.path ? 'mount at the same path' : 'are inside one another'}`, path: [...at, i, 'path'], hint: 'give each volume a path of its own, neither inside the other' });
      }
    });
  });
  return out;
}

/** Services sharing a directory of a file system: EFS creates it once, owned by the first access point's user. */
function sharingFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  for (const fs of fileSystemNames(spec)) {
    const owners = new Map<string, { service: string; uid: number; gid: number }>();
    for (const { service, volume } of mountsOf(spec, fs)) {
      const { path, uid, gid } = volume.accessPoint;
      const first = owners.get(path);
      if (first === undefined) owners.set(path, { service: service.name, uid, gid });
      else if (first.uid !== uid || first.gid !== gid) {
        out.push({
          code: 'DEX825',
          message: `${service.name} and ${first.service} share directory ${path} of file system ${fs} as different users (${uid}:${gid} and ${first.uid}:${first.gid}): the second cannot write the first's files`,
          path: ['services', service.name, 'volumes', volume.index, 'accessPoint'],
          atKey: true,
          hint: `give both accessPoint { uid: ${first.uid}, gid: ${first.gid} }, or each its own path`,
        });
      }
    }
  }
  return out;
}

function fileSystemFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  for (const fs of fileSystemNames(spec)) {
    if (mountsOf(spec, fs).length === 0) out.push({ code: 'DEX826', message: `file system ${fs} is mounted by no service: it is created, and billed for what it holds, for nothing`, path: ['fileSystems', fs], atKey: true, hint: `mount it (volumes: [{ fileSystem: ${fs}, path: /data }]) or remove it` });
  }
  const names = fileSystemNames(spec);
  for (const name of Object.keys(spec.usage.fileSystems ?? {})) {
    if (names.includes(name)) continue;
    const guess = suggest(name, names);
    out.push({ code: 'DEX827', message: `usage.fileSystems.${name} is for a file system the spec does not declare: it prices nothing`, path: ['usage', 'fileSystems', name], atKey: true, hint: guess ? `did you mean ${guess}?` : names.length ? `declared: ${names.join(', ')}` : 'declare it under fileSystems:, or remove it' });
  }
  return out;
}

export const volumesRule: SemanticRule = {
  id: 'volumes',
  check(spec: NormalizedSpec): Finding[] {
    return [...Object.values(spec.services).flatMap((s) => serviceFindings(spec, s)), ...sharingFindings(spec), ...fileSystemFindings(spec)];
  },
};
