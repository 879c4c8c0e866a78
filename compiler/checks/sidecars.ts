// Sidecars: what would make a task, pod or instance with extra containers fail to start or start
// in the wrong order, found before anything is deployed. The containers of one service share one
// network (awsvpc task, pod, host network on EC2), so a port may be bound once; their sizes add
// up, so on Fargate the sum must be a size Fargate sells; their start order is a graph that must
// have no cycle; and FireLens, the log router, exists only on ECS.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import { isJob, podResources, sidecarsOf, type NormalizedService, type NormalizedSidecar, type NormalizedSpec } from '../../spec/model.js';
import { FARGATE_SIZES_MIB } from '../model/fargate-profiles.js';
import { unreachableRegistry } from './reachability.js';
import { detectSecret, redact } from './secrets.js';
import type { SemanticRule } from './index.js';

/** The only capability ECS on Fargate lets a container add (AWS: KernelCapabilities). */
const FARGATE_ADDABLE = new Set(['SYS_PTRACE']);

const at = (s: NormalizedService, c: NormalizedSidecar, ...rest: (string | number)[]): SpecPath => ['services', s.name, 'sidecars', c.index, ...rest];
const mib = (n: number): string => (n % 1024 === 0 ? `${n / 1024}GiB` : `${n}MiB`);

export const sidecarsRule: SemanticRule = {
  id: 'sidecars',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      const sidecars = sidecarsOf(s);
      if (sidecars.length === 0) continue;
      findings.push(...names(s, sidecars), ...ports(s, sidecars), ...order(s, sidecars), ...logRouters(s, sidecars), ...platform(s, sidecars), ...fargateSize(s));
      for (const c of sidecars) findings.push(...sidecarSettings(spec, s, c));
    }
    return findings;
  },
};

function names(s: NormalizedService, sidecars: readonly NormalizedSidecar[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>([s.name]);
  for (const c of sidecars) {
    if (seen.has(c.name)) {
      out.push({
        code: 'DEX830',
        message: c.name === s.name ? `${s.name}: a sidecar is named ${c.name}, the name of the service's main container` : `${s.name}: two sidecars are named ${c.name}`,
        path: at(s, c, 'name'),
        hint: 'give every container of the service its own name (ECS container names, Kubernetes container names and docker names must differ)',
      });
    }
    seen.add(c.name);
  }
  return out;
}

function ports(s: NormalizedService, sidecars: readonly NormalizedSidecar[]): Finding[] {
  const out: Finding[] = [];
  const owner = new Map<number, string>();
  if (s.port !== undefined) owner.set(s.port, `the main container (${s.name}'s port)`);
  for (const c of sidecars) {
    c.ports.forEach((p, i) => {
      const taken = owner.get(p);
      if (taken !== undefined) {
        out.push({
          code: 'DEX831',
          message: `${s.name}: sidecar ${c.name} listens on ${p}, which ${taken} already binds; the containers of one ${s.placement === 'eks' ? 'pod' : s.placement === 'ecs' ? 'task' : 'instance'} share one network, so the second one fails to start`,
          path: at(s, c, 'ports', i),
          hint: `move ${c.name} to a free port (its image's configuration) and list that one`,
        });
        return;
      }
      owner.set(p, `sidecar ${c.name}`);
    });
  }
  return out;
}

/** The main container's wait and the sidecars' dependsOn: known names, health where healthy is asked, no cycle. */
function order(s: NormalizedService, sidecars: readonly NormalizedSidecar[]): Finding[] {
  const out: Finding[] = [];
  const byName = new Map(sidecars.map((c) => [c.name, c]));
  for (const c of sidecars) {
    if (c.mainWaitsFor === 'healthy' && c.health === undefined) {
      out.push({ code: 'DEX833', message: `${s.name}: the main container waits for sidecar ${c.name} to be healthy, but ${c.name} has no health check`, path: at(s, c, 'mainWaitsFor'), hint: `give ${c.name} a health check (health.command or health.tcp), or set mainWaitsFor: start` });
    }
    c.dependsOn.forEach((d, i) => {
      const target = byName.get(d.sidecar);
      if (d.sidecar === c.name) {
        out.push({ code: 'DEX833', message: `${s.name}: sidecar ${c.name} depends on itself`, path: at(s, c, 'dependsOn', i, 'sidecar'), hint: 'remove this dependsOn entry' });
      } else if (target === undefined) {
        out.push({ code: 'DEX833', message: `${s.name}: sidecar ${c.name} depends on ${d.sidecar}, which is no sidecar of ${s.name}`, path: at(s, c, 'dependsOn', i, 'sidecar'), hint: sidecars.length > 1 ? `name one of ${sidecars.filter((x) => x !== c).map((x) => x.name).join(', ')}` : 'remove dependsOn: the service has no other sidecar' });
      } else if (d.condition === 'healthy' && target.health === undefined) {
        out.push({ code: 'DEX833', message: `${s.name}: sidecar ${c.name} waits for ${d.sidecar} to be healthy, but ${d.sidecar} has no health check`, path: at(s, c, 'dependsOn', i, 'condition'), hint: `give ${d.sidecar} a health check, or use condition: start` });
      }
    });
  }
  // A cycle (a → b → a) never starts: ECS refuses the task definition, Kubernetes has no order for it.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: NormalizedSidecar, trail: string[]): void => {
    if (state.get(c.name) === 'done') return;
    state.set(c.name, 'visiting');
    c.dependsOn.forEach((d, i) => {
      const next = byName.get(d.sidecar);
      if (next === undefined || next === c) return;
      if (state.get(next.name) === 'visiting') {
        const cycle = [...trail.slice(trail.indexOf(next.name)), c.name, next.name];
        out.push({ code: 'DEX833', message: `${s.name}: the sidecars' dependsOn go round in a cycle (${cycle.join(' → ')}), so none of them can start first`, path: at(s, c, 'dependsOn', i, 'sidecar'), hint: 'remove one of these dependsOn entries' });
        return;
      }
      visit(next, [...trail, c.name]);
    });
    state.set(c.name, 'done');
  };
  for (const c of sidecars) visit(c, []);
  return out;
}

function logRouters(s: NormalizedService, sidecars: readonly NormalizedSidecar[]): Finding[] {
  const routers = sidecars.filter((c) => c.logRouter);
  const out: Finding[] = [];
  routers.slice(1).forEach((c) => {
    out.push({ code: 'DEX834', message: `${s.name}: ${routers[0]!.name} is already its log router; a task has one FireLens container`, path: at(s, c, 'logRouter'), hint: `remove logRouter from ${c.name}` });
  });
  if (routers.length && s.placement !== 'ecs') {
    out.push({
      code: 'DEX834',
      message: `${s.name}: sidecar ${routers[0]!.name} is a log router (FireLens), which only ECS has, but ${s.placementDecision.source === 'auto' ? `dex placed ${s.name} on ${s.placement}` : `${s.name} runs on ${s.placement}`}`,
      path: at(s, routers[0]!, 'logRouter'),
      hint: s.placement === 'eks' ? 'remove logRouter: EKS ships container logs with the cluster\'s Fluent Bit (the amazon-cloudwatch-observability add-on); or place the service on ecs' : 'remove logRouter: EC2 ships the container\'s logs with the awslogs driver; or place the service on ecs',
    });
  }
  return out;
}

/** What a platform cannot do with a sidecar: a job's task that never ends, root on EKS, capabilities Fargate does not give. */
function platform(s: NormalizedService, sidecars: readonly NormalizedSidecar[]): Finding[] {
  const out: Finding[] = [];
  if (isJob(s)) {
    out.push({ code: 'DEX837', message: `${s.name} is a job: dex runs no sidecar beside a job yet (a sidecar that keeps running would keep the run from ending on ECS and EC2)`, path: ['services', s.name, 'sidecars'], hint: 'remove sidecars from the job, or run the agent inside its image' });
  }
  for (const c of sidecars) {
    if (c.runAsRoot !== undefined && s.placement === 'eks') {
      out.push({ code: 'DEX837', message: `${s.name} runs on EKS, whose namespaces enforce Pod Security restricted (non-root): sidecar ${c.name} cannot run as root`, path: at(s, c, 'runAsRoot'), hint: `remove runAsRoot and use an image of ${c.name} that runs as a non-root user, or place the service on ecs` });
    }
    if (s.placement === 'ecs') {
      c.securityContext.addCapabilities.forEach((cap, i) => {
        if (FARGATE_ADDABLE.has(cap)) return;
        out.push({ code: 'DEX837', message: `${s.name} runs on ECS Fargate, which lets a container add no Linux capability but SYS_PTRACE: sidecar ${c.name} cannot add ${cap}`, path: at(s, c, 'securityContext', 'capabilities', 'add', i), hint: `drop ${cap} from capabilities.add, or place the service on eks or ec2` });
      });
    }
  }
  return out;
}

/**
 * On ECS the task is sized to the sum of its containers and Fargate sells only its table of sizes:
 * the sum must be one (dex does not round it up, which would bill more than the spec says).
 */
function fargateSize(s: NormalizedService): Finding[] {
  // On EC2 container instances (capacity.ec2) the task is sized by the instance (DEX847), not Fargate's table.
  if (s.placement !== 'ecs' || s.capacity?.ec2 !== undefined) return [];
  const sum = podResources(s);
  const parts = `${s.resources.cpu} vCPU / ${s.resources.memory} (main) + ${sidecarsOf(s).map((c) => `${c.resources.cpu} vCPU / ${c.resources.memory} (${c.name})`).join(' + ')}`;
  const allowed = FARGATE_SIZES_MIB.get(sum.cpu);
  if (allowed?.includes(sum.memoryMiB)) return [];
  const fit = smallestFargateSize(sum.cpu, sum.memoryMiB);
  const path: SpecPath = ['services', s.name, 'resources'];
  if (fit === undefined) {
    return [{ code: 'DEX832', message: `${s.name}: its task holds ${sum.cpu} vCPU and ${sum.memory} (${parts}), more than the largest Fargate task (16 vCPU, 120GiB)`, path, hint: 'make the main container or a sidecar smaller, or place the service on eks or ec2' }];
  }
  const cpu = Math.round((fit.cpu - (sum.cpu - s.resources.cpu)) * 1000) / 1000;
  const memory = fit.memoryMiB - (sum.memoryMiB - s.resources.memoryMiB);
  return [{
    code: 'DEX832',
    message: `${s.name}: its task holds ${sum.cpu} vCPU and ${sum.memory} (${parts}), which is no Fargate size${allowed ? `: with ${sum.cpu} vCPU, memory is one of ${allowed.map(mib).join(', ')}` : ''}`,
    path,
    hint: `the smallest Fargate size that holds it is ${fit.cpu} vCPU / ${mib(fit.memoryMiB)}: give the main container the rest, resources: { cpu: ${cpu}, memory: ${mib(memory)} }, or resize the sidecars`,
  }];
}

/** The cheapest Fargate size holding cpu and memory: the fewest vCPUs, then the least memory. */
export function smallestFargateSize(cpu: number, memoryMiB: number): { cpu: number; memoryMiB: number } | undefined {
  for (const [vcpu, memories] of FARGATE_SIZES_MIB) {
    if (vcpu < cpu) continue;
    const m = memories.find((x) => x >= memoryMiB);
    if (m !== undefined) return { cpu: vcpu, memoryMiB: m };
  }
  return undefined;
}

function sidecarSettings(spec: NormalizedSpec, s: NormalizedService, c: NormalizedSidecar): Finding[] {
  const out: Finding[] = [];
  const h = c.health;
  if (h !== undefined) {
    if ((h.command === undefined) === (h.tcp === undefined)) {
      out.push({ code: 'DEX836', message: `${s.name}: sidecar ${c.name}'s health ${h.command ? 'gives both command and tcp' : 'says how often to check but not what'}`, path: at(s, c, 'health'), hint: 'give one of health.command (run in the container, exec form) or health.tcp (one of its ports)' });
    } else if (h.tcp !== undefined && !c.ports.includes(h.tcp)) {
      out.push({ code: 'DEX836', message: `${s.name}: sidecar ${c.name}'s health checks port ${h.tcp}, which is not among its ports`, path: at(s, c, 'health', 'tcp'), hint: `add ${h.tcp} to ${c.name}'s ports, or check one of ${c.ports.length ? c.ports.join(', ') : 'its ports (it lists none)'}` });
    }
  }
  c.secrets.forEach((name, i) => {
    if (s.secrets.includes(name)) return;
    out.push({ code: 'DEX835', message: `${s.name}: sidecar ${c.name} asks for secret ${name}, which is not among ${s.name}'s secrets`, path: at(s, c, 'secrets', i), hint: `add ${name} to services.${s.name}.secrets (dex makes its placeholder there), or remove it here` });
  });
  for (const [key, value] of Object.entries(c.env)) {
    const what = detectSecret(key, value);
    if (what) out.push({ code: 'DEX500', message: `${s.name}: sidecar ${c.name}'s env ${key} holds ${what} in plain text ("${redact(value)}")`, path: at(s, c, 'env', key), hint: `move it to the service's secrets and list it in the sidecar's secrets; rotate it, since it has been in the file`, secret: true });
  }
  // Pinned: a bare name or :latest moves under the task between two deploys of the same spec.
  const tail = c.image.split('/').pop()!;
  const digest = c.image.includes('@');
  const tag = tail.includes(':') ? tail.slice(tail.indexOf(':') + 1) : undefined;
  if (!digest && (tag === undefined || tag === 'latest')) {
    out.push({ code: 'DEX838', message: `${s.name}: sidecar ${c.name}'s image ${c.image} is ${tag ? 'tagged latest' : 'not tagged'}: a new release of it reaches the service whenever a task or pod restarts, untested`, path: at(s, c, 'image'), hint: 'pin it to a release tag (e.g. aws-for-fluent-bit:2.32.4) or a digest (@sha256:…)' });
  }
  if (spec.network.natGateways === 'none') {
    const from = unreachableRegistry(c.image, spec.region);
    if (from) out.push({ code: 'DEX790', message: `${s.name}: sidecar ${c.name} runs ${c.image} from ${from}, but network.natGateways is none: it cannot be pulled from the private subnets`, path: at(s, c, 'image'), hint: "copy the image to this region's ECR and name it by its ECR URI, or set network.natGateways: single" });
  }
  const sc = c.securityContext;
  if (sc.reason !== undefined && sc.readOnlyRootFilesystem && sc.addCapabilities.length === 0) {
    out.push({ code: 'DEX839', message: `${s.name}: sidecar ${c.name}'s securityContext relaxes nothing: the root file system stays read-only and no capability is added`, path: at(s, c, 'securityContext'), hint: 'remove securityContext, or set readOnlyRootFilesystem: false or capabilities.add' });
  }
  return out;
}
