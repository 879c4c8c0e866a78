// The registries: every building block, semantic rule, compliance rule and emitter dex runs, wired
// here and nowhere else. Adding one means adding its module in its own layer and one line here.
import { alb } from '../services/alb.js';
import { audit } from '../services/audit.js';
import { domain } from '../services/domain.js';
import { loadBalancers } from '../services/load-balancers.js';
import { bastion } from '../services/bastion.js';
import { buckets } from '../services/buckets.js';
import { dynamodb } from '../services/dynamodb.js';
import { efs } from '../services/efs.js';
import { cicd } from '../services/cicd.js';
import { budget } from '../services/budget.js';
import { kms } from '../services/kms.js';
import { secrets } from '../services/secrets.js';
import { cognito } from '../services/cognito.js';
import { securityGroups } from '../services/security-groups.js';
import { vpc } from '../services/vpc.js';
import { waf } from '../services/waf.js';
import { ec2 } from '../services/ec2.js';
import { ecs } from '../services/ecs.js';
import { eks } from '../services/eks.js';
import { discovery } from '../services/discovery.js';
import { eksFargate } from '../services/eks-fargate.js';
import { karpenter } from '../services/karpenter.js';
import { elasticache } from '../services/elasticache.js';
import { messaging } from '../services/messaging.js';
import { mq } from '../services/mq.js';
import { queueScaling } from '../services/queue-scaling.js';
import { scalingSignalsBlock } from '../services/scaling-signals.js';
import { iam } from '../services/iam.js';
import { monitoring } from '../services/monitoring.js';
import { rds } from '../services/rds.js';
import { withPermissionsBoundary } from '../services/permissions-boundary.js';
import type { BuildingBlock } from '../compiler/model/types.js';
import type { SemanticRule } from '../compiler/checks/index.js';
import { alertsRule } from '../compiler/checks/alerts.js';
import { auditRule } from '../compiler/checks/audit.js';
import { grafanaSignInRule } from '../compiler/checks/grafana.js';
import { boundsRule } from '../compiler/checks/bounds.js';
import { cacheSignInRule } from '../compiler/checks/caches.js';
import { stagesRule, strategyPlatformRule } from '../compiler/checks/cicd.js';
import { ingressRule } from '../compiler/checks/ingress.js';
import { domainRule } from '../compiler/checks/domain.js';
import { loadBalancersRule } from '../compiler/checks/load-balancers.js';
import { derivedNamesRule, duplicateAlertsRule, listenerRulesRule } from '../compiler/checks/names.js';
import { networkRule, privateEndpointsRule } from '../compiler/checks/network.js';
import { importedVpcRule } from '../compiler/checks/imported-vpc.js';
import { reachabilityRule } from '../compiler/checks/reachability.js';
import { subnetLayoutsRule } from '../compiler/checks/layouts.js';
import { envReferencesRule } from '../compiler/checks/env-references.js';
import { architectureRule, fargateRule, placementSettingsRule, podFitRule } from '../compiler/checks/placement.js';
import { eksEndpointRule, eksVersionRule, unusedPlatformRule, type ExistingEksClusters } from '../compiler/checks/platforms.js';
import { portsRule } from '../compiler/checks/ports.js';
import { healthRule } from '../compiler/checks/health.js';
import { trafficRule } from '../compiler/checks/traffic.js';
import { instanceTypesRule } from '../compiler/checks/instance-types.js';
import { nodeGroupsRule } from '../compiler/checks/node-groups.js';
import { fargateProfilesRule } from '../compiler/checks/fargate-profiles.js';
import { karpenterRule } from '../compiler/checks/karpenter.js';
import { resourceLimitsRule } from '../compiler/checks/resources.js';
import { securityContextRule } from '../compiler/checks/security-context.js';
import { sidecarsRule } from '../compiler/checks/sidecars.js';
import { permissionsRule } from '../compiler/checks/permissions.js';
import { execRule } from '../compiler/checks/exec.js';
import { capacityRule } from '../compiler/checks/capacity.js';
import { kindsRule } from '../compiler/checks/kinds.js';
import { messagingRule } from '../compiler/checks/messaging.js';
import { scalingRule } from '../compiler/checks/scaling.js';
import { discoveryRule } from '../compiler/checks/discovery.js';
import { cycleRule, usesRule } from '../compiler/checks/references.js';
import { databasesRule } from '../compiler/checks/databases.js';
import { backupRegionRule } from '../compiler/checks/regions.js';
import { wafLargeBodiesRule } from '../compiler/checks/waf.js';
import { storesRule } from '../compiler/checks/stores.js';
import { volumesRule } from '../compiler/checks/volumes.js';
import { brokersRule } from '../compiler/checks/brokers.js';
import { plaintextSecretsRule, secretEnvCollisionRule } from '../compiler/checks/secrets.js';
import { sharedSecretsRule } from '../compiler/checks/shared-secrets.js';
import type { ComplianceRule } from '../compiler/compliance/types.js';
import { BASELINE_RULES } from '../compiler/compliance/rules/baseline.js';
import { EKS_CAPACITY_RULES } from '../compiler/compliance/rules/eks-capacity.js';
import { CONFLICT_RULES } from '../compiler/compliance/rules/conflicts.js';
import { MESSAGING_RULES } from '../compiler/compliance/rules/messaging.js';
import { GDPR_RULES } from '../compiler/compliance/rules/gdpr.js';
import { INDIA_RULES } from '../compiler/compliance/rules/india.js';
import { PCI_RULES } from '../compiler/compliance/rules/pci-dss.js';
import { SOC2_RULES } from '../compiler/compliance/rules/soc2.js';
import type { EnvironmentEmitter, SystemEmitter } from '../emitters/index.js';
import { kubernetesEmitter } from '../emitters/kubernetes.js';
import { monitoringEmitter } from '../emitters/monitoring/index.js';
import { ciEmitter } from '../emitters/ci/index.js';

/**
 * Building blocks, in the order they run (the model is sorted afterwards, so order only names
 * duplicates). Every role they emit carries the environment's permissions boundary.
 */
export const BUILDING_BLOCKS: readonly BuildingBlock[] = [
  vpc,
  kms,
  securityGroups,
  secrets,
  cognito,
  bastion,
  alb,
  domain,
  loadBalancers,
  waf,
  iam,
  rds,
  elasticache,
  messaging,
  mq,
  buckets,
  dynamodb,
  efs,
  discovery,
  ecs,
  eks,
  eksFargate,
  karpenter,
  ec2,
  queueScaling,
  scalingSignalsBlock,
  monitoring,
  audit,
  cicd,
  budget,
].map(withPermissionsBoundary);

/**
 * Semantic rules, run in this order; output is sorted afterwards, so order only breaks ties. `today`
 * dates the EKS calendar; `existingEksClusters` (read by a cli adapter) tells a running cluster from a new one.
 */
export function semanticRules(today: () => Date, existingEksClusters: ExistingEksClusters = {}): readonly SemanticRule[] {
  return [
    networkRule,
    importedVpcRule,
    privateEndpointsRule,
    reachabilityRule,
    subnetLayoutsRule,
    envReferencesRule,
    portsRule,
    healthRule,
    trafficRule,
    instanceTypesRule,
    nodeGroupsRule,
    fargateProfilesRule,
    karpenterRule,
    resourceLimitsRule,
    securityContextRule,
    sidecarsRule,
    permissionsRule,
    execRule,
    capacityRule,
    kindsRule,
    usesRule,
    cycleRule,
    discoveryRule,
    boundsRule,
    databasesRule,
    cacheSignInRule,
    placementSettingsRule,
    architectureRule,
    fargateRule,
    podFitRule,
    ingressRule,
    domainRule,
    loadBalancersRule,
    alertsRule,
    unusedPlatformRule,
    eksEndpointRule,
    eksVersionRule(today, existingEksClusters),
    backupRegionRule,
    auditRule,
    grafanaSignInRule,
    stagesRule,
    strategyPlatformRule,
    plaintextSecretsRule,
    secretEnvCollisionRule,
    sharedSecretsRule,
    derivedNamesRule,
    listenerRulesRule,
    duplicateAlertsRule,
    wafLargeBodiesRule,
    messagingRule,
    scalingRule,
    storesRule,
    volumesRule,
    brokersRule,
  ];
}

/** Every compliance rule, in report order. docs/compliance.md lists the same rules (a test keeps them in step). */
export const COMPLIANCE_RULES: readonly ComplianceRule[] = [...BASELINE_RULES, ...MESSAGING_RULES, ...EKS_CAPACITY_RULES, ...PCI_RULES, ...SOC2_RULES, ...GDPR_RULES, ...INDIA_RULES, ...CONFLICT_RULES];

/** Emitters of one environment's files besides CloudFormation and plan.json. */
export const ENVIRONMENT_EMITTERS: readonly EnvironmentEmitter[] = [kubernetesEmitter, monitoringEmitter];

/** Emitters of the files that span environments (out/ci/). */
export const SYSTEM_EMITTERS: readonly SystemEmitter[] = [ciEmitter];

/** What one run of the pipeline uses; tests swap parts of it (fake blocks, one rule). */
export interface Registries {
  readonly blocks: readonly BuildingBlock[];
  /** The semantic rules, dated by the analysis's clock (the EKS calendar). */
  readonly semanticRules: (today: () => Date, existingEksClusters?: ExistingEksClusters) => readonly SemanticRule[];
  readonly complianceRules: readonly ComplianceRule[];
  readonly environmentEmitters: readonly EnvironmentEmitter[];
  readonly systemEmitters: readonly SystemEmitter[];
}

export function defaultRegistries(): Registries {
  return { blocks: BUILDING_BLOCKS, semanticRules, complianceRules: COMPLIANCE_RULES, environmentEmitters: ENVIRONMENT_EMITTERS, systemEmitters: SYSTEM_EMITTERS };
}
