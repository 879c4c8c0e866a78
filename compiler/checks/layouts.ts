// Subnet layouts of dex's own VPC (network.subnets): a tier listed as [] is one the VPC does not
// have. Without public subnets the VPC is isolated: no internet gateway and no NAT, so nothing
// can face the internet (DEX796) and nothing can ask for NAT or IPv6's egress gateway (DEX795);
// what the workloads need from AWS comes through endpoints (DEX329, DEX790–792 then apply as
// they do with natGateways: none). Without a database tier each data store names the tier it
// goes to (DEX797), so none lands beside the services by accident. Intra subnets (no route out)
// exist for the EKS control plane's interfaces: asked of an imported VPC, dex has none to give
// (DEX798); listed with nothing in them, they are address space spent on nothing (DEX799).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function isolatedFindings(spec: NormalizedSpec): Finding[] {
  const findings: Finding[] = [];
  const net = spec.network;
  if (net.natGateways !== 'none') {
    findings.push({
      code: 'DEX795',
      message: `network.natGateways is ${net.natGateways}, but network.subnets.public is [] (an isolated VPC): a NAT gateway lives in a public subnet and routes through the internet gateway an isolated VPC does not have`,
      path: ['network', 'natGateways'],
      hint: 'remove network.natGateways (an isolated VPC reaches AWS through network.endpoints), or list public subnets',
    });
  }
  if (net.ipv6) {
    findings.push({
      code: 'DEX795',
      message: 'network.ipv6 is true, but network.subnets.public is [] (an isolated VPC): dual-stack gives the private subnets an egress-only internet gateway, a route out the isolated VPC must not have',
      path: ['network', 'ipv6'],
      hint: 'remove network.ipv6, or list public subnets',
    });
  }
  const why = 'network.subnets.public is [] (an isolated VPC, no internet gateway)';
  if (spec.ingress.loadBalancer === 'alb') {
    for (const s of Object.values(spec.services).sort(byName)) {
      if (!s.expose.public || s.port === undefined) continue;
      findings.push({
        code: 'DEX796',
        message: `service ${s.name} is exposed publicly, but ${why}: an internet-facing load balancer needs public subnets`,
        path: ['services', s.name, 'expose', 'public'],
        hint: `set expose.public: false on ${s.name} (an internal load balancer in ingress.loadBalancers serves callers inside the VPC), or list public subnets`,
      });
    }
  }
  for (const lb of Object.values(spec.ingress.loadBalancers ?? {}).sort(byName)) {
    if (lb.scheme !== 'internet-facing') continue;
    findings.push({
      code: 'DEX796',
      message: `load balancer ${lb.name} is internet-facing, but ${why}`,
      path: ['ingress', 'loadBalancers', lb.name],
      hint: `set scheme: internal on ${lb.name}, or list public subnets`,
    });
  }
  if (net.bastion.enabled) {
    findings.push({
      code: 'DEX796',
      message: `network.bastion is enabled, but ${why}: the bastion lives in a public subnet`,
      path: ['network', 'bastion', 'enabled'],
      hint: 'turn the bastion off and use SSM Session Manager (dex adds the ssm endpoints for instances without NAT), or list public subnets',
    });
  }
  return findings;
}

function noDatabaseTierFindings(spec: NormalizedSpec): Finding[] {
  const stores = [
    ...Object.values(spec.databases).filter((d) => d.subnetTier === 'database').map((d) => ({ kind: 'databases', what: 'database', name: d.name })),
    ...Object.values(spec.caches).filter((c) => c.subnetTier === 'database').map((c) => ({ kind: 'caches', what: 'cache', name: c.name })),
  ].sort((a, b) => (a.kind === b.kind ? byName(a, b) : a.kind < b.kind ? -1 : 1));
  return stores.map((s) => ({
    code: 'DEX797',
    message: `${s.what} ${s.name} goes to the database subnets, but network.subnets.database is [] (the VPC has no database tier)`,
    path: [s.kind, s.name],
    hint: `set subnets: private on ${s.kind}.${s.name} to place it in the private subnets (its security group still admits only the services that use it), or list network.subnets.database`,
  }));
}

function intraFindings(spec: NormalizedSpec, intraGiven: boolean): Finding[] {
  const net = spec.network;
  const eks = spec.platforms.eks;
  if (net.imported) {
    const findings: Finding[] = [];
    if (intraGiven) {
      findings.push({
        code: 'DEX798',
        message: 'network.subnets.intra lists subnets, but network.vpcId imports a VPC: dex makes no subnets in a VPC it does not own, and places nothing in an imported intra tier',
        path: ['network', 'subnets', 'intra'],
        hint: 'remove network.subnets.intra',
      });
    }
    if (eks.controlPlaneSubnets === 'intra') {
      findings.push({
        code: 'DEX798',
        message: 'platforms.eks.controlPlaneSubnets is intra, but network.vpcId imports a VPC: dex knows no intra subnets of it and makes none in a VPC it does not own',
        path: ['platforms', 'eks', 'controlPlaneSubnets'],
        hint: 'remove controlPlaneSubnets (the control plane then uses network.subnets.private), or let dex make the VPC',
      });
    }
    return findings;
  }
  if (intraGiven && eks.controlPlaneSubnets !== 'intra') {
    return [
      {
        code: 'DEX799',
        severity: 'warning',
        message: 'network.subnets.intra lists subnets nothing is placed in: dex puts only the EKS control plane there (platforms.eks.controlPlaneSubnets: intra)',
        path: ['network', 'subnets', 'intra'],
        hint: 'set platforms.eks.controlPlaneSubnets: intra, or remove network.subnets.intra',
      },
    ];
  }
  return [];
}

export const subnetLayoutsRule: SemanticRule = {
  id: 'subnet-layouts',
  check(spec: NormalizedSpec): Finding[] {
    const net = spec.network;
    const intraGiven = !net.subnetsDerived.intra && net.subnets.intra.length > 0;
    return [
      ...(net.isolated ? isolatedFindings(spec) : []),
      ...(!net.imported && !net.subnetsDerived.database && net.subnets.database.length === 0 ? noDatabaseTierFindings(spec) : []),
      ...intraFindings(spec, intraGiven),
    ];
  },
};
