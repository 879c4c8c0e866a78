// The audit layer: who called which AWS API (a CloudTrail trail), which web requests reached the
// load balancer (WAF logs, ALB access logs). The database log exports are services/rds.ts's (their
// log groups must exist before the instance). On by default; pci-dss and soc2 require every part
// (compiler/checks/audit.ts).
import { ID, getAtt, namePrefix, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { LAYER_ORDER, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';
import { exposedNames, namedLoadBalancerOf } from '../compiler/model/exposure.js';
import { bucketIds } from './buckets.js';
import { accessLogDelivery, denyInsecureTransport, logBucketProperties, serverAccessLogging } from './s3.js';

const COMPONENT = 'audit';
// Not services/alb.ts's hasLoadBalancer: alb.ts reads this module's attributes.
// Named load balancers (ingress.loadBalancers) log to the same bucket.
const hasLoadBalancer = (spec: NormalizedSpec): boolean => exposedNames(spec).size > 0 || Object.values(spec.services).some((s) => namedLoadBalancerOf(spec, s) !== undefined);
/** A named NLB logs (its TLS connections) through CloudWatch vended-log delivery, which the bucket must admit too. */
const hasNlb = (spec: NormalizedSpec): boolean =>
  Object.values(spec.services).some((s) => {
    const lb = namedLoadBalancerOf(spec, s);
    return lb !== undefined && spec.ingress.loadBalancers![lb]!.type === 'nlb';
  });

export const AUDIT_ID = {
  trail: 'AuditTrail',
  trailBucket: 'AuditTrailBucket',
  trailBucketPolicy: 'AuditTrailBucketPolicy',
  trailLogGroup: 'AuditTrailLogGroup',
  trailLogsRole: 'AuditTrailLogsRole',
  wafLogGroup: 'WafRequestLog',
  wafLogging: 'WafRequestLogConfiguration',
  albLogBucket: 'AlbAccessLogBucket',
  albLogBucketPolicy: 'AlbAccessLogBucketPolicy',
  accessLogBucket: 'S3AccessLogBucket',
  accessLogBucketPolicy: 'S3AccessLogBucketPolicy',
} as const;

/** The values CloudWatch Logs accepts for RetentionInDays. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The shortest retention CloudWatch Logs accepts that keeps at least `days`. */
export function logRetentionAtLeast(days: number): number {
  return LOG_RETENTION_DAYS.find((d) => d >= days) ?? 3653;
}

export const trailName = (spec: NormalizedSpec): string => `${namePrefix(spec)}-audit`;
/** The trail's ARN as CloudTrail writes it in aws:SourceArn, known before the trail exists. */
export const trailArn = (spec: NormalizedSpec): CfnValue => sub(`arn:\${AWS::Partition}:cloudtrail:\${AWS::Region}:\${AWS::AccountId}:trail/${trailName(spec)}`);

export const hasTrail = (spec: NormalizedSpec): boolean => spec.audit.trail;


/** The web ACL exists (services/waf.ts): the shared ALB, or a named internet-facing ALB, has services. */
const hasWebAcl = (spec: NormalizedSpec): boolean =>
  exposedNames(spec).size > 0 ||
  Object.values(spec.services).some((s) => {
    const lb = namedLoadBalancerOf(spec, s);
    return lb !== undefined && spec.ingress.loadBalancers![lb]!.type === 'alb' && spec.ingress.loadBalancers![lb]!.scheme === 'internet-facing';
  });
export const hasWafLogs = (spec: NormalizedSpec): boolean => spec.audit.wafLogs && spec.ingress.waf.enabled && hasWebAcl(spec);
export const hasAlbAccessLogs = (spec: NormalizedSpec): boolean => spec.audit.albAccessLogs && hasLoadBalancer(spec);


/**
 * A log bucket: private, owner-enforced, versioned, TLS only, objects expired after the audit
 * retention; its server access logs go to the environment's access-log bucket (FSBP S3.9),
 * except for that bucket itself (`accessLogs: false`): logging into itself would log its own
 * log deliveries without end.
 */
function logBucket(spec: NormalizedSpec, logicalId: string, layer: ModelResource['layer'], origin: (string | number)[], encryption: CfnValue, usage: UsageMeter[], accessLogs = true): ModelResource {
  return {
    ...resource({
      logicalId,
      type: 'AWS::S3::Bucket',
      layer,
      component: COMPONENT,
      origin,
      properties: {
        ...logBucketProperties(encryption, spec.audit.retentionDays),
        ...(accessLogs ? { LoggingConfiguration: serverAccessLogging(AUDIT_ID.accessLogBucket, logicalId) } : {}),
        Tags: tagList(spec, COMPONENT),
      },
      usage,
    }),
    // Retained: audit evidence outlives the stack that wrote it.
    deletionPolicy: 'Retain',
    updateReplacePolicy: 'Retain',
  };
}

/**
 * The object lock on the trail's bucket, how a log file stays as CloudTrail wrote it for the whole
 * retention (PCI DSS 10.3.2, SOC 2 CC7.2): COMPLIANCE mode in a protected environment (no one, root
 * included, can delete or overwrite a version before its retention ends), GOVERNANCE elsewhere (a
 * principal granted s3:BypassGovernanceRetention can clear a disposable environment). The
 * lifecycle rule's expiry then removes versions only once their lock has run out.
 */
export const trailObjectLockMode = (spec: NormalizedSpec): 'COMPLIANCE' | 'GOVERNANCE' => (spec.protect ? 'COMPLIANCE' : 'GOVERNANCE');

function withObjectLock(spec: NormalizedSpec, bucket: ModelResource): ModelResource {
  return {
    ...bucket,
    properties: {
      ...bucket.properties,
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: trailObjectLockMode(spec), Days: spec.audit.retentionDays } } },
    },
  };
}

function trail(spec: NormalizedSpec): ModelResource[] {
  const origin = ['audit', 'trail'];
  const bucket = AUDIT_ID.trailBucket;
  const sourceArn = { StringEquals: { 'aws:SourceArn': trailArn(spec) } };
  return [
    withObjectLock(spec, logBucket(spec, bucket, 'monitoring', origin, { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(ID.kmsKey, 'Arn') }, BucketKeyEnabled: true }, [
      {
        meter: 's3.storage',
        unit: 'GB-month',
        quantity: { min: 0, max: 0 },
        attributes: { storageClass: 'STANDARD' },
        quantityUnknown: "the size of the CloudTrail log files follows the account's API activity, which dex has no usage assumption for (a few GB a year for a small system)",
        basis:
          `CloudTrail log files (management events only: data events are not enabled), kept ${spec.audit.retentionDays} days; their size follows the account's API activity, which the spec does not give (a few GB a year for a small system). ` +
          'The trail itself: the first copy of management events in each region is free; a second trail in the same account (another environment) is billed at $2.00 per 100,000 events, not priced here',
      },
    ])),
    resource({
      logicalId: AUDIT_ID.trailBucketPolicy,
      type: 'AWS::S3::BucketPolicy',
      layer: 'monitoring',
      component: COMPONENT,
      origin,
      properties: {
        Bucket: ref(bucket),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            denyInsecureTransport(bucket),
            { Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: getAtt(bucket, 'Arn'), Condition: sourceArn },
            {
              Sid: 'CloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: sub(`\${${bucket}.Arn}/AWSLogs/\${AWS::AccountId}/*`),
              Condition: { StringEquals: { 'aws:SourceArn': trailArn(spec), 's3:x-amz-acl': 'bucket-owner-full-control' } },
            },
          ],
        },
      },
    }),
    // Retained like the bucket: audit evidence. No fixed name, so a stack created again after a
    // deletion does not collide with the retained group.
    resource({
      logicalId: AUDIT_ID.trailLogGroup,
      type: 'AWS::Logs::LogGroup',
      layer: 'monitoring',
      component: COMPONENT,
      origin,
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      properties: { KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: logRetentionAtLeast(spec.audit.retentionDays), Tags: tagList(spec, COMPONENT) },
      usage: [
        {
          meter: 'logs.ingest',
          unit: 'GB',
          quantity: { min: 0, max: 0 },
          attributes: { logClass: 'STANDARD' },
          quantityUnknown: "the volume of CloudTrail management events follows the account's API activity, which dex has no usage assumption for (tens to hundreds of MB a month for a small system)",
          basis: "CloudTrail management events copied to CloudWatch Logs: their volume follows the account's API activity, which the spec does not give (tens to hundreds of MB a month for a small system)",
        },
        {
          meter: 'logs.storage',
          unit: 'GB-month',
          quantity: { min: 0, max: 0 },
          attributes: {},
          quantityUnknown: "the volume of CloudTrail management events follows the account's API activity, which dex has no usage assumption for",
          basis: `CloudTrail management events kept ${logRetentionAtLeast(spec.audit.retentionDays)} days in CloudWatch Logs: volume not known`,
        },
      ],
    }),
    resource({
      logicalId: AUDIT_ID.trailLogsRole,
      type: 'AWS::IAM::Role',
      layer: 'monitoring',
      component: COMPONENT,
      origin,
      properties: {
        Description: "Lets this environment's trail deliver events to its log group, and nothing else",
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceArn': trailArn(spec), 'aws:SourceAccount': ref('AWS::AccountId') } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'deliver-trail-events',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'WriteTrailLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(AUDIT_ID.trailLogGroup, 'Arn') },
              ],
            },
          },
        ],
        Tags: tagList(spec, COMPONENT),
      },
    }),
    resource({
      logicalId: AUDIT_ID.trail,
      type: 'AWS::CloudTrail::Trail',
      layer: 'monitoring',
      component: COMPONENT,
      origin,
      dependsOn: [AUDIT_ID.trailBucketPolicy, AUDIT_ID.trailLogsRole],
      properties: {
        TrailName: trailName(spec),
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        KMSKeyId: getAtt(ID.kmsKey, 'Arn'),
        S3BucketName: ref(bucket),
        CloudWatchLogsLogGroupArn: getAtt(AUDIT_ID.trailLogGroup, 'Arn'),
        CloudWatchLogsRoleArn: getAtt(AUDIT_ID.trailLogsRole, 'Arn'),
        Tags: tagList(spec, COMPONENT),
      },
    }),
  ];
}

/** Bytes a WAF log record takes, about: the request's headers, the rule matches and labels. */
const WAF_LOG_RECORD_BYTES = 1500;
/** Bytes an ALB access log line takes, about (uncompressed; ALB delivers them gzipped). */
const ALB_LOG_LINE_BYTES = 500;
const SECONDS_PER_MONTH = 730 * 3600;
const round = (n: number): number => Math.round(n * 1000) / 1000;

function wafLogs(spec: NormalizedSpec): ModelResource[] {
  const origin = ['audit', 'wafLogs'];
  const requests = spec.usage.wafRequestsPerMonth;
  const retention = logRetentionAtLeast(spec.audit.retentionDays);
  const gb = requests === undefined ? 0 : round((requests * WAF_LOG_RECORD_BYTES) / 1e9);
  const why = requests === undefined ? 'usage.wafRequestsPerMonth not set' : `usage.wafRequestsPerMonth ${requests} requests × about ${WAF_LOG_RECORD_BYTES} bytes a log record`;
  return [
    {
      ...resource({
        logicalId: AUDIT_ID.wafLogGroup,
        type: 'AWS::Logs::LogGroup',
        layer: 'ingress',
        component: COMPONENT,
        origin,
        // WAF logs only to a log group whose name starts with aws-waf-logs-.
        properties: { LogGroupName: `aws-waf-logs-${namePrefix(spec)}`, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: retention, Tags: tagList(spec, COMPONENT) },
        usage: [
          { meter: 'logs.ingest', unit: 'GB', quantity: { min: gb, max: gb }, attributes: { logType: 'vended' }, basis: `${why} (vended logs)` },
          { meter: 'logs.storage', unit: 'GB-month', quantity: { min: Math.min(gb, round(gb * (retention / 30.4))), max: Math.max(gb, round(gb * (retention / 30.4))) }, attributes: {}, basis: `${why}, kept ${retention} days (uncompressed, an upper bound)` },
        ],
      }),
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
    },
    resource({
      logicalId: AUDIT_ID.wafLogging,
      type: 'AWS::WAFv2::LoggingConfiguration',
      layer: 'ingress',
      component: COMPONENT,
      origin,
      properties: {
        ResourceArn: getAtt(ID.webAcl, 'Arn'),
        // The log group's ARN without the ':*' its Arn attribute ends in: WAF refuses that form.
        LogDestinationConfigs: [sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${AUDIT_ID.wafLogGroup}}`)],
        RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
      },
    }),
  ];
}

function albAccessLogs(spec: NormalizedSpec): ModelResource[] {
  const origin = ['audit', 'albAccessLogs'];
  const bucket = AUDIT_ID.albLogBucket;
  const rps = spec.usage.albRequestsPerSecond;
  const gb = rps === undefined ? 0 : round((rps * SECONDS_PER_MONTH * ALB_LOG_LINE_BYTES) / 1e9);
  const months = spec.audit.retentionDays / 30.4;
  return [
    // SSE-S3: ALB access logs cannot be delivered to a bucket encrypted with SSE-KMS.
    logBucket(spec, bucket, 'ingress', origin, { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }, [
      {
        meter: 's3.storage',
        unit: 'GB-month',
        quantity: { min: Math.min(gb, round(gb * months)), max: Math.max(gb, round(gb * months)) },
        attributes: { storageClass: 'STANDARD' },
        basis:
          rps === undefined
            ? 'usage.albRequestsPerSecond not set'
            : `usage.albRequestsPerSecond ${rps} × ${SECONDS_PER_MONTH} s × about ${ALB_LOG_LINE_BYTES} bytes a log line a month, kept ${spec.audit.retentionDays} days (uncompressed, an upper bound: ALB writes gzip)`,
      },
    ]),
    resource({
      logicalId: AUDIT_ID.albLogBucketPolicy,
      type: 'AWS::S3::BucketPolicy',
      layer: 'ingress',
      component: COMPONENT,
      origin,
      properties: {
        Bucket: ref(bucket),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            denyInsecureTransport(bucket),
            {
              // The log-delivery service principal (regions since August 2022 accept only it);
              // writes only under this account's prefix.
              Sid: 'ElbLogDelivery',
              Effect: 'Allow',
              Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: sub(`\${${bucket}.Arn}/AWSLogs/\${AWS::AccountId}/*`),
            },
            ...(hasNlb(spec)
              ? [
                  {
                    // NLB access logs (TLS listeners) arrive through vended-log delivery, from this account only.
                    Sid: 'NlbLogDelivery',
                    Effect: 'Allow',
                    Principal: { Service: 'delivery.logs.amazonaws.com' },
                    Action: 's3:PutObject',
                    Resource: sub(`\${${bucket}.Arn}/AWSLogs/\${AWS::AccountId}/*`),
                    Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
                  },
                  {
                    Sid: 'NlbLogDeliveryAclCheck',
                    Effect: 'Allow',
                    Principal: { Service: 'delivery.logs.amazonaws.com' },
                    Action: 's3:GetBucketAcl',
                    Resource: getAtt(bucket, 'Arn'),
                    Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
                  },
                ]
              : []),
          ],
        },
      },
    }),
  ];
}

/** The load balancer attributes that turn its access logs on (services/alb.ts adds them). */
export function albAccessLogAttributes(spec: NormalizedSpec): CfnValue[] {
  if (!hasAlbAccessLogs(spec)) return [];
  return [
    { Key: 'access_logs.s3.enabled', Value: 'true' },
    { Key: 'access_logs.s3.bucket', Value: ref(AUDIT_ID.albLogBucket) },
  ];
}

/** Bytes of one server access log record, about (S3 writes one per request to the bucket). */
const ACCESS_LOG_RECORD_BYTES = 350;
/** Log files CloudTrail (per region of a multi-region trail) and an ALB (per node) deliver: one each 5 minutes. */
const DELIVERIES_PER_MONTH = 12 * 730;
/** Regions a multi-region trail delivers from, about (the commercial regions enabled by default). */
const TRAIL_REGIONS = 17;

/**
 * The environment's server access-log bucket (FSBP S3.9), for the buckets of the audit layer.
 * In `security`, before every bucket that logs into it; its policy is in the layer of the last
 * of them, since it names each source bucket's ARN (aws:SourceArn) and a stack can only refer
 * back. Requests of the first deploy that arrive before the policy are not logged.
 */
function accessLogs(spec: NormalizedSpec, sources: readonly Pick<ModelResource, 'logicalId' | 'layer'>[]): ModelResource[] {
  if (sources.length === 0) return [];
  const origin = ['audit'];
  const bucket = AUDIT_ID.accessLogBucket;
  const trail = hasTrail(spec) ? TRAIL_REGIONS * DELIVERIES_PER_MONTH * 2 : 0; // a GetBucketAcl check with each PutObject
  const alb = hasAlbAccessLogs(spec) ? spec.network.availabilityZones * DELIVERIES_PER_MONTH : 0;
  const gb = round(((trail + alb) * ACCESS_LOG_RECORD_BYTES) / 1e9);
  const months = spec.audit.retentionDays / 30.4;
  const last = sources.reduce((a, b) => (LAYER_ORDER.indexOf(b.layer) > LAYER_ORDER.indexOf(a.layer) ? b : a));
  return [
    logBucket(spec, bucket, 'security', origin, { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }, [
      {
        meter: 's3.storage',
        unit: 'GB-month',
        quantity: { min: Math.min(gb, round(gb * months)), max: Math.max(gb, round(gb * months)) },
        attributes: { storageClass: 'STANDARD' },
        basis:
          `server access log records (about ${ACCESS_LOG_RECORD_BYTES} bytes each) of the log deliveries into the audit buckets: ` +
          [trail ? `CloudTrail's ${DELIVERIES_PER_MONTH} files a month from each of about ${TRAIL_REGIONS} regions with an ACL check each` : '', alb ? `the load balancer's ${DELIVERIES_PER_MONTH} files a month per zone` : '']
            .filter(Boolean)
            .join(', ') +
          `; kept ${spec.audit.retentionDays} days. Reads by people are not counted. S3 charges nothing for the logging itself, only this storage`,
      },
    ], false),
    resource({
      logicalId: AUDIT_ID.accessLogBucketPolicy,
      type: 'AWS::S3::BucketPolicy',
      layer: last.layer,
      component: COMPONENT,
      origin,
      properties: {
        Bucket: ref(bucket),
        PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport(bucket), accessLogDelivery(bucket, sources.map((s) => s.logicalId))] },
      },
    }),
  ];
}

function buildAudit(spec: NormalizedSpec): ModelResource[] {
  const out = [...(hasTrail(spec) ? trail(spec) : []), ...(hasWafLogs(spec) ? wafLogs(spec) : []), ...(hasAlbAccessLogs(spec) ? albAccessLogs(spec) : [])];
  // The spec's buckets (services/buckets.ts, data layer) log into the same bucket.
  const own = bucketIds(spec).map((logicalId) => ({ logicalId, layer: 'data' as const }));
  return [...out, ...accessLogs(spec, [...out.filter((r) => r.type === 'AWS::S3::Bucket'), ...own])];
}

export const audit: BuildingBlock = { name: 'audit', build: buildAudit };
