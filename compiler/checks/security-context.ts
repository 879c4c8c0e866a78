// Relaxed container defaults (securityContext) and scratch disk (resources.ephemeralStorage): what each
// platform can actually give. Fargate adds back no capability but SYS_PTRACE and takes 21 to 200 GiB of
// ephemeral storage; an EC2 host or an EKS node holds the scratch disk on its own volume, next to the
// images and the operating system, so the disk must be larger.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

/** The only capability ECS on Fargate lets a task add (AWS: KernelCapabilities). */
const FARGATE_ADDABLE = new Set(['SYS_PTRACE']);
const FARGATE_EPHEMERAL = { min: 21, max: 200 };
/** What an EC2 host or EKS node needs on its root volume besides scratch disk: the OS, docker and the images. */
const HOST_RESERVED_GIB = 8;

export const securityContextRule: SemanticRule = {
  id: 'security-context',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      findings.push(...relaxation(s), ...scratchDisk(spec, s));
    }
    return findings;
  },
};

function relaxation(s: NormalizedService): Finding[] {
  const sc = s.securityContext;
  if (sc.reason === undefined) return [];
  const at = (...rest: (string | number)[]) => ['services', s.name, 'securityContext', ...rest];
  const out: Finding[] = [];
  if (sc.readOnlyRootFilesystem && sc.addCapabilities.length === 0) {
    out.push({
      code: 'DEX334',
      severity: 'warning',
      message: `${s.name}'s securityContext relaxes nothing: the root file system stays read-only and no capability is added`,
      path: at(),
      hint: 'remove securityContext, or set readOnlyRootFilesystem: false or capabilities.add',
    });
  }
  if (s.placement === 'ecs') {
    sc.addCapabilities.forEach((c, i) => {
      if (FARGATE_ADDABLE.has(c)) return;
      out.push({
        code: 'DEX331',
        severity: 'error',
        message: `${s.name} runs on ECS Fargate, which lets a task add no Linux capability but SYS_PTRACE: ${c} cannot be added`,
        path: at('capabilities', 'add', i),
        hint: `place the service on eks or ec2 (placement), or drop ${c} from capabilities.add`,
      });
    });
  }
  return out;
}

function scratchDisk(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const gib = s.resources.ephemeralStorageGiB;
  if (gib === undefined) return [];
  const path = ['services', s.name, 'resources', 'ephemeralStorage'];
  if (s.placement === 'ecs') {
    if (gib >= FARGATE_EPHEMERAL.min && gib <= FARGATE_EPHEMERAL.max) return [];
    return [{
      code: 'DEX332',
      severity: 'error',
      message: `${s.name} asks ${gib} GiB of ephemeral storage; ECS on Fargate takes ${FARGATE_EPHEMERAL.min} to ${FARGATE_EPHEMERAL.max} GiB`,
      path,
      hint: gib < FARGATE_EPHEMERAL.min ? 'every Fargate task already has 20 GiB: remove ephemeralStorage' : `at most ${FARGATE_EPHEMERAL.max}GiB; for more, mount a volume or place the service on ec2 with a larger storageGiB`,
    }];
  }
  if (s.placement === 'ec2') {
    if (gib + HOST_RESERVED_GIB <= s.storageGiB) return [];
    return [{
      code: 'DEX333',
      severity: 'error',
      message: `${s.name}'s ${gib} GiB of ephemeral storage does not fit its instance's ${s.storageGiB} GiB volume beside the ${HOST_RESERVED_GIB} GiB the operating system and images need`,
      path,
      hint: `set storageGiB to ${gib + HOST_RESERVED_GIB} or more, or lower ephemeralStorage`,
    }];
  }
  const groups = spec.platforms.eks.nodeGroups;
  if (groups.length === 0 || groups.some((g) => gib + HOST_RESERVED_GIB <= g.diskGiB)) return [];
  const largest = Math.max(...groups.map((g) => g.diskGiB));
  return [{
    code: 'DEX333',
    severity: 'error',
    message: `${s.name}'s ${gib} GiB of ephemeral storage fits no EKS node: the largest node disk is ${largest} GiB, of which the operating system and images need ${HOST_RESERVED_GIB} GiB`,
    path,
    hint: `raise diskGiB of a node group in platforms.eks.nodeGroups to ${gib + HOST_RESERVED_GIB} or more, or lower ephemeralStorage`,
  }];
}
