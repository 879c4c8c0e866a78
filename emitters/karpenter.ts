// Karpenter, the Kubernetes side (platforms.eks.autoscaler: karpenter): the NodePool and
// EC2NodeClass (karpenter.sh/v1, karpenter.k8s.aws/v1) and the Helm install addons.sh runs before
// `kubectl apply -k` (the chart brings the CRDs). services/karpenter.ts makes the AWS side.
import type { NormalizedSpec } from '../spec/model.js';
import { ID, namePrefix, tagList } from '../compiler/model/ids.js';
import { KUBE_ARCH, karpenterArchitectures, karpenterFamilies, usesKarpenter } from '../compiler/model/karpenter.js';
import { KARPENTER_NODE_DISK_GIB, KARPENTER_SERVICE_ACCOUNT, karpenterInstanceProfileName, karpenterQueueName } from '../services/karpenter.js';
import { shellArg } from '../compiler/model/quote.js';

type Obj = Record<string, unknown>;

/** The chart and its version: the release whose CRDs test/fixtures/k8s/crd-schemas.json holds. */
export const KARPENTER_CHART = { chart: 'oci://public.ecr.aws/karpenter/karpenter', version: '1.14.1' } as const;
export const KARPENTER_NAME = 'dex';
export const KARPENTER_ROLE_KEY = 'KARPENTER_CONTROLLER_ROLE_ARN';

export const needsKarpenter = (spec: NormalizedSpec): boolean => usesKarpenter(spec) && Object.values(spec.services).some((s) => s.placement === 'eks');

const quantity = (mib: number): string => (mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`);

export function karpenterObjects(spec: NormalizedSpec, labels: Record<string, string>): { file: string; object: Obj }[] {
  if (!needsKarpenter(spec)) return [];
  const k = spec.platforms.eks.karpenter!;
  const metadata = { name: KARPENTER_NAME, labels: { 'app.kubernetes.io/name': KARPENTER_NAME, ...labels } };
  const env = spec.environment ?? 'default';
  const nodeClass: Obj = {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata,
    spec: {
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { deleteOnTermination: true, encrypted: true, volumeSize: `${KARPENTER_NODE_DISK_GIB}Gi`, volumeType: 'gp3' } }],
      instanceProfile: karpenterInstanceProfileName(spec),
      // Hop limit 1, as the node groups' launch template: pods cannot reach IMDS and the node role.
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      // The node groups' security group, by the tags CloudFormation puts on what it creates (its
      // ID is known only after the deploy, and a placeholder would not pass the CRD's sg- pattern).
      securityGroupSelectorTerms: [{ tags: { 'aws:cloudformation:logical-id': ID.eksNodeSecurityGroup, 'dex:environment': env, 'dex:system': spec.name } }],
      subnetSelectorTerms: [{ tags: { 'dex:environment': env, 'dex:system': spec.name, 'dex:tier': 'private' } }],
      tags: Object.fromEntries(tagList(spec, 'platform/eks/karpenter').map((t) => [t.Key, t.Value])),
    },
  };
  const requirements: Obj[] = [
    { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [...karpenterFamilies(spec, k)] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...k.capacityTypes] },
    { key: 'kubernetes.io/arch', operator: 'In', values: karpenterArchitectures(spec, k).map((a) => KUBE_ARCH[a]) },
    { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
  ];
  const nodePool: Obj = {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata,
    spec: {
      disruption: { consolidateAfter: '1m', consolidationPolicy: k.consolidation === 'when-empty' ? 'WhenEmpty' : 'WhenEmptyOrUnderutilized' },
      limits: { cpu: String(k.limits.cpu), ...(k.limits.memoryMiB !== undefined ? { memory: quantity(k.limits.memoryMiB) } : {}) },
      template: {
        spec: {
          // Nodes are replaced after 30 days, so they pick up new AMIs (al2023@latest).
          expireAfter: '720h',
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: KARPENTER_NAME },
          requirements,
        },
      },
    },
  };
  return [
    { file: 'karpenter/ec2-node-class.yaml', object: nodeClass },
    { file: 'karpenter/node-pool.yaml', object: nodePool },
  ];
}

/** The lines addons.sh runs for Karpenter (its `value` helper reads stack-outputs.env). */
export function karpenterAddonLines(spec: NormalizedSpec): string[] {
  if (!needsKarpenter(spec)) return [];
  const { namespace, name } = KARPENTER_SERVICE_ACCOUNT;
  return [
    '',
    `# Karpenter ${KARPENTER_CHART.version} (controller and its CRDs NodePool, EC2NodeClass, NodeClaim), on the managed`,
    '# node groups (the chart keeps it off the nodes it launches), with the IRSA role and interruption queue of services/karpenter.ts.',
    [
      `helm upgrade --install karpenter ${KARPENTER_CHART.chart} --version ${KARPENTER_CHART.version} --namespace ${namespace}`,
      `  --set-string settings.clusterName=${shellArg(namePrefix(spec))} --set-string settings.interruptionQueue=${shellArg(karpenterQueueName(spec))}`,
      // Nodes answer IMDS to the host network only (hop limit 1): the controller is told its region.
      `  --set-string 'controller.env[0].name=AWS_REGION' --set-string ${shellArg(`controller.env[0].value=${spec.region}`)}`,
      `  --set serviceAccount.create=true --set-string serviceAccount.name=${name}`,
      `  --set-string "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=$(value ${KARPENTER_ROLE_KEY})"`,
      '  --wait --timeout 10m',
    ].join(' \\\n'),
  ];
}
