// Every problem dex reports is a Diagnostic: data, rendered in one place (cli/render.ts).
// Codes are a closed set; each has a documented meaning (docs/diagnostics.md, checked by a test).

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in characters. */
  readonly col: number;
  /** 0-based offset into the source text. */
  readonly offset: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A path into the spec, as keys and array indexes: ['services', 'kyc-service', 'port']. */
export type SpecPath = readonly (string | number)[];

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** Spec path the diagnostic is about (after the environment overlay, when there is one). */
  readonly path: SpecPath;
  readonly file?: string;
  readonly range?: Range;
  /** Shorthands of range.start, for consumers that want a flat record. */
  readonly line?: number;
  readonly col?: number;
  readonly hint?: string;
  /** The environment whose overlay produced the value, when not the base spec. */
  readonly environment?: string;
  /** The range may hold a secret (an env value): no output prints it. */
  readonly secret?: true;
}

/** A diagnostic before it is placed in a file: phases after parsing speak in spec paths only. */
export interface Finding {
  readonly code: DiagnosticCode;
  readonly severity?: Severity;
  readonly message: string;
  readonly path: SpecPath;
  readonly hint?: string;
  /** Point at the key rather than the value (unknown keys, duplicate names). */
  readonly atKey?: boolean;
  /** The range may hold a secret (an env value): no output prints it. */
  readonly secret?: true;
}

interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
}

/**
 * The catalogue of diagnostic codes. DEX1xx: reading the file; DEX2xx: schema; DEX3xx: meaning;
 * DEX4xx: environments; DEX5xx: secrets; DEX6xx: compliance; DEX7xx: data stores, messaging, domains, load
 * balancers and the network (DEX70x–71x databases, 72x–73x buckets and tables, 74x–75x queues and topics,
 * 76x–77x domains and load balancers, 78x–79x the network and values from resources); DEX8xx: EKS capacity
 * (Fargate profiles, Karpenter) and DEX85x scaling on other signals; DEX9xx: the command line and the tool itself.
 * (Fargate profiles, Karpenter: 81x) and EFS volumes (82x); DEX9xx: the command line and the tool itself.
 */
export const DIAGNOSTIC_CODES = {
  DEX100: { severity: 'error', title: 'File cannot be read' },
  DEX101: { severity: 'error', title: 'File is too large' },
  DEX102: { severity: 'error', title: 'File is not valid UTF-8' },
  DEX103: { severity: 'error', title: 'Tab character in indentation' },
  DEX104: { severity: 'error', title: 'YAML syntax error' },
  DEX105: { severity: 'error', title: 'Duplicate key' },
  DEX106: { severity: 'error', title: 'Alias expansion too large' },
  DEX107: { severity: 'error', title: 'Nesting too deep' },
  DEX108: { severity: 'error', title: 'Several YAML documents in one file' },
  DEX109: { severity: 'error', title: 'Unsupported YAML feature (custom tag, non-string key)' },
  DEX110: { severity: 'error', title: 'File is empty' },
  DEX111: { severity: 'warning', title: 'YAML warning' },
  DEX200: { severity: 'error', title: 'Unknown property' },
  DEX201: { severity: 'error', title: 'Missing required property' },
  DEX202: { severity: 'error', title: 'Wrong type' },
  DEX203: { severity: 'error', title: 'Value not allowed (enum or const)' },
  DEX204: { severity: 'error', title: 'Value does not match the expected format' },
  DEX205: { severity: 'error', title: 'Number out of range' },
  DEX206: { severity: 'error', title: 'Wrong number of items or properties' },
  DEX207: { severity: 'error', title: 'Duplicate item in a list' },
  DEX208: { severity: 'error', title: 'Invalid name' },
  DEX209: { severity: 'error', title: 'Schema violation' },
  DEX300: { severity: 'error', title: 'Invalid CIDR block' },
  DEX301: { severity: 'error', title: 'Subnet outside the VPC range' },
  DEX302: { severity: 'error', title: 'Overlapping address ranges' },
  DEX303: { severity: 'error', title: 'Subnets do not match the availability zones' },
  DEX304: { severity: 'error', title: 'Port collision' },
  DEX305: { severity: 'error', title: 'Unknown reference in uses' },
  DEX306: { severity: 'error', title: 'Dependency cycle between services' },
  DEX307: { severity: 'error', title: 'Minimum above maximum' },
  DEX308: { severity: 'error', title: 'Instance type not valid here' },
  DEX309: { severity: 'error', title: 'Invalid Fargate CPU and memory combination' },
  DEX310: { severity: 'error', title: 'Setting does not apply to this placement' },
  DEX311: { severity: 'error', title: 'Public service without a path or load balancer' },
  DEX312: { severity: 'error', title: 'Duplicate routing path' },
  DEX313: { severity: 'error', title: 'Unknown service in an alert' },
  DEX314: { severity: 'error', title: 'Alert threshold missing or ambiguous' },
  DEX315: { severity: 'warning', title: 'Node group instance types of different sizes' },
  DEX316: { severity: 'error', title: 'Resource values out of bounds' },
  DEX317: { severity: 'warning', title: 'Platform declared but unused' },
  DEX318: { severity: 'error', title: 'Backup region is the primary region' },
  DEX319: { severity: 'error', title: 'Pipeline stage names an unknown environment' },
  DEX320: { severity: 'error', title: 'TLS certificate region mismatch' },
  DEX321: { severity: 'warning', title: 'Kubernetes version near or past end of support' },
  DEX322: { severity: 'error', title: 'Too few availability zones' },
  DEX323: { severity: 'warning', title: 'Kubernetes API endpoint open to the internet' },
  DEX324: { severity: 'error', title: 'Names derive the same logical ID' },
  DEX325: { severity: 'error', title: 'Name reserved by dex' },
  DEX326: { severity: 'error', title: 'Too many public services for one load balancer' },
  DEX327: { severity: 'error', title: 'Duplicate alert name' },
  DEX328: { severity: 'error', title: 'CodePipeline across accounts' },
  DEX329: { severity: 'error', title: 'Private subnets cannot reach ECR, S3, CloudWatch Logs or Secrets Manager' },
  DEX330: { severity: 'info', title: 'Placement chosen by dex' },
  DEX331: { severity: 'error', title: 'Capability Fargate cannot add' },
  DEX332: { severity: 'error', title: 'Ephemeral storage outside Fargate\'s range' },
  DEX333: { severity: 'error', title: 'Ephemeral storage larger than the host\'s disk' },
  DEX334: { severity: 'warning', title: 'securityContext relaxes nothing' },
  DEX335: { severity: 'warning', title: 'Deployment strategy not available on this platform' },
  DEX336: { severity: 'error', title: 'Node group instance types conflict' },
  DEX337: { severity: 'error', title: 'Node label or taint EKS cannot set' },
  DEX338: { severity: 'error', title: 'Unknown or misplaced node group choice' },
  DEX339: { severity: 'error', title: 'Node group size, zone or update setting out of range' },
  DEX340: { severity: 'warning', title: 'Large-body WAF path not routed to a public service' },
  DEX341: { severity: 'warning', title: 'Large-body WAF paths have no effect' },
  DEX342: { severity: 'error', title: 'Large-body WAF path listed twice' },
  DEX343: { severity: 'error', title: 'Not an ACM certificate ARN of the region\'s partition' },
  DEX344: { severity: 'error', title: 'Name past an AWS limit' },
  DEX345: { severity: 'error', title: 'Physical name shared by two resources' },
  DEX346: { severity: 'warning', title: 'Class has no offline price in its region' },
  DEX347: { severity: 'error', title: 'Unknown EC2 instance type' },
  DEX348: { severity: 'error', title: 'Instance type not offered in the region' },
  DEX349: { severity: 'error', title: 'Every node group tainted' },
  DEX360: { severity: 'error', title: 'Audit log turned off under pci-dss or soc2' },
  DEX361: { severity: 'error', title: 'Audit log turned off without a reason' },
  DEX362: { severity: 'error', title: 'Grafana OIDC sign-in without a client ID' },
  DEX363: { severity: 'error', title: 'Grafana sign-in address not https' },
  DEX364: { severity: 'error', title: 'Grafana OIDC provider incomplete' },
  DEX365: { severity: 'error', title: 'Grafana OIDC role mapping names no group' },
  DEX366: { severity: 'error', title: 'Cognito domain prefix not allowed' },
  DEX367: { severity: 'warning', title: 'Grafana single sign-on without a route to the provider' },
  DEX368: { severity: 'warning', title: 'Grafana sign-in settings that have no effect' },
  DEX370: { severity: 'warning', title: 'Cache without users: one shared AUTH token' },
  DEX371: { severity: 'error', title: 'Backend on the public load balancer' },
  DEX372: { severity: 'error', title: 'Setting does not fit the kind of workload' },
  DEX373: { severity: 'error', title: 'Job without exactly one trigger' },
  DEX374: { severity: 'error', title: 'Invalid job schedule or time zone' },
  DEX375: { severity: 'error', title: 'Job placed on EC2' },
  DEX380: { severity: 'error', title: 'More than one way of checking health' },
  DEX381: { severity: 'error', title: 'Load balancer health check without an HTTP path' },
  DEX382: { severity: 'error', title: 'Health check of a service without a port' },
  DEX383: { severity: 'warning', title: 'Resource limits on Fargate' },
  DEX384: { severity: 'error', title: 'Resource limit below the reservation' },
  DEX385: { severity: 'error', title: 'Unknown reference in permissions' },
  DEX386: { severity: 'error', title: 'Malformed ARN in permissions' },
  DEX387: { severity: 'error', title: 'Permission a workload may not hold' },
  DEX388: { severity: 'error', title: 'Role policy over IAM\'s size limit' },
  DEX376: { severity: 'error', title: 'Address variable collides with another variable' },
  DEX377: { severity: 'error', title: 'Address names for something without an address' },
  DEX378: { severity: 'error', title: 'servicePort without a port' },
  DEX379: { severity: 'warning', title: 'servicePort that callers on another platform do not reach' },
  DEX390: { severity: 'warning', title: 'ECS Exec in a protected environment without a reason' },
  DEX391: { severity: 'error', title: 'exec on a placement other than ECS' },
  DEX392: { severity: 'error', title: 'EKS access principal is not an IAM role or user ARN' },
  DEX393: { severity: 'error', title: 'EKS access principal listed twice' },
  DEX394: { severity: 'warning', title: 'EKS access that reaches nothing' },
  DEX395: { severity: 'warning', title: 'ECS Exec without a route to its endpoints' },
  DEX400: { severity: 'error', title: 'Unknown environment' },
  DEX401: { severity: 'error', title: 'Overlay names something the base spec does not have' },
  DEX402: { severity: 'error', title: 'Reserved environment name' },
  DEX403: { severity: 'error', title: 'Environment without an account beside environments with one' },
  DEX500: { severity: 'error', title: 'Plaintext secret in the spec' },
  DEX501: { severity: 'error', title: 'Secret name collides with an environment variable' },
  DEX502: { severity: 'error', title: 'Unknown secret' },
  DEX503: { severity: 'error', title: 'Secret value refused' },
  DEX504: { severity: 'error', title: 'Secret has no value' },
  DEX505: { severity: 'error', title: 'Secrets Manager request failed' },
  DEX600: { severity: 'error', title: 'Compliance control failed' },
  DEX601: { severity: 'warning', title: 'Compliance warning' },
  DEX602: { severity: 'warning', title: 'Compliance regimes conflict' },
  DEX700: { severity: 'error', title: 'Database version not available for its engine' },
  DEX701: { severity: 'error', title: 'Instance class not available on Aurora' },
  DEX702: { severity: 'error', title: 'Aurora Serverless v2 capacity invalid' },
  DEX703: { severity: 'error', title: 'Log type not exported by the database engine' },
  DEX704: { severity: 'error', title: 'Maintenance or backup window invalid' },
  DEX705: { severity: 'error', title: 'Backup window overlaps the maintenance window' },
  DEX706: { severity: 'error', title: 'Database storage IOPS or throughput out of range' },
  DEX707: { severity: 'error', title: 'Database option does not apply to Aurora' },
  DEX708: { severity: 'error', title: 'Performance Insights retention invalid' },
  DEX709: { severity: 'warning', title: 'Free-storage alert does not watch Aurora' },
  DEX710: { severity: 'error', title: 'Unknown secret in a reference' },
  DEX711: { severity: 'error', title: 'Unknown key of a secret' },
  DEX712: { severity: 'error', title: 'Secret variable given twice' },
  DEX713: { severity: 'error', title: 'Reference to a JSON secret without a key' },
  DEX714: { severity: 'warning', title: 'Secret no service refers to' },
  DEX715: { severity: 'error', title: 'Existing secret declared wrongly' },
  DEX716: { severity: 'error', title: 'Existing secret in another region or account' },
  DEX717: { severity: 'error', title: 'Key of a secret value refused' },
  DEX718: { severity: 'error', title: 'Secret dex does not manage' },
  DEX719: { severity: 'warning', title: 'Existing secret name reads as an ARN suffix' },
  DEX720: { severity: 'error', title: 'Table without a partition key' },
  DEX721: { severity: 'error', title: 'Unknown bucket or table in uses' },
  DEX722: { severity: 'error', title: 'Name in uses is both a bucket or table and a database or cache' },
  DEX723: { severity: 'error', title: 'Bucket replicates to a backup region the system does not have' },
  DEX724: { severity: 'error', title: 'Bucket replicates to the backup region, but there are several' },
  DEX725: { severity: 'error', title: 'Bucket replicates to its own region' },
  DEX726: { severity: 'error', title: 'Bucket replicates without versioning' },
  DEX727: { severity: 'error', title: 'Table indexes: duplicate name or too many' },
  DEX728: { severity: 'error', title: 'Table key attribute with two types' },
  DEX729: { severity: 'error', title: 'Bucket lifecycle out of order' },
  DEX730: { severity: 'warning', title: 'Capacity of an on-demand table' },
  DEX731: { severity: 'error', title: 'Table capacity minimum above maximum' },
  DEX732: { severity: 'warning', title: 'Usage assumption for an undeclared bucket or table' },
  DEX737: { severity: 'error', title: 'Bucket or table listed twice in uses' },
  DEX740: { severity: 'error', title: 'Unknown queue or topic' },
  DEX741: { severity: 'error', title: 'Content-based deduplication on a standard queue or topic' },
  DEX742: { severity: 'error', title: 'FIFO and standard mixed between a topic and its subscription' },
  DEX743: { severity: 'error', title: 'Subscription to an unknown queue' },
  DEX744: { severity: 'error', title: 'HTTPS subscription endpoint refused' },
  DEX745: { severity: 'error', title: 'Visibility timeout shorter than the consumer needs' },
  DEX746: { severity: 'error', title: 'Scaling on a queue the service does not consume' },
  DEX747: { severity: 'warning', title: 'Queue nothing consumes' },
  DEX748: { severity: 'warning', title: 'Queue without a dead-letter queue' },
  DEX749: { severity: 'warning', title: 'Messaging setting that has no effect' },
  DEX750: { severity: 'error', title: 'Queue or topic name too long' },
  DEX751: { severity: 'warning', title: 'Queue or topic unreachable without NAT' },
  DEX752: { severity: 'error', title: 'Queue-backlog scaling on EKS' },
  DEX753: { severity: 'error', title: 'Queue-backlog scaling on ECS without Container Insights' },
  DEX754: { severity: 'error', title: 'Unknown broker in uses' },
  DEX755: { severity: 'warning', title: 'Single-instance broker in a production-like environment' },
  DEX756: { severity: 'error', title: 'Broker instance type that cannot run a cluster' },
  DEX757: { severity: 'warning', title: 'Broker no service uses' },
  DEX758: { severity: 'error', title: 'Broker named like a database, cache or service' },
  DEX760: { severity: 'error', title: 'Domain or host is not a DNS name' },
  DEX761: { severity: 'error', title: 'Host not under the domain' },
  DEX762: { severity: 'error', title: 'Subdomain without a domain, or beside a host' },
  DEX763: { severity: 'warning', title: 'Plain HTTP served' },
  DEX764: { severity: 'error', title: 'Plain HTTP in a production-like environment' },
  DEX765: { severity: 'info', title: 'Certificate ARN used instead of an issued certificate' },
  DEX766: { severity: 'warning', title: 'Domain without a load balancer' },
  DEX767: { severity: 'error', title: 'Domain without a name or a zone' },
  DEX768: { severity: 'error', title: 'Unknown load balancer' },
  DEX769: { severity: 'warning', title: 'WAF cannot protect an NLB' },
  DEX770: { severity: 'error', title: 'HTTPS or TLS listener without a certificate' },
  DEX771: { severity: 'error', title: 'Setting that does not fit the load balancer' },
  DEX772: { severity: 'error', title: 'Service behind a load balancer without a port or path' },
  DEX773: { severity: 'error', title: 'Two NLB listeners on one port' },
  DEX774: { severity: 'warning', title: 'Load balancer no service uses' },
  DEX780: { severity: 'error', title: 'Not a VPC or route table ID' },
  DEX781: { severity: 'error', title: 'Not a subnet ID in an imported VPC' },
  DEX782: { severity: 'error', title: 'Subnet ID without network.vpcId' },
  DEX783: { severity: 'error', title: 'Imported subnets do not match the availability zones' },
  DEX784: { severity: 'error', title: 'Subnet listed twice' },
  DEX785: { severity: 'error', title: 'Imported VPC without the public subnets the spec needs' },
  DEX786: { severity: 'info', title: 'Data stores in the private subnets of an imported VPC' },
  DEX787: { severity: 'error', title: 'Gateway endpoint in an imported VPC without route tables' },
  DEX788: { severity: 'error', title: 'Imported VPC without its CIDR' },
  DEX789: { severity: 'info', title: 'Imported VPC: what dex cannot vouch for' },
  DEX790: { severity: 'error', title: 'Image from a registry the private subnets cannot reach' },
  DEX791: { severity: 'error', title: 'EKS or EC2 workload without the endpoints it starts with' },
  DEX792: { severity: 'error', title: 'EKS pods without a route to STS for their IAM role' },
  DEX793: { severity: 'error', title: 'Env value refers to nothing dex makes' },
  DEX794: { severity: 'error', title: 'IPv6 asked of an imported VPC' },
  DEX775: { severity: 'error', title: 'Public-only EKS endpoint the nodes cannot reach without NAT' },
  DEX795: { severity: 'error', title: 'NAT or IPv6 egress asked of an isolated VPC' },
  DEX796: { severity: 'error', title: 'Internet-facing ingress in an isolated VPC' },
  DEX797: { severity: 'error', title: 'Data store without a tier in a VPC without database subnets' },
  DEX798: { severity: 'error', title: 'Intra subnets asked of an imported VPC' },
  DEX799: { severity: 'warning', title: 'Intra subnets nothing is placed in' },
  DEX810: { severity: 'error', title: 'Node group choice on a Fargate pod' },
  DEX811: { severity: 'error', title: 'Pod too large for EKS Fargate' },
  DEX812: { severity: 'error', title: 'arm64 image on EKS Fargate' },
  DEX813: { severity: 'warning', title: 'Fargate profile selector that selects no service' },
  DEX814: { severity: 'error', title: 'Fargate profile listed twice' },
  DEX815: { severity: 'info', title: 'Fargate pods get no node agents' },
  DEX816: { severity: 'error', title: 'Karpenter without its settings' },
  DEX817: { severity: 'warning', title: 'Karpenter settings without Karpenter' },
  DEX818: { severity: 'error', title: 'No node group for Karpenter itself' },
  DEX819: { severity: 'error', title: 'Karpenter cannot launch a node a service needs' },
  DEX840: { severity: 'error', title: 'Capacity mix on a service not on ECS' },
  DEX841: { severity: 'error', title: 'Capacity mix on a job' },
  DEX842: { severity: 'error', title: 'Capacity mix without a weight' },
  DEX843: { severity: 'error', title: 'Capacity base above scaling.max' },
  DEX844: { severity: 'error', title: 'EC2 container instances mixed with Fargate in one service' },
  DEX845: { severity: 'error', title: 'EC2 capacity without container instances' },
  DEX846: { severity: 'error', title: 'Container instances that cannot be launched as given' },
  DEX847: { severity: 'error', title: 'Service the container instances cannot run' },
  DEX848: { severity: 'warning', title: 'Container instances no service runs on' },
  DEX849: { severity: 'warning', title: 'Every task on Spot in a protected environment' },
  DEX860: { severity: 'error', title: 'Health timing below what the load balancer or ECS accepts' },
  DEX861: { severity: 'error', title: 'Readiness check the target group cannot make' },
  DEX862: { severity: 'error', title: 'Load balancer setting where no load balancer takes it' },
  DEX863: { severity: 'error', title: 'Slow start shorter than 30 seconds' },
  DEX864: { severity: 'error', title: 'Slow start with the least-outstanding-requests algorithm' },
  DEX865: { severity: 'info', title: 'Idle timeout raised for every service on the ALB' },
  DEX850: { severity: 'error', title: 'Requests-per-target scaling without an ALB' },
  DEX851: { severity: 'error', title: 'Conflicting scaling policies' },
  DEX852: { severity: 'error', title: 'Scheduled scaling action that cannot be read' },
  DEX853: { severity: 'error', title: 'Scheduled capacity out of bounds' },
  DEX854: { severity: 'error', title: 'Scaling signal dex cannot make real on EKS' },
  DEX855: { severity: 'error', title: 'Schedule EC2 Auto Scaling cannot express' },
  DEX856: { severity: 'error', title: 'Scaling steps that overlap or cannot be' },
  DEX857: { severity: 'error', title: 'Custom scaling metric without a policy, or steps without their metric' },
  DEX858: { severity: 'warning', title: 'Scheduled scale-down that is never undone' },
  DEX859: { severity: 'error', title: 'Requests-per-target scaling on a traffic-shifted ECS service' },
  DEX830: { severity: 'error', title: 'Sidecar name taken' },
  DEX831: { severity: 'error', title: 'Sidecar port taken' },
  DEX832: { severity: 'error', title: 'Task with sidecars is no Fargate size' },
  DEX833: { severity: 'error', title: 'Sidecar start order impossible' },
  DEX834: { severity: 'error', title: 'Log router sidecar where FireLens cannot run it' },
  DEX835: { severity: 'error', title: "Sidecar secret that is not the service's" },
  DEX836: { severity: 'error', title: 'Sidecar health check without a check' },
  DEX837: { severity: 'error', title: 'Sidecar setting its platform cannot honour' },
  DEX838: { severity: 'warning', title: 'Sidecar image not pinned' },
  DEX839: { severity: 'warning', title: "Sidecar's securityContext relaxes nothing" },
  DEX820: { severity: 'error', title: 'Volume of an unknown file system' },
  DEX821: { severity: 'error', title: 'Volume path overlaps another mount' },
  DEX822: { severity: 'error', title: 'File system mounted twice by one service' },
  DEX823: { severity: 'error', title: 'Volume over the root or a system directory' },
  DEX824: { severity: 'error', title: 'Volume on a job' },
  DEX825: { severity: 'error', title: 'Shared directory with two owners' },
  DEX826: { severity: 'warning', title: 'File system no service mounts' },
  DEX827: { severity: 'warning', title: 'Usage assumption for an undeclared file system' },
  DEX900: { severity: 'error', title: 'Usage error' },
  DEX901: { severity: 'error', title: 'Output could not be written' },
  DEX902: { severity: 'error', title: 'Baseline could not be read' },
  DEX903: { severity: 'error', title: 'Output folder is locked by another emit' },
  DEX904: { severity: 'error', title: 'Output path holds something dex did not write' },
  DEX905: { severity: 'warning', title: 'Live prices fell back to the snapshot' },
  DEX906: { severity: 'error', title: 'Price refresh incomplete' },
  DEX920: { severity: 'error', title: 'Comment too long for GitHub' },
  DEX921: { severity: 'error', title: 'GitHub refused the request' },
  DEX922: { severity: 'error', title: 'GitHub could not be reached' },
  DEX923: { severity: 'error', title: 'No pull request to comment on' },
  DEX924: { severity: 'error', title: 'No comment to post' },
  DEX925: { severity: 'warning', title: 'Plan comment shortened to fit GitHub\'s limit' },
  DEX930: { severity: 'error', title: 'A picture of which environment?' },
  DEX940: { severity: 'error', title: 'No dex.yaml found' },
  DEX941: { severity: 'error', title: 'dex init would overwrite a file' },
  DEX999: { severity: 'error', title: 'Internal error' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;


export function defaultSeverity(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: by file, position, then code, so output never depends on check order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.range?.start.offset ?? -1) - (b.range?.start.offset ?? -1) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** The same finding reached through the base spec and through several environments is reported once. */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.file}|${d.range?.start.offset}|${d.range?.end.offset}|${d.code}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
