// Generated from schema.json by scripts/generate.mjs. Do not edit; run `npm run generate`.

/**
 * An AWS region code, e.g. ap-south-1.
 */
export type Region =
  | 'us-east-1'
  | 'us-east-2'
  | 'us-west-1'
  | 'us-west-2'
  | 'af-south-1'
  | 'ap-east-1'
  | 'ap-south-1'
  | 'ap-south-2'
  | 'ap-southeast-1'
  | 'ap-southeast-2'
  | 'ap-southeast-3'
  | 'ap-southeast-4'
  | 'ap-southeast-5'
  | 'ap-southeast-7'
  | 'ap-northeast-1'
  | 'ap-northeast-2'
  | 'ap-northeast-3'
  | 'ca-central-1'
  | 'ca-west-1'
  | 'eu-central-1'
  | 'eu-central-2'
  | 'eu-west-1'
  | 'eu-west-2'
  | 'eu-west-3'
  | 'eu-south-1'
  | 'eu-south-2'
  | 'eu-north-1'
  | 'il-central-1'
  | 'me-south-1'
  | 'me-central-1'
  | 'mx-central-1'
  | 'sa-east-1';
/**
 * The AWS account the environment is deployed to. Omit it to use the account of the credentials (GitHub Actions: the repository variable AWS_ACCOUNT_ID). Environments in different accounts each get their own bootstrap stacks and CI role ARNs.
 */
export type AccountId = string;
/**
 * An EC2 instance type the region offers: any of the 839 types of dex's catalogue (general purpose, compute, memory, storage and accelerated families, x86_64 and Graviton), e.g. t3.medium, m7g.large. A misspelt type is an error with a suggestion (DEX347), one the region does not offer too (DEX348).
 */
export type Ec2InstanceType = string;
/**
 * An EC2 instance type the region offers: any of the 839 types of dex's catalogue (general purpose, compute, memory, storage and accelerated families, x86_64 and Graviton), e.g. t3.medium, m7g.large. A misspelt type is an error with a suggestion (DEX347), one the region does not offer too (DEX348).
 */
export type Ec2InstanceType1 = string;
/**
 * An EC2 instance type the region offers: any of the 839 types of dex's catalogue (general purpose, compute, memory, storage and accelerated families, x86_64 and Graviton), e.g. t3.medium, m7g.large. A misspelt type is an error with a suggestion (DEX347), one the region does not offer too (DEX348).
 */
export type Ec2InstanceType2 = string;
/**
 * An EC2 instance type the region offers: any of the 839 types of dex's catalogue (general purpose, compute, memory, storage and accelerated families, x86_64 and Graviton), e.g. t3.medium, m7g.large. A misspelt type is an error with a suggestion (DEX347), one the region does not offer too (DEX348).
 */
export type Ec2InstanceType3 = string;
/**
 * One subscription: exactly one of queue, email, https.
 */
export type TopicSubscription =
  | {
      /**
       * Name of a queue under queues:.
       */
      queue: string;
      /**
       * Deliver the message body as published, without SNS's JSON envelope.
       */
      rawMessageDelivery?: boolean;
      /**
       * SNS filter policy on the message attributes: only matching messages are delivered.
       */
      filterPolicy?: {};
    }
  | {
      /**
       * The address.
       */
      email: string;
      /**
       * SNS filter policy on the message attributes: only matching messages are delivered.
       */
      filterPolicy?: {};
    }
  | {
      /**
       * The endpoint URL: https:// and a public host name.
       */
      https: string;
      /**
       * Deliver the message body as published, without SNS's JSON envelope.
       */
      rawMessageDelivery?: boolean;
      /**
       * SNS filter policy on the message attributes: only matching messages are delivered.
       */
      filterPolicy?: {};
    };
/**
 * An EC2 instance type the region offers: any of the 839 types of dex's catalogue (general purpose, compute, memory, storage and accelerated families, x86_64 and Graviton), e.g. t3.medium, m7g.large. A misspelt type is an error with a suggestion (DEX347), one the region does not offer too (DEX348).
 */
export type Ec2InstanceType4 = string;
/**
 * An EC2 instance type the region offers: any of the 839 types of dex's catalogue (general purpose, compute, memory, storage and accelerated families, x86_64 and Graviton), e.g. t3.medium, m7g.large. A misspelt type is an error with a suggestion (DEX347), one the region does not offer too (DEX348).
 */
export type Ec2InstanceType5 = string;
/**
 * An AWS region code, e.g. ap-south-1.
 */
export type Region1 =
  | 'us-east-1'
  | 'us-east-2'
  | 'us-west-1'
  | 'us-west-2'
  | 'af-south-1'
  | 'ap-east-1'
  | 'ap-south-1'
  | 'ap-south-2'
  | 'ap-southeast-1'
  | 'ap-southeast-2'
  | 'ap-southeast-3'
  | 'ap-southeast-4'
  | 'ap-southeast-5'
  | 'ap-southeast-7'
  | 'ap-northeast-1'
  | 'ap-northeast-2'
  | 'ap-northeast-3'
  | 'ca-central-1'
  | 'ca-west-1'
  | 'eu-central-1'
  | 'eu-central-2'
  | 'eu-west-1'
  | 'eu-west-2'
  | 'eu-west-3'
  | 'eu-south-1'
  | 'eu-south-2'
  | 'eu-north-1'
  | 'il-central-1'
  | 'me-south-1'
  | 'me-central-1'
  | 'mx-central-1'
  | 'sa-east-1';
/**
 * The AWS account the environment is deployed to. Omit it to use the account of the credentials (GitHub Actions: the repository variable AWS_ACCOUNT_ID). Environments in different accounts each get their own bootstrap stacks and CI role ARNs.
 */
export type AccountId1 = string;

/**
 * One file that describes a whole AWS deployment of a microservice system: services and their placement, network, ingress, data, monitoring, compliance, CI/CD and environments.
 */
export interface DexYaml {
  /**
   * Version of the dex.yaml language. Always 1.
   */
  dex: 1;
  /**
   * Name of the system: lowercase letters, digits and hyphens, 2 to 32 characters. Prefixes every resource name.
   */
  name: string;
  region: Region;
  account?: AccountId;
  tags?: Tags;
  network?: Network;
  ingress?: Ingress;
  platforms?: Platforms;
  /**
   * The microservices, by name (lowercase, hyphens). Names dex uses for its own components are reserved (DEX325): alb, bastion, bastion-host, endpoint, eks-node, eks-cluster, eks-cluster-autoscaler, prometheus, prometheus-server, grafana, grafana-server, flow, flow-log, restrict-default, restrict-default-security-group, ci-build, ci-deploy, ci-verify, ci-code-build, ecs-load-balancer, ecs-instance, database-monitoring, cloud-formation, cloud-formation-execution, audit-trail, audit-trail-logs, grafana-admin-secret-rotation, codebuild, kube-system, kube-public, kube-node-lease, default, amazon-cloudwatch. Names must also derive distinct logical IDs (DEX324): svc1-2 and svc12 both become Svc12. May be empty: a spec of a cluster (platforms.eks.create: always), a database or a network alone.
   */
  services?: {
    [k: string]: Service;
  };
  /**
   * RDS PostgreSQL databases, by name.
   */
  databases?: {
    [k: string]: Database;
  };
  /**
   * ElastiCache caches, by name.
   */
  caches?: {
    [k: string]: Cache;
  };
  /**
   * SQS queues, by name. Each is encrypted with the environment's KMS key, refuses requests without TLS and has a dead-letter queue unless deadLetter.enabled is false.
   */
  queues?: {
    [k: string]: Queue;
  };
  /**
   * SNS topics, by name, with their subscriptions (queues, e-mail, HTTPS endpoints). Each is encrypted with the environment's KMS key.
   */
  topics?: {
    [k: string]: Topic;
  };
  monitoring?: Monitoring;
  audit?: Audit;
  /**
   * Compliance regimes whose controls dex checks: soc2, pci-dss, gdpr, rbi (Reserve Bank of India), pmla (Prevention of Money Laundering Act), sebi (Securities and Exchange Board of India).
   */
  compliance?: ('soc2' | 'pci-dss' | 'gdpr' | 'rbi' | 'pmla' | 'sebi')[];
  /**
   * What kind of data the system holds, for the compliance rules: personal data, data of people in the EU/EEA, payment data. Undeclared means unknown: dex then applies the listed regimes in full and cannot check data transfers.
   */
  data?: {
    /**
     * The system stores personal data (GDPR Art. 4(1)).
     */
    personal?: boolean;
    /**
     * Some of that personal data is about people in the EU/EEA: with gdpr, dex flags every store, backup copy or replica outside the EU/EEA as a transfer to review (GDPR Art. 44-49).
     */
    euResidents?: boolean;
    /**
     * The system stores payment or cardholder data: with rbi, every data store, backup copy and replica must stay in India; false marks the RBI storage rule not applicable.
     */
    payment?: boolean;
  };
  cicd?: Cicd;
  /**
   * Environments (e.g. staging, production), each an overlay on the base spec. dex validate/plan/emit --env NAME compiles one.
   */
  environments?: {
    [k: string]: Environment;
  };
  usage?: Usage;
  budget?: Budget;
  /**
   * S3 buckets, by name: versioned, encrypted with the environment's KMS key, public access blocked, TLS only, access-logged. A service gets access with uses: [{ bucket: NAME, access: read | read-write }] and the name in <NAME>_BUCKET.
   */
  buckets?: {
    [k: string]: Bucket;
  };
  /**
   * DynamoDB tables, by name: point-in-time recovery, encrypted with the environment's KMS key. A service gets access with uses: [{ table: NAME, access: read | read-write }] and the name in <NAME>_TABLE.
   */
  tables?: {
    [k: string]: Table;
  };
  /**
   * Amazon EFS file systems, by name: encrypted with the environment's KMS key, TLS and IAM only, one access point per service that mounts it, mount targets in the private subnets. A service mounts one with volumes: [{ fileSystem: NAME, path: /data }].
   */
  fileSystems?: {
    [k: string]: FileSystem;
  };
  /**
   * Secrets shared by several services or with JSON keys, by name; a service refers to one with secrets: [{ secret: NAME, key: KEY, env: VAR }]. dex creates each once per environment (or refers to an existing one).
   */
  secrets?: {
    [k: string]: Secret;
  };
  /**
   * Amazon MQ for RabbitMQ brokers, by name: private, TLS only (AMQPS on 5671), general logs in CloudWatch. A service connects with uses: [{ broker: NAME }] and gets <NAME>_URL, <NAME>_HOST, <NAME>_PORT and the credentials.
   */
  brokers?: {
    [k: string]: Broker;
  };
  /**
   * Ignored by dex: a place for YAML anchors to share, e.g. `x-common-env: &env { LOG_LEVEL: info }` and then `env: { <<: *env }`.
   *
   * This interface was referenced by `DexYaml`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 1
    | string
    | Region
    | Tags
    | Network
    | Ingress
    | Platforms
    | {
        [k: string]: Service;
      }
    | {
        [k: string]: Database;
      }
    | {
        [k: string]: Cache;
      }
    | {
        [k: string]: Queue;
      }
    | {
        [k: string]: Topic;
      }
    | Monitoring
    | Audit
    | ('soc2' | 'pci-dss' | 'gdpr' | 'rbi' | 'pmla' | 'sebi')[]
    | {
        /**
         * The system stores personal data (GDPR Art. 4(1)).
         */
        personal?: boolean;
        /**
         * Some of that personal data is about people in the EU/EEA: with gdpr, dex flags every store, backup copy or replica outside the EU/EEA as a transfer to review (GDPR Art. 44-49).
         */
        euResidents?: boolean;
        /**
         * The system stores payment or cardholder data: with rbi, every data store, backup copy and replica must stay in India; false marks the RBI storage rule not applicable.
         */
        payment?: boolean;
      }
    | Cicd
    | {
        [k: string]: Environment;
      }
    | Usage
    | Budget
    | {
        [k: string]: Bucket;
      }
    | {
        [k: string]: Table;
      }
    | {
        [k: string]: FileSystem;
      }
    | {
        [k: string]: Secret;
      }
    | {
        [k: string]: Broker;
      }
    | undefined;
}
/**
 * Tags applied to every resource dex creates (dex adds dex:system, dex:environment and dex:component). Keys may not start with aws: or dex:.
 */
export interface Tags {
  /**
   * Tag value, at most 256 characters.
   */
  [k: string]: string;
}
/**
 * The VPC: address range, subnet tiers per availability zone, NAT, bastion, flow logs and endpoints.
 */
export interface Network {
  /**
   * IPv4 range of the VPC, a /16 to /28 block.
   */
  cidr?: string;
  /**
   * Number of availability zones to spread subnets over. Production data stores need at least 2 for Multi-AZ.
   */
  availabilityZones?: number;
  /**
   * Import an existing VPC instead of creating one: dex then creates no VPC, subnets, route tables, NAT gateways or internet gateway, and every load balancer, service, cluster and data store uses the subnets listed in network.subnets by ID. network.cidr is then the VPC's IPv4 range (security group rules use it) and natGateways says whether its private subnets route to a NAT gateway (none: they reach AWS only through endpoints).
   */
  vpcId?: string;
  /**
   * With network.vpcId: the route tables of the imported VPC's private (and database) subnets, for the s3 and dynamodb gateway endpoints dex adds to them. Needed only when network.endpoints lists s3 or dynamodb.
   */
  routeTableIds?: string[];
  /**
   * Subnet CIDRs per tier, one per availability zone, in zone order. Left out, dex carves /24 blocks from the VPC range. With network.vpcId: the IDs of the imported VPC's subnets instead (subnet-...), one per zone; a tier left out then is one the VPC does not have (no database tier: data stores go to the private subnets; no public tier: no internet-facing load balancer, bastion or NAT). An empty list is a tier the VPC does not have: public: [] makes an isolated VPC (no internet gateway, no NAT, AWS reached through network.endpoints only), database: [] a VPC without a database tier (each database and cache then says subnets: private).
   */
  subnets?: {
    /**
     * Public subnets (load balancer, NAT gateways, bastion), one per availability zone. [] for an isolated VPC: no internet gateway, no NAT gateway, nothing internet-facing.
     *
     * @minItems 0
     * @maxItems 6
     */
    public?:
      | []
      | [string]
      | [string, string]
      | [string, string, string]
      | [string, string, string, string]
      | [string, string, string, string, string]
      | [string, string, string, string, string, string];
    /**
     * Private subnets (services, cluster nodes, monitoring), one per availability zone; their internet access goes through NAT.
     *
     * @minItems 1
     * @maxItems 6
     */
    private?:
      | [string]
      | [string, string]
      | [string, string, string]
      | [string, string, string, string]
      | [string, string, string, string, string]
      | [string, string, string, string, string, string];
    /**
     * Isolated database subnets (RDS, ElastiCache), one per availability zone, with no route to the internet. [] for no database tier (databases and caches then set subnets: private).
     *
     * @minItems 0
     * @maxItems 6
     */
    database?:
      | []
      | [string]
      | [string, string]
      | [string, string, string]
      | [string, string, string, string]
      | [string, string, string, string, string]
      | [string, string, string, string, string, string];
    /**
     * Intra subnets, one per availability zone: no route beyond the VPC at all, not even through NAT (the EKS control plane's cross-account network interfaces with platforms.eks.controlPlaneSubnets: intra). Left out, dex carves /24 blocks for them only when something uses them. Not with network.vpcId.
     *
     * @minItems 1
     * @maxItems 6
     */
    intra?:
      | [string]
      | [string, string]
      | [string, string, string]
      | [string, string, string, string]
      | [string, string, string, string, string]
      | [string, string, string, string, string, string];
  };
  /**
   * NAT gateways for private subnets: perAz (one per zone, survives a zone outage), single (one shared, cheaper, a single point of failure), none (private subnets reach AWS only through endpoints).
   */
  natGateways?: 'perAz' | 'single' | 'none';
  /**
   * Dual-stack: the VPC gets an Amazon-provided IPv6 block, the public and private subnets a /64 each, the private tier an egress-only internet gateway (outbound IPv6 only), the load balancer dualstack and the internet rules (security group and network ACLs) an ::/0 twin of each 0.0.0.0/0 one. Not with network.vpcId.
   */
  ipv6?: boolean;
  /**
   * A bastion host in a public subnet, managed through SSM Session Manager, with IMDSv2 required.
   */
  bastion?: {
    /**
     * Create the bastion host.
     */
    enabled?: boolean;
    instanceType?: Ec2InstanceType;
    /**
     * Networks allowed to reach the bastion on SSH (22). Empty: no inbound rule; use SSM Session Manager.
     */
    allowedCidrs?: string[];
  };
  /**
   * VPC flow logs to a KMS-encrypted CloudWatch log group.
   */
  flowLogs?: {
    /**
     * Record VPC flow logs.
     */
    enabled?: boolean;
    /**
     * Days flow log records are kept. CloudWatch Logs accepts only these values.
     */
    retentionDays?:
      | 1
      | 3
      | 5
      | 7
      | 14
      | 30
      | 60
      | 90
      | 120
      | 150
      | 180
      | 365
      | 400
      | 545
      | 731
      | 1096
      | 1827
      | 2192
      | 2557
      | 2922
      | 3288
      | 3653;
    /**
     * Which traffic to record.
     */
    traffic?: 'ALL' | 'ACCEPT' | 'REJECT';
  };
  /**
   * VPC endpoints so that traffic to AWS services stays off the internet. s3 and dynamodb are free gateway endpoints; the others are billed interface endpoints (ecr creates ecr.api and ecr.dkr, ssm also ssmmessages and ec2messages; sqs and sns for services that use queues and topics). dex adds ssm and ec2 itself when it launches instances and natGateways is none, and ec2 (FSBP EC2.10) when a compliance regime is declared.
   */
  endpoints?: (
    | 's3'
    | 'dynamodb'
    | 'ecr'
    | 'secretsmanager'
    | 'logs'
    | 'ssm'
    | 'sts'
    | 'kms'
    | 'monitoring'
    | 'xray'
    | 'elasticloadbalancing'
    | 'autoscaling'
    | 'eks'
    | 'ec2'
    | 'sqs'
    | 'sns'
  )[];
  /**
   * Whether the bootstrap of each account and region with a database creates the ECR Public pull-through cache rule (prefix ecr-public, upstream public.ecr.aws) that the database migration task pulls postgres through, or uses one that already exists there (a registry holds one rule per prefix: another system, or your own). With existing, the rule must have prefix ecr-public and upstream public.ecr.aws; dex then emits neither the rule nor its repository creation template.
   */
  ecrPublicCache?: 'create' | 'existing';
}
/**
 * The public entry point: one Application Load Balancer with TLS and WAF in front of every exposed service, whatever its platform.
 */
export interface Ingress {
  /**
   * alb: one internet-facing Application Load Balancer shared by all exposed services; none: no public entry point.
   */
  loadBalancer?: 'alb' | 'none';
  /**
   * More load balancers beside the shared public ALB (ingress.loadBalancer), by name: internal ALBs for backends called from inside the VPC, NLBs for TCP, UDP and TLS. A service picks one with expose.loadBalancer.
   */
  loadBalancers?: {
    [k: string]: NamedLoadBalancer;
  };
  /**
   * HTTPS on the load balancer. HTTP on port 80 only redirects to HTTPS.
   */
  tls?: {
    /**
     * ARN of an ACM certificate in the same region as the load balancer.
     */
    certificateArn?: string;
    /**
     * Listener security policy: tls13 (ELBSecurityPolicy-TLS13-1-3-2021-06, TLS 1.3 only) or tls12 (ELBSecurityPolicy-TLS13-1-2-2021-06, TLS 1.2 and 1.3).
     */
    policy?: 'tls13' | 'tls12';
  };
  domain?: IngressDomain;
  /**
   * Port 80 on the load balancer: redirect (HTTP 301 to HTTPS, the default) or allow (plain HTTP served with the same routes as HTTPS: a warning outside production-like environments, an error in one, refused under pci-dss).
   */
  http?: 'redirect' | 'allow';
  /**
   * AWS WAF web ACL associated with the load balancer.
   */
  waf?: {
    /**
     * Create and associate the web ACL.
     */
    enabled?: boolean;
    /**
     * AWS managed rule groups: common (AWSManagedRulesCommonRuleSet), knownBadInputs, sqli, linux, unix, amazonIpReputation, anonymousIp, adminProtection.
     */
    managedRules?: (
      'common' | 'knownBadInputs' | 'sqli' | 'linux' | 'unix' | 'amazonIpReputation' | 'anonymousIp' | 'adminProtection'
    )[];
    /**
     * Block a client IP that sends more requests than this in a 5-minute window (a rate-based rule). Left out: no rate rule.
     */
    rateLimitPer5Min?: number;
    /**
     * Request paths that may carry bodies over 8 KB, e.g. document uploads. The common rule set (AWSManagedRulesCommonRuleSet) blocks every body over 8 KB (its SizeRestrictions_BODY rule); with this list dex counts that rule instead and blocks an oversized body only outside these paths. A path covers itself and everything below it (/api/kyc/documents covers /api/kyc/documents/123, not /api/kyc/documents-old). An ALB passes only the first 8 KB of a body to WAF: the rest of a large body is not inspected, so the service must validate what it accepts. Needs the common rule set; adds up to two WAF rules to the bill.
     *
     * @maxItems 10
     */
    allowLargeBodies?:
      | []
      | [WafLargeBodyPath]
      | [WafLargeBodyPath, WafLargeBodyPath]
      | [WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath]
      | [WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath]
      | [WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath]
      | [WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath, WafLargeBodyPath]
      | [
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath
        ]
      | [
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath
        ]
      | [
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath
        ]
      | [
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath,
          WafLargeBodyPath
        ];
  };
  /**
   * Load balancer idle timeout in seconds. An ALB whose services ask for more (expose.idleTimeoutSeconds, expose.websocket) gets the largest of them: the timeout is one per load balancer.
   */
  idleTimeoutSeconds?: number;
}
/**
 * A named load balancer: type, scheme, static IPs. Its security group admits only its listener ports (from the VPC when internal) and sends only to its targets.
 */
export interface NamedLoadBalancer {
  /**
   * alb: HTTPS with host and path rules (HTTP redirects to HTTPS); nlb: one TCP, UDP or TLS listener per service (expose.listener).
   */
  type?: 'alb' | 'nlb';
  /**
   * internal: private subnets, reachable only from inside the VPC (the default); internet-facing: public subnets. A public ALB gets the WAF; an NLB cannot.
   */
  scheme?: 'internal' | 'internet-facing';
  /**
   * NLB, internet-facing: one Elastic IP per zone, so clients can allow-list fixed addresses (each is a public IPv4 address, billed by the hour).
   */
  staticIps?: boolean;
}
/**
 * A domain served by the load balancer: a Route 53 hosted zone, an ACM certificate DNS-validated in it (no ARN to paste; ingress.tls.certificateArn, when set, is used instead) and alias records for the domain and each service host. name and zone are both needed after the environment overlay (an overlay may give only its own name).
 */
export interface IngressDomain {
  /**
   * The domain the load balancer answers for, e.g. example.com (lowercase RFC 1123 labels). dex issues an ACM certificate for it and *.<name>, validated by DNS in the hosted zone, and points the name and every service host at the load balancer. An environment usually overlays its own, e.g. staging.example.com.
   */
  name?: string;
  /**
   * The Route 53 hosted zone of the domain: an existing one ({ id: Z… }) or one dex creates ({ create: true }).
   */
  zone?: {
    /**
     * ID of an existing public Route 53 hosted zone that holds the domain (the zone of name or of a parent of it). dex adds records to it and never deletes it.
     */
    id?: string;
    /**
     * Create a public hosted zone named after the domain (kept when the stack is deleted: its name servers are what the registrar points at). Its name servers are a stack output and in emit's next steps.
     */
    create?: true;
  };
}
/**
 * One path that may carry request bodies over 8 KB.
 */
export interface WafLargeBodyPath {
  /**
   * URL path prefix that may carry a large body: starts with /, segments of letters, digits and . _ ~ -; no wildcards, spaces, empty, . or .. segments, no trailing /. WAF compares it with the request path after normalising //, /./ and /../, so a path that escapes this prefix is not allowed.
   */
  path: string;
  /**
   * Largest body allowed on this path, in bytes (above 8192). WAF cannot measure a body past its 8 KB inspection limit, so dex checks the request's Content-Length header: a request declaring more is blocked, and so is a body over 8 KB without a Content-Length (a chunked upload). Left out: no limit from WAF.
   */
  maxBytes?: number;
}
/**
 * Cluster-level settings of the compute platforms services are placed on.
 */
export interface Platforms {
  /**
   * The EKS cluster that runs services placed on eks.
   */
  eks?: {
    /**
     * when-used: the cluster exists only while a service of this spec has placement eks. always: dex creates it even with none, for workloads other tools deploy (Helm, Argo CD), as eksctl does.
     */
    create?: 'when-used' | 'always';
    /**
     * Kubernetes version of the control plane. Versions past standard support are billed for extended support.
     */
    version?: '1.30' | '1.31' | '1.32' | '1.33' | '1.34' | '1.35' | '1.36';
    /**
     * Where the Kubernetes API endpoint is reachable from: private (inside the VPC only), public, or publicAndPrivate.
     */
    endpointAccess?: 'private' | 'public' | 'publicAndPrivate';
    /**
     * With a public endpoint, the networks allowed to reach it.
     */
    publicAccessCidrs?: string[];
    /**
     * Where the EKS control plane puts its cross-account network interfaces: private (the nodes' subnets) or intra (network.subnets.intra, carved by dex when not listed: subnets with no route out, so nothing of the control plane's shares a route table or address space with the nodes).
     */
    controlPlaneSubnets?: 'private' | 'intra';
    /**
     * Managed node groups. An environment overlay replaces the whole list.
     *
     * @minItems 1
     */
    nodeGroups?: [NodeGroup, ...NodeGroup[]];
    /**
     * Control-plane log types sent to CloudWatch Logs.
     */
    logging?: ('api' | 'audit' | 'authenticator' | 'controllerManager' | 'scheduler')[];
    /**
     * EKS add-ons to install.
     */
    addons?: (
      | 'vpc-cni'
      | 'coredns'
      | 'kube-proxy'
      | 'eks-pod-identity-agent'
      | 'aws-ebs-csi-driver'
      | 'amazon-cloudwatch-observability'
    )[];
    /**
     * Who may use the cluster with kubectl (get, logs, exec...): EKS access entries, one per IAM role or user, with an EKS access policy, cluster-wide or in the named namespaces.
     */
    access?: {
      /**
       * ARN of the IAM role or user, e.g. arn:aws:iam::123456789012:role/Ops.
       */
      principal: string;
      /**
       * The EKS access policy: view (read, no secrets), edit (change workloads, exec into pods), admin (also roles in a namespace), cluster-admin (everything, cluster-wide).
       */
      policy: 'view' | 'edit' | 'admin' | 'cluster-admin';
      /**
       * Limit the policy to these namespaces (a service's namespace is its name). Omit it for the whole cluster.
       *
       * @minItems 1
       */
      namespaces?: [string, ...string[]];
    }[];
    /**
     * EKS Fargate profiles: pods whose namespace (a service's namespace is its name) and labels match a selector run on Fargate, one pod per micro-VM in the private subnets, instead of on the node groups. Priced as EKS Fargate vCPU and memory hours.
     */
    fargateProfiles?: EksFargateProfile[];
    /**
     * What adds nodes when pods do not fit: cluster-autoscaler (grows the node groups between min and max) or karpenter (launches instances chosen for the pending pods, within platforms.eks.karpenter; the node groups then only run the cluster's own pods and Karpenter).
     */
    autoscaler?: 'cluster-autoscaler' | 'karpenter';
    karpenter?: EksKarpenter;
  };
  /**
   * The ECS cluster that runs services placed on ecs.
   */
  ecs?: {
    /**
     * Capacity provider for ECS services: fargate, or fargate-spot for interruptible, cheaper capacity.
     */
    capacity?: 'fargate' | 'fargate-spot';
    /**
     * Turn on CloudWatch Container Insights for the cluster.
     */
    containerInsights?: boolean;
    /**
     * ECS on EC2: an Auto Scaling group of ECS-optimized container instances (IMDSv2 only, encrypted volumes, a least-privilege instance role) behind a capacity provider with managed scaling and managed termination protection. Services run on it with capacity: { ec2: { weight: 1 } }.
     */
    containerInstances?: {
      /**
       * Instance types of the group, all of one architecture (DEX846): the group launches the first one a zone has (On-Demand) or the one with the most spare capacity (Spot). dex prices the first.
       *
       * @minItems 1
       * @maxItems 20
       */
      instanceTypes:
        | [Ec2InstanceType2]
        | [Ec2InstanceType2, Ec2InstanceType2]
        | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
        | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
        | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
        | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ]
        | [
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2,
            Ec2InstanceType2
          ];
      /**
       * Fewest instances.
       */
      min?: number;
      /**
       * Most instances: ECS managed scaling moves the group between min and max with the tasks placed on it.
       */
      max?: number;
      /**
       * Run the instances on Spot (price-capacity-optimized over the instance types): interruptible, and priced with usage.spotDiscountPercent.
       */
      spot?: boolean;
      /**
       * The instances' operating system: al2023 (the ECS-optimized Amazon Linux 2023 AMI) or bottlerocket (its aws-ecs-2 variant), the latest release from its public SSM parameter. The architecture follows the instance types.
       */
      amiFamily?: 'al2023' | 'bottlerocket';
      /**
       * Each instance's encrypted gp3 volume for images and containers in GiB (the root volume on al2023, the data volume on bottlerocket).
       */
      diskGiB?: number;
      /**
       * Managed scaling's target: how full ECS keeps the instances (100: no spare instance; lower keeps headroom for tasks to start without waiting for an instance).
       */
      targetCapacityPercent?: number;
    };
  };
}
/**
 * A managed node group of the EKS cluster.
 */
export interface NodeGroup {
  /**
   * Name of the node group: lowercase letters, digits and hyphens, 2 to 40 characters, starting with a letter.
   */
  name: string;
  instanceType?: Ec2InstanceType1;
  /**
   * Several instance types instead of instanceType, all of one architecture: On-Demand groups launch the first one the zone has (prioritized), Spot groups the type with the most spare capacity. dex prices the first. Types of the same vCPU and memory keep the cluster autoscaler's arithmetic right (DEX315).
   *
   * @minItems 1
   * @maxItems 20
   */
  instanceTypes?:
    | [Ec2InstanceType2]
    | [Ec2InstanceType2, Ec2InstanceType2]
    | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
    | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
    | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
    | [Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2, Ec2InstanceType2]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ]
    | [
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2,
        Ec2InstanceType2
      ];
  /**
   * Fewest nodes.
   */
  min?: number;
  /**
   * Most nodes.
   */
  max?: number;
  /**
   * Nodes to start with, between min and max. Default: min. The cluster autoscaler changes it afterwards.
   */
  desired?: number;
  /**
   * Size of each node's encrypted gp3 root volume in GiB.
   */
  diskGiB?: number;
  /**
   * On-Demand or Spot capacity.
   */
  capacityType?: 'onDemand' | 'spot';
  /**
   * The node operating system: al2023 (Amazon Linux 2023), bottlerocket (a minimal, image-based OS with a read-only root), or the NVIDIA variants for GPU instances. The architecture follows the instance types.
   */
  amiFamily?: 'al2023' | 'bottlerocket' | 'al2023-nvidia' | 'bottlerocket-nvidia';
  /**
   * Kubernetes labels on every node of the group (dex adds dex/node-group: <name>). Keys and values follow Kubernetes' label syntax; kubernetes.io, k8s.io and dex/ keys are reserved (DEX337).
   */
  labels?: {
    [k: string]: string;
  };
  /**
   * Taints keep pods off these nodes unless they tolerate them: services that choose the group (services.<name>.nodeGroups) get the matching tolerations. At least one group must stay untainted for the cluster's own pods (DEX349).
   *
   * @maxItems 50
   *
   * Items: A Kubernetes taint on every node of the group.
   */
  taints?: {
    /**
     * Taint key, label syntax.
     */
    key: string;
    /**
     * Taint value (optional).
     */
    value?: string;
    /**
     * What the taint does to pods that do not tolerate it.
     */
    effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  }[];
  /**
   * Pin the group to some of the VPC's availability zones, by number (1 is the first of network.availabilityZones), e.g. for pods whose EBS volumes live in one zone. Default: every zone.
   *
   * @minItems 1
   */
  zones?: [number, ...number[]];
  /**
   * How many nodes a version or launch template update replaces at once (EKS UpdateConfig). Default: one node.
   */
  update?: {
    /**
     * Nodes at a time.
     */
    maxUnavailable?: number;
    /**
     * Percent of the group at a time, instead of maxUnavailable.
     */
    maxUnavailablePercent?: number;
  };
}
/**
 * An EKS Fargate profile: its name and up to five selectors.
 */
export interface EksFargateProfile {
  /**
   * Name of the profile: lowercase letters, digits and hyphens, 2 to 40 characters, starting with a letter.
   */
  name: string;
  /**
   * Pods matching any selector run on Fargate (EKS takes at most five per profile).
   *
   * @minItems 1
   * @maxItems 5
   *
   * Items: A namespace, and optionally labels every selected pod carries.
   */
  selectors:
    | [
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        }
      ]
    | [
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        }
      ]
    | [
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        }
      ]
    | [
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        }
      ]
    | [
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        },
        {
          /**
           * The namespace whose pods run on Fargate; a service's namespace is its name.
           */
          namespace: string;
          /**
           * Labels a pod must carry as well, e.g. app.kubernetes.io/name: checkout (the label dex puts on a service's pods).
           */
          labels?: {
            [k: string]: string;
          };
        }
      ];
}
/**
 * With autoscaler: karpenter: the instances Karpenter may launch and the most it may launch (limits).
 */
export interface EksKarpenter {
  /**
   * EC2 instance families it may choose from, e.g. m7i, c7g. Default: the families of the node groups' instance types.
   *
   * @minItems 1
   */
  instanceFamilies?: [string, ...string[]];
  /**
   * Purchase options it may launch: on-demand, spot (Spot first when both are listed; interruptions arrive through the interruption queue).
   *
   * @minItems 1
   */
  capacityTypes?: ['on-demand' | 'spot', ...('on-demand' | 'spot')[]];
  /**
   * CPU architectures it may launch. Default: the architectures of the services' images.
   *
   * @minItems 1
   */
  architectures?: ['x86_64' | 'arm64', ...('x86_64' | 'arm64')[]];
  /**
   * The most the node pool may launch in all, summed over its nodes: vCPUs, and optionally memory; Karpenter stops there, and dex prices up to it.
   */
  limits: {
    /**
     * vCPUs at most, e.g. 100.
     */
    cpu: number;
    /**
     * Memory at most, e.g. 400GiB.
     */
    memory?: string;
  };
  /**
   * When Karpenter removes nodes: when-empty (only nodes without service pods) or when-empty-or-underutilized (also moves pods to fewer, cheaper nodes).
   */
  consolidation?: 'when-empty' | 'when-empty-or-underutilized';
}
/**
 * One microservice: what it is, where it runs, how big it is and how it scales.
 */
export interface Service {
  /**
   * Implementation language; chooses the build steps in CI.
   */
  language?:
    | 'typescript'
    | 'nodejs'
    | 'javascript'
    | 'python'
    | 'go'
    | 'java'
    | 'kotlin'
    | 'rust'
    | 'dotnet'
    | 'ruby'
    | 'php'
    | 'other';
  /**
   * Port the container listens on.
   */
  port?: number;
  /**
   * Where it runs: eks (Kubernetes pods), ecs (Fargate tasks), ec2 (an auto scaling group of instances), or auto (dex recommends one from profile and says why).
   */
  placement?: 'eks' | 'ecs' | 'ec2' | 'auto';
  /**
   * What the service is like; placement: auto decides from it.
   */
  profile?: {
    /**
     * How scalable the service is; feeds placement: auto.
     */
    scalability?: 'low' | 'medium' | 'high';
    /**
     * How complex the service is; feeds placement: auto.
     */
    complexity?: 'low' | 'medium' | 'high';
    /**
     * Keeps state on local disk (favours ec2 with an EBS volume).
     */
    stateful?: boolean;
  };
  /**
   * A prebuilt image to run instead of the one CI builds and pushes to the service's ECR repository: a Docker image reference, [registry/]repository[:tag][@digest].
   */
  image?: string;
  /**
   * How CI builds the service image.
   */
  build?: {
    /**
     * Build context directory, relative to the repository root, inside it (no .., no leading /). Default: services/<name>.
     */
    context?: string;
    /**
     * Dockerfile path inside the build context (relative, no .., no leading /).
     */
    dockerfile?: string;
  };
  /**
   * Overrides the image's command.
   */
  command?: string[];
  /**
   * Opt out of the non-root container user (uid 10001) on ECS: why this image must run as root. The compliance report lists the service and this reason. Omit it (the default) to run as uid 10001.
   */
  runAsRoot?: string;
  /**
   * Relax one of the hardened container defaults (read-only root file system, every Linux capability dropped) for an image that needs it, with the reason. The compliance report lists the service, what was relaxed and the reason. Non-root stays the default; runAsRoot opts out of that.
   */
  securityContext?: {
    /**
     * false lets the container write to its root file system (ECS ReadonlyRootFilesystem, Kubernetes readOnlyRootFilesystem, docker run without --read-only). Default true: only /tmp is writable.
     */
    readOnlyRootFilesystem?: boolean;
    /**
     * Linux capabilities given back after every one is dropped.
     */
    capabilities?: {
      /**
       * Capabilities to add, without the CAP_ prefix. ECS on Fargate accepts only SYS_PTRACE (DEX331).
       *
       * @minItems 1
       */
      add?: [
        (
          | 'AUDIT_CONTROL'
          | 'AUDIT_WRITE'
          | 'BLOCK_SUSPEND'
          | 'CHOWN'
          | 'DAC_OVERRIDE'
          | 'DAC_READ_SEARCH'
          | 'FOWNER'
          | 'FSETID'
          | 'IPC_LOCK'
          | 'IPC_OWNER'
          | 'KILL'
          | 'LEASE'
          | 'LINUX_IMMUTABLE'
          | 'MAC_ADMIN'
          | 'MAC_OVERRIDE'
          | 'MKNOD'
          | 'NET_ADMIN'
          | 'NET_BIND_SERVICE'
          | 'NET_BROADCAST'
          | 'NET_RAW'
          | 'SETFCAP'
          | 'SETGID'
          | 'SETPCAP'
          | 'SETUID'
          | 'SYS_ADMIN'
          | 'SYS_BOOT'
          | 'SYS_CHROOT'
          | 'SYS_MODULE'
          | 'SYS_NICE'
          | 'SYS_PACCT'
          | 'SYS_PTRACE'
          | 'SYS_RAWIO'
          | 'SYS_RESOURCE'
          | 'SYS_TIME'
          | 'SYS_TTY_CONFIG'
          | 'SYSLOG'
          | 'WAKE_ALARM'
        ),
        ...(
          | 'AUDIT_CONTROL'
          | 'AUDIT_WRITE'
          | 'BLOCK_SUSPEND'
          | 'CHOWN'
          | 'DAC_OVERRIDE'
          | 'DAC_READ_SEARCH'
          | 'FOWNER'
          | 'FSETID'
          | 'IPC_LOCK'
          | 'IPC_OWNER'
          | 'KILL'
          | 'LEASE'
          | 'LINUX_IMMUTABLE'
          | 'MAC_ADMIN'
          | 'MAC_OVERRIDE'
          | 'MKNOD'
          | 'NET_ADMIN'
          | 'NET_BIND_SERVICE'
          | 'NET_BROADCAST'
          | 'NET_RAW'
          | 'SETFCAP'
          | 'SETGID'
          | 'SETPCAP'
          | 'SETUID'
          | 'SYS_ADMIN'
          | 'SYS_BOOT'
          | 'SYS_CHROOT'
          | 'SYS_MODULE'
          | 'SYS_NICE'
          | 'SYS_PACCT'
          | 'SYS_PTRACE'
          | 'SYS_RAWIO'
          | 'SYS_RESOURCE'
          | 'SYS_TIME'
          | 'SYS_TTY_CONFIG'
          | 'SYSLOG'
          | 'WAKE_ALARM'
        )[]
      ];
    };
    /**
     * Why this image needs it; listed in the compliance report.
     */
    reason: string;
  };
  /**
   * Containers beside the main one: a log router, an agent. Their resources add to the service's (DEX832 on Fargate); they run hardened as the main container does (docs/security.md "Sidecars").
   *
   * @maxItems 10
   */
  sidecars?:
    | []
    | [Sidecar]
    | [Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar]
    | [Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar, Sidecar];
  /**
   * What the service's code may call in AWS beyond what dex grants it (its own secrets, the caches it uses, traces): IAM statements added to the role it runs as (ECS task role, EKS service-account role, EC2 instance role). Allow only. A resource is an ARN or a reference to something the spec makes: ${databases.NAME.arn}, ${caches.NAME.arn}, ${secrets.NAME.arn} (one of the service's own secrets). A wildcard action or resource needs a reason.
   *
   * @maxItems 50
   */
  permissions?: {
    /**
     * IAM actions, service:Action (a * inside the action name is a wildcard), e.g. s3:GetObject.
     *
     * @minItems 1
     * @maxItems 50
     */
    actions: [string, ...string[]];
    /**
     * What the actions act on: ARNs (arn:partition:service:region:account:resource; * for every resource), or ${databases.NAME.arn}, ${caches.NAME.arn}, ${secrets.NAME.arn} for what dex makes.
     *
     * @minItems 1
     * @maxItems 50
     */
    resources: [string, ...string[]];
    /**
     * allow, the only effect: a workload's role starts with nothing, so a deny has nothing to take away.
     */
    effect?: 'allow';
    /**
     * Why the statement needs a wildcard action or resource (e.g. an action with no resource-level permissions). Without it, a wildcard fails the compliance baseline; the report lists the reason.
     */
    reason?: string;
  }[];
  /**
   * CPU architecture of the image.
   */
  architecture?: 'x86_64' | 'arm64';
  /**
   * CPU and memory of one task or pod: what is reserved (and, on Fargate, billed). On EKS and EC2 a service may be allowed to burst above it up to limits.
   */
  resources?: {
    /**
     * vCPUs per task or pod. On Fargate: 0.25, 0.5, 1, 2, 4, 8 or 16.
     */
    cpu?: number;
    /**
     * Memory per task or pod, e.g. 512MiB or 2GiB. On Fargate it must pair with cpu per AWS's table.
     */
    memory?: string;
    /**
     * How far a pod (EKS) or container (EC2) may go above cpu and memory: the Kubernetes limits (cpu and memory above stay the requests the scheduler reserves) and docker run --cpus/--memory on EC2. Default: the same as cpu and memory (no bursting). Not for ECS on Fargate, where the task size is the limit (DEX383).
     */
    limits?: {
      /**
       * vCPUs at most, at least resources.cpu.
       */
      cpu?: number;
      /**
       * Memory at most (the container is killed above it), at least resources.memory, e.g. 1GiB.
       */
      memory?: string;
    };
    /**
     * Scratch disk per task or pod, e.g. 50GiB: ECS on Fargate gives 20 GiB free and takes 21 to 200 GiB (the part above 20 GiB is billed); Kubernetes requests and limits it as ephemeral-storage; on EC2 it must fit the instance's storageGiB. Default: the platform's own (Fargate 20 GiB, no Kubernetes request).
     */
    ephemeralStorage?: string;
  };
  instanceType?: Ec2InstanceType3;
  /**
   * Encrypted gp3 root volume per instance in GiB, for placement: ec2 (default 20).
   */
  storageGiB?: number;
  /**
   * The capacity mix of an ECS service (its capacity provider strategy), instead of platforms.ecs.capacity: fargate (On-Demand) base tasks first, the rest split by weight between fargate and spot (Fargate Spot); or ec2, the cluster's container instances (platforms.ecs.containerInstances), which ECS does not mix with Fargate in one service. Not on jobs (DEX841). dex plan prices each share at its own price.
   */
  capacity?: {
    /**
     * Fargate On-Demand (FARGATE): base tasks and a weight.
     */
    fargate?: {
      /**
       * Tasks that run on Fargate On-Demand (FARGATE) before the weights split the rest: the first base tasks always land here. Only one provider of a strategy may have a base.
       */
      base?: number;
      /**
       * This provider's share of the tasks above the base, relative to the other weights (0: none of them).
       */
      weight: number;
    };
    /**
     * Fargate Spot (FARGATE_SPOT): a weight (Spot has no base: the On-Demand base carries the tasks that must survive an interruption).
     */
    spot?: {
      /**
       * This provider's share of the tasks above the base, relative to the other weights (0: none of them).
       */
      weight: number;
    };
    /**
     * The cluster's EC2 container instances (platforms.ecs.containerInstances): base tasks and a weight.
     */
    ec2?: {
      /**
       * Tasks that run on The cluster's EC2 container instances (platforms.ecs.containerInstances) before the weights split the rest: the first base tasks always land here. Only one provider of a strategy may have a base.
       */
      base?: number;
      /**
       * This provider's share of the tasks above the base, relative to the other weights (0: none of them).
       */
      weight: number;
    };
  };
  /**
   * For placement eks: the node groups (platforms.eks.nodeGroups names) its pods may run on, with the tolerations of their taints. Default: any untainted group.
   *
   * @minItems 1
   */
  nodeGroups?: [string, ...string[]];
  /**
   * Horizontal (and for eks, vertical) autoscaling.
   */
  scaling?: {
    /**
     * Fewest tasks, pods or instances.
     */
    min?: number;
    /**
     * Most tasks, pods or instances (default: min).
     */
    max?: number;
    /**
     * Target average CPU utilisation for target tracking.
     */
    targetCpuPercent?: number;
    /**
     * Optional target average memory utilisation.
     */
    targetMemoryPercent?: number;
    /**
     * eks only: add a VerticalPodAutoscaler (recommendations for requests).
     */
    vertical?: boolean;
    /**
     * Scale on the backlog of this queue (one the service consumes): target tracking on visible messages per running task (ECS), step scaling on the backlog (EC2). min may then be 0.
     */
    queue?: string;
    /**
     * With queue: the backlog one task, pod or instance works through; the target of the scaling policy.
     */
    messagesPerTask?: number;
    /**
     * Target tracking on ALB requests per target per minute (ALBRequestCountPerTarget of the service's target group). Only for a service behind an ALB (expose.public on the shared ALB, or expose.loadBalancer naming an ALB); ecs and ec2. A second target tracking policy beside CPU: scale-out when either is above its target, scale-in only when both are below.
     */
    targetRequestsPerTarget?: number;
    /**
     * A custom CloudWatch metric to scale on: target tracking when target is set, and the metric steps.on: metric alarms on. ecs and ec2. Its two target tracking alarms are billed as CloudWatch alarms.
     */
    metric?: {
      /**
       * CloudWatch namespace of the metric (e.g. Shop/Checkout, or an AWS one such as AWS/SQS): letters, digits and . _ / # : - or spaces, not starting with a colon. The service publishes it; dex only reads it.
       */
      namespace: string;
      /**
       * The metric's name in its namespace.
       */
      name: string;
      /**
       * Dimensions that select the metric's series, name to value, exactly as the service publishes them (CloudWatch matches every dimension).
       */
      dimensions?: {
        [k: string]: string;
      };
      /**
       * How CloudWatch aggregates the metric over a minute before the policy reads it.
       */
      statistic?: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
      /**
       * Target tracking: keep the metric at this value (per task when the service publishes it so). Leave it out when only steps read the metric (steps.on: metric).
       */
      target?: number;
    };
    /**
     * Step scaling: CloudWatch alarms that add or remove capacity in steps by how far the metric is past its threshold. ecs and ec2. Steps on cpu replace the CPU target tracking policy (they would fight over scale-in); each alarm is billed as a CloudWatch alarm.
     */
    steps?: {
      /**
       * The metric the alarms watch: the service's average CPU or memory utilisation (percent), or scaling.metric.
       */
      on: 'cpu' | 'memory' | 'metric';
      /**
       * Scale-out steps: one alarm at the lowest atOrAbove, each step from its value to the next one's. At most 20 (what a scaling policy takes).
       */
      out?: {
        /**
         * From this value of the metric up (to the next step's), add capacity.
         */
        atOrAbove: number;
        /**
         * Tasks or instances to add (a percentage of the current capacity with adjustment: percent).
         */
        add: number;
      }[];
      /**
       * Scale-in steps: one alarm at the highest atOrBelow, each step from its value down to the next one's. At most 20 (what a scaling policy takes).
       */
      in?: {
        /**
         * From this value of the metric down (to the next step's), remove capacity.
         */
        atOrBelow: number;
        /**
         * Tasks or instances to remove (a percentage with adjustment: percent).
         */
        remove: number;
      }[];
      /**
       * What add and remove count: tasks or instances (count), or a percentage of the current capacity (percent).
       */
      adjustment?: 'count' | 'percent';
      /**
       * After a step acts, how long before the next may (ECS cooldown; the EC2 instance warm-up).
       */
      cooldownSeconds?: number;
      /**
       * The alarms' period: how long each data point aggregates.
       */
      periodSeconds?: 60 | 120 | 300 | 600 | 900 | 1800 | 3600;
      /**
       * Consecutive periods the metric must be past a step's threshold before the alarm acts.
       */
      evaluationPeriods?: number;
    };
    /**
     * Scheduled scaling: at each time, the service's min and max become the action's until the next action (e.g. down at night, back up in the morning: declare both). ecs (Application Auto Scaling scheduled actions) and ec2 (Auto Scaling scheduled actions).
     *
     * @maxItems 50
     */
    scheduled?: {
      /**
       * The action's name (lowercase letters, digits, dashes), unique within the service.
       */
      name: string;
      /**
       * When the action applies: cron(minutes hours day-of-month month day-of-week year) or rate(value unit), as a job's schedule. On EC2 Auto Scaling the cron is translated to its five-field Recurrence (no rate there, no L, W or #).
       */
      schedule: string;
      /**
       * The IANA time zone the cron is read in. Default UTC.
       */
      timezone?: string;
      /**
       * Fewest tasks or instances from then on.
       */
      min: number;
      /**
       * Most tasks or instances from then on; at most scaling.max (the plan prices up to it).
       */
      max: number;
    }[];
  };
  /**
   * Health check used by the load balancer and the platform: HTTP (path or http, the default), tcp, grpc, or a command run in the container; the timing fields apply to all of them. startup, liveness and readiness give one of the three checks its own kind or timings (docs/kubernetes.md "Health checks").
   */
  health?: {
    /**
     * HTTP path (and query) that answers 200 when the service is healthy: starts with /; letters, digits and . _ ~ % / ? & = + , : @ - (no spaces, quotes or shell characters). The load balancer checks it; so do the platform (container health check, Kubernetes probes) unless tcp, grpc or command says otherwise.
     */
    path?: string;
    /**
     * Same as path (an HTTP check of this path); give one of the two.
     */
    http?: string;
    /**
     * Healthy when the port accepts a TCP connection (for a service that speaks no HTTP). The platform checks the connection; a service behind the load balancer still needs path, which the load balancer checks over HTTP.
     */
    tcp?: true;
    /**
     * The service speaks gRPC: healthy when the gRPC health protocol (grpc.health.v1.Health/Check) answers SERVING for this service name ("" for the whole server). Behind the load balancer its target group uses protocol version GRPC; Kubernetes probes use the grpc probe; ECS and EC2 check that the port accepts connections.
     */
    grpc?: string;
    /**
     * A command run inside the container (exec form: its words are passed as they are, no shell) that exits 0 when healthy: the ECS container health check, the Kubernetes probes and the EC2 host's check (docker exec). With it a service without a port can have a health check. The load balancer still checks path.
     *
     * @minItems 1
     * @maxItems 32
     */
    command?: [string, ...string[]];
    /**
     * Seconds between checks. Kubernetes probes take 1 s and up; what goes to a load balancer's target group (the readiness check of an exposed service) or to the ECS container health check (the liveness check) needs at least 5 (DEX860).
     */
    intervalSeconds?: number;
    /**
     * Seconds before a check counts as failed. Kubernetes probes take 1 s and up; a target group and the ECS container health check need at least 2 (DEX860).
     */
    timeoutSeconds?: number;
    /**
     * Consecutive successes before healthy (the readiness check: Kubernetes successThreshold, the target group's healthy threshold, which needs at least 2: DEX860).
     */
    healthyThreshold?: number;
    /**
     * Consecutive failures before unhealthy.
     */
    unhealthyThreshold?: number;
    /**
     * Seconds after start before checks count: the startup window (Kubernetes startup probe, ECS startPeriod and the service's load-balancer grace period, the EC2 Auto Scaling group's grace period). startup.gracePeriodSeconds overrides it.
     */
    gracePeriodSeconds?: number;
    /**
     * The startup check: the Kubernetes startup probe (liveness and readiness wait for it), the EC2 host's boot check; its gracePeriodSeconds is ECS's startPeriod. Default: the main check.
     */
    startup?: {
      /**
       * HTTP path (and query) this check asks for, as health.path. A probe that names a check (path, http, tcp, grpc or command) uses only that; one that names none uses the main check.
       */
      path?: string;
      /**
       * Same as path; give one of the two.
       */
      http?: string;
      /**
       * Healthy when the port accepts a TCP connection, as health.tcp.
       */
      tcp?: true;
      /**
       * The gRPC health protocol for this service name, as health.grpc.
       */
      grpc?: string;
      /**
       * A command run inside the container (exec form, no shell), as health.command.
       *
       * @minItems 1
       * @maxItems 32
       */
      command?: [string, ...string[]];
      /**
       * Seconds between checks. Default: health.intervalSeconds.
       */
      intervalSeconds?: number;
      /**
       * Seconds before a check counts as failed. Default: health.timeoutSeconds.
       */
      timeoutSeconds?: number;
      /**
       * How long the service may take to start before failed checks count (Kubernetes: the startup probe's failure threshold, this over its interval). Default: health.gracePeriodSeconds.
       */
      gracePeriodSeconds?: number;
    };
    /**
     * The liveness check: a failing container is restarted (the Kubernetes liveness probe, the ECS container health check). Default: the main check.
     */
    liveness?: {
      /**
       * HTTP path (and query) this check asks for, as health.path. A probe that names a check (path, http, tcp, grpc or command) uses only that; one that names none uses the main check.
       */
      path?: string;
      /**
       * Same as path; give one of the two.
       */
      http?: string;
      /**
       * Healthy when the port accepts a TCP connection, as health.tcp.
       */
      tcp?: true;
      /**
       * The gRPC health protocol for this service name, as health.grpc.
       */
      grpc?: string;
      /**
       * A command run inside the container (exec form, no shell), as health.command.
       *
       * @minItems 1
       * @maxItems 32
       */
      command?: [string, ...string[]];
      /**
       * Seconds between checks. Default: health.intervalSeconds. At least 5 on ECS (DEX860).
       */
      intervalSeconds?: number;
      /**
       * Seconds before a check counts as failed. Default: health.timeoutSeconds.
       */
      timeoutSeconds?: number;
      /**
       * Consecutive failures before the container is restarted. Default: health.unhealthyThreshold.
       */
      unhealthyThreshold?: number;
    };
    /**
     * The readiness check: a failing target gets no traffic (the Kubernetes readiness probe, the load balancer's target group on every platform). Default: the main check.
     */
    readiness?: {
      /**
       * HTTP path (and query) this check asks for, as health.path. A probe that names a check (path, http, tcp, grpc or command) uses only that; one that names none uses the main check.
       */
      path?: string;
      /**
       * Same as path; give one of the two.
       */
      http?: string;
      /**
       * Healthy when the port accepts a TCP connection, as health.tcp.
       */
      tcp?: true;
      /**
       * The gRPC health protocol for this service name, as health.grpc.
       */
      grpc?: string;
      /**
       * A command run inside the container (exec form, no shell), as health.command.
       *
       * @minItems 1
       * @maxItems 32
       */
      command?: [string, ...string[]];
      /**
       * Seconds between checks. Default: health.intervalSeconds. At least 5 when the service has a target group (DEX860).
       */
      intervalSeconds?: number;
      /**
       * Seconds before a check counts as failed. Default: health.timeoutSeconds.
       */
      timeoutSeconds?: number;
      /**
       * Consecutive successes before the target gets traffic. Default: health.healthyThreshold; a target group needs at least 2 (DEX860).
       */
      healthyThreshold?: number;
      /**
       * Consecutive failures before the target gets no traffic. Default: health.unhealthyThreshold.
       */
      unhealthyThreshold?: number;
    };
  };
  /**
   * Whether and where the service is reachable through the load balancer.
   */
  expose?: {
    /**
     * Route to it from the internet-facing load balancer.
     */
    public?: boolean;
    /**
     * Path prefix routed to the service, e.g. /api/kyc (required when public).
     */
    path?: string;
    /**
     * Optional host name condition for the routing rule.
     */
    host?: string;
    /**
     * Host name condition relative to ingress.domain.name: api means api.<domain> (admin.eu and * work too), so an environment that overlays its own domain moves every service with it. Not together with host.
     */
    subdomain?: string;
    /**
     * Route to the service from this load balancer of ingress.loadBalancers instead of the shared public ALB (public is then not set: the load balancer's scheme decides who reaches it).
     */
    loadBalancer?: string;
    /**
     * NLB only: the service's listener (each service on an NLB has its own port).
     */
    listener?: {
      /**
       * Port clients connect to on the NLB. Default: the service's port.
       */
      port?: number;
      /**
       * TCP or UDP passed through, or TLS ended on the NLB with the domain's certificate (or ingress.tls.certificateArn) and forwarded as TCP.
       */
      protocol?: 'TCP' | 'UDP' | 'TLS';
    };
    /**
     * A WebSocket (or other long-lived connection) service behind an ALB: idle timeout 3600 s, lb_cookie stickiness for a day, deregistration delay 120 s, the least-outstanding-requests algorithm. Each explicit field below overrides its part. (docs/domains.md "WebSockets and connection settings")
     */
    websocket?: boolean;
    /**
     * ALB only: the idle timeout this service needs. It is one setting per load balancer: the ALB gets the largest of ingress.idleTimeoutSeconds and its services' values.
     */
    idleTimeoutSeconds?: number;
    /**
     * ALB only: sticky sessions by the load balancer's cookie (lb_cookie): a client's requests go to the same target.
     */
    stickiness?: {
      /**
       * false turns off the stickiness websocket sets.
       */
      enabled?: boolean;
      /**
       * How long the cookie keeps a client on its target (1 s to 7 days).
       */
      durationSeconds?: number;
    };
    /**
     * How long a deregistering target keeps its open connections before the load balancer closes them. Default 30 (120 with websocket).
     */
    deregistrationDelaySeconds?: number;
    /**
     * ALB only: a new target's share of requests ramps up over this many seconds (30 to 900; 0 off, the default). Not with least_outstanding_requests (DEX863).
     */
    slowStartSeconds?: number;
    /**
     * ALB only: how the load balancer picks a target. Default round_robin (least_outstanding_requests with websocket).
     */
    algorithm?: 'round_robin' | 'least_outstanding_requests';
  };
  /**
   * Databases, caches, services, buckets and tables this service calls, and the queues and topics it sends to, consumes or publishes to, and the Amazon MQ brokers it connects to ({ bucket|table: NAME, access: read | read-write }, { queue: NAME, access: send | consume }, { topic: NAME, access: publish }, { broker: NAME }). Security groups, IAM and network policies allow exactly these. A service used gives its address as <NAME>_URL, <NAME>_HOST and <NAME>_PORT (NAME: its name upper-cased, other characters _); the object form renames them, e.g. { service: productcatalogservice, env: { address: PRODUCT_CATALOG_SERVICE_ADDR } }.
   */
  uses?: (
    | string
    | {
        /**
         * Name of the bucket (under buckets:).
         */
        bucket: string;
        /**
         * read: get and list; read-write: also put and delete.
         */
        access: 'read' | 'read-write';
      }
    | {
        /**
         * Name of the table (under tables:).
         */
        table: string;
        /**
         * read: get and list; read-write: also put and delete.
         */
        access: 'read' | 'read-write';
      }
    | QueueUse
    | TopicUse
    | ServiceUse
    | BrokerUse
  )[];
  /**
   * Secrets injected as environment variables: a name (dex creates a placeholder of this service's; values are set outside the spec), or { secret, key, env } for a secret of the top-level secrets map.
   */
  secrets?: (
    | string
    | {
        /**
         * Name of the secret under the top-level secrets.
         */
        secret: string;
        /**
         * One of the secret's keys: the variable gets that JSON key's value.
         */
        key?: string;
        /**
         * The variable name (ECS, EC2: environment; EKS: the file /mnt/secrets/<env>). Default: the key when it is a variable name, else the secret's name in capitals.
         */
        env?: string;
      }
  )[];
  /**
   * Plain (non-secret) environment variables. Values that look like credentials are refused: declare them in secrets. A value is one line (no line breaks). A value may be a reference to what dex makes, resolved on every platform: ${databases.NAME.address}, .port or .endpoint (host:port), the same for caches plus ${caches.NAME.url} (rediss://host:port), and ${ingress.dnsName}.
   */
  env?: {
    [k: string]: string | number | boolean;
  };
  /**
   * ECS Exec: allow `aws ecs execute-command` into the service's running tasks (ECS only). true, or why (a string), which also silences the warning in a protected environment. Sessions are encrypted with the environment's KMS key and logged to the system's exec log group; the compliance report lists the service. Default false. On EKS, kubectl exec is granted by platforms.eks.access; EC2 instances are reached with Session Manager already.
   */
  exec?: boolean | string;
  /**
   * What kind of workload the service is: web (listens on its port, behind the load balancer when expose.public), backend (listens on its port, never behind the public load balancer: only services that list it in uses reach it), worker (no port: runs continuously, scales on CPU and memory), or job (runs to completion: on a schedule, or before each release). Default web.
   */
  kind?: 'web' | 'backend' | 'worker' | 'job';
  /**
   * When a job (kind: job) runs: an EventBridge Scheduler expression, cron(minutes hours day-of-month month day-of-week year) or rate(value unit). On ECS an EventBridge Scheduler schedule runs the task; on EKS a CronJob (the expression translated to Kubernetes cron).
   */
  schedule?: string;
  /**
   * The IANA time zone a job's cron schedule is read in (e.g. Europe/Berlin). Default UTC.
   */
  timezone?: string;
  /**
   * When an on-demand job (kind: job) runs: before-release, once per environment in the release, after the data stacks and before the services are updated; a failed run fails the release.
   */
  run?: 'before-release';
  /**
   * How long one run of a job may take before it is stopped and counts as failed, in seconds (Kubernetes activeDeadlineSeconds; the release's wait on ECS). Default 3600.
   */
  timeoutSeconds?: number;
  /**
   * How often a job's failed run is retried (Kubernetes backoffLimit; on ECS, EventBridge Scheduler's retries of a run that could not be started). Default 2.
   */
  retries?: number;
  /**
   * Pricing assumption: how long one run of a job takes, in minutes. The plan prices a job's Fargate hours as runs a month × this. Default 5.
   */
  expectedDurationMinutes?: number;
  /**
   * Port callers use, when it differs from the container's `port`: the Kubernetes Service port (its targetPort is `port`), the ECS Service Connect client alias port, the listener of the internal load balancer dex puts in front of an EKS service ECS or EC2 services call, and of an EC2 service anything calls. An ECS service reached through Cloud Map from EKS or EC2 answers on `port` (DEX379). The address variables of every caller carry it. Default: `port`.
   */
  servicePort?: number;
  /**
   * EFS file systems mounted into the container (ECS, EKS, EC2), each through the service's own access point, over TLS with IAM authorization.
   *
   * @maxItems 10
   */
  volumes?:
    | []
    | [Volume]
    | [Volume, Volume]
    | [Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume, Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume, Volume, Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume, Volume, Volume, Volume, Volume, Volume]
    | [Volume, Volume, Volume, Volume, Volume, Volume, Volume, Volume, Volume, Volume];
}
/**
 * A container beside the service's main one, in the same task (ECS), pod (EKS, a native sidecar) or instance (EC2): a log router, an agent such as an OpenTelemetry collector. It shares the main container's network (localhost) and role, has its own image, command, environment, size and health, and the same hardened defaults.
 */
export interface Sidecar {
  /**
   * The container's name: lowercase letters, digits and -, at most 40 characters; unique in the service and not the service's own name (DEX830).
   */
  name: string;
  /**
   * The image the sidecar runs: a Docker image reference, [registry/]repository[:tag][@digest], checked as a service's image (registry reachability; pin it with a tag or digest, DEX838). dex builds no image for a sidecar.
   */
  image: string;
  /**
   * Overrides the image's command: its words as they are (exec form, no shell).
   *
   * @maxItems 64
   */
  command?: string[];
  /**
   * Plain (non-secret) environment variables of the sidecar, one line each. Values that look like credentials are refused: declare them in secrets. The main container's variables are not given to it.
   */
  env?: {
    [k: string]: string | number | boolean;
  };
  /**
   * Secrets of the service (names from its secrets) the sidecar also gets as environment variables (DEX835).
   */
  secrets?: string[];
  /**
   * The sidecar's CPU and memory, added to the service's resources (the main container's): an ECS task is sized to the sum, which must be a Fargate size (DEX832); an EKS pod requests the sum; on EC2 the sidecar is limited to it.
   */
  resources: {
    /**
     * vCPUs of the sidecar, e.g. 0.25: its reservation and its limit.
     */
    cpu: number;
    /**
     * Memory of the sidecar, e.g. 256MiB: its reservation and its limit (it is stopped above it).
     */
    memory: string;
  };
  /**
   * Ports the sidecar listens on (TCP), on the task's, pod's or host's network: none may be the main container's port or another sidecar's (DEX831). Other containers of the service reach it on localhost; nothing outside does.
   *
   * @minItems 1
   * @maxItems 10
   */
  ports?:
    | [number]
    | [number, number]
    | [number, number, number]
    | [number, number, number, number]
    | [number, number, number, number, number]
    | [number, number, number, number, number, number]
    | [number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number];
  /**
   * How the sidecar is checked: a command run in it (exec form, no shell) that exits 0 when healthy, or a TCP connect to one of its ports; one of the two (DEX836).
   */
  health?: {
    /**
     * A command run inside the container (exec form: its words are passed as they are, no shell) that exits 0 when healthy: the ECS container health check, the Kubernetes probes and the EC2 host's check (docker exec). With it a service without a port can have a health check. The load balancer still checks path.
     *
     * @minItems 1
     * @maxItems 32
     */
    command?: [string, ...string[]];
    /**
     * A port of the sidecar that accepts a TCP connection when it is healthy.
     */
    tcp?: number;
    /**
     * Seconds between checks.
     */
    intervalSeconds?: number;
    /**
     * Seconds before a check counts as failed.
     */
    timeoutSeconds?: number;
    /**
     * Consecutive failures before unhealthy.
     */
    unhealthyThreshold?: number;
    /**
     * Seconds after start before checks count.
     */
    gracePeriodSeconds?: number;
  };
  /**
   * Whether the service is unhealthy without it: on ECS a stopped essential sidecar stops the task (Essential), on EKS its readiness counts in the pod's; a non-essential one is restarted (EKS, EC2) or left stopped (ECS) while the main container runs on.
   */
  essential?: boolean;
  /**
   * This sidecar is the service's Fluent Bit log router (ECS FireLens): the main container's logs go through it (log driver awsfirelens) to the service's log group, and its own to the log group directly. ECS only; at most one per service (DEX834).
   */
  logRouter?: boolean;
  /**
   * The main container starts once this sidecar has started (start) or is healthy (healthy, which needs health). Default: start for a log router, else no ordering on ECS and EC2; on EKS every native sidecar starts before the main container, and one with health only once its startup probe passes.
   */
  mainWaitsFor?: 'start' | 'healthy';
  /**
   * Other sidecars of the service this one starts after: once each has started (start) or is healthy (healthy). No cycles (DEX833).
   *
   * @maxItems 10
   */
  dependsOn?:
    | []
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ]
    | [
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        },
        {
          /**
           * Name of another sidecar of the same service.
           */
          sidecar: string;
          /**
           * start: once it has started; healthy: once its health check passes (it needs health).
           */
          condition: 'start' | 'healthy';
        }
      ];
  /**
   * Opt out of the non-root user (uid 10001) for this sidecar on ECS and EC2: why its image must run as root (ECS User 0; docker run without --user). The compliance report lists the sidecar and this reason. Not on EKS, whose pods run as non-root under Pod Security restricted (DEX837).
   */
  runAsRoot?: string;
  /**
   * Relax one of the sidecar's hardened defaults (read-only root file system, every Linux capability dropped), with the reason, as a service's securityContext does; the compliance report lists the sidecar, what it relaxes and the reason.
   */
  securityContext?: {
    /**
     * false lets the container write to its root file system (ECS ReadonlyRootFilesystem, Kubernetes readOnlyRootFilesystem, docker run without --read-only). Default true: only /tmp is writable.
     */
    readOnlyRootFilesystem?: boolean;
    /**
     * Linux capabilities given back after every one is dropped.
     */
    capabilities?: {
      /**
       * Capabilities to add, without the CAP_ prefix. ECS on Fargate accepts only SYS_PTRACE (DEX331).
       *
       * @minItems 1
       */
      add?: [
        (
          | 'AUDIT_CONTROL'
          | 'AUDIT_WRITE'
          | 'BLOCK_SUSPEND'
          | 'CHOWN'
          | 'DAC_OVERRIDE'
          | 'DAC_READ_SEARCH'
          | 'FOWNER'
          | 'FSETID'
          | 'IPC_LOCK'
          | 'IPC_OWNER'
          | 'KILL'
          | 'LEASE'
          | 'LINUX_IMMUTABLE'
          | 'MAC_ADMIN'
          | 'MAC_OVERRIDE'
          | 'MKNOD'
          | 'NET_ADMIN'
          | 'NET_BIND_SERVICE'
          | 'NET_BROADCAST'
          | 'NET_RAW'
          | 'SETFCAP'
          | 'SETGID'
          | 'SETPCAP'
          | 'SETUID'
          | 'SYS_ADMIN'
          | 'SYS_BOOT'
          | 'SYS_CHROOT'
          | 'SYS_MODULE'
          | 'SYS_NICE'
          | 'SYS_PACCT'
          | 'SYS_PTRACE'
          | 'SYS_RAWIO'
          | 'SYS_RESOURCE'
          | 'SYS_TIME'
          | 'SYS_TTY_CONFIG'
          | 'SYSLOG'
          | 'WAKE_ALARM'
        ),
        ...(
          | 'AUDIT_CONTROL'
          | 'AUDIT_WRITE'
          | 'BLOCK_SUSPEND'
          | 'CHOWN'
          | 'DAC_OVERRIDE'
          | 'DAC_READ_SEARCH'
          | 'FOWNER'
          | 'FSETID'
          | 'IPC_LOCK'
          | 'IPC_OWNER'
          | 'KILL'
          | 'LEASE'
          | 'LINUX_IMMUTABLE'
          | 'MAC_ADMIN'
          | 'MAC_OVERRIDE'
          | 'MKNOD'
          | 'NET_ADMIN'
          | 'NET_BIND_SERVICE'
          | 'NET_BROADCAST'
          | 'NET_RAW'
          | 'SETFCAP'
          | 'SETGID'
          | 'SETPCAP'
          | 'SETUID'
          | 'SYS_ADMIN'
          | 'SYS_BOOT'
          | 'SYS_CHROOT'
          | 'SYS_MODULE'
          | 'SYS_NICE'
          | 'SYS_PACCT'
          | 'SYS_PTRACE'
          | 'SYS_RAWIO'
          | 'SYS_RESOURCE'
          | 'SYS_TIME'
          | 'SYS_TTY_CONFIG'
          | 'SYSLOG'
          | 'WAKE_ALARM'
        )[]
      ];
    };
    /**
     * Why this image needs it; listed in the compliance report.
     */
    reason: string;
  };
}
/**
 * A queue this service sends to or consumes from: the exact SQS and KMS permissions, and <NAME>_QUEUE_URL and <NAME>_QUEUE_ARN in its environment.
 */
export interface QueueUse {
  /**
   * Name of a queue under queues:.
   */
  queue: string;
  /**
   * send: sqs:SendMessage; consume: receive, delete, change visibility, read attributes.
   */
  access: 'send' | 'consume';
  /**
   * consume: the longest this service takes to handle one message; checked against the queue's visibilityTimeoutSeconds.
   */
  timeoutSeconds?: number;
}
/**
 * A topic this service publishes to: sns:Publish on it, the KMS permissions, and <NAME>_TOPIC_ARN in its environment.
 */
export interface TopicUse {
  /**
   * Name of a topic under topics:.
   */
  topic: string;
  /**
   * publish: sns:Publish.
   */
  access: 'publish';
}
/**
 * A service this service calls, with the names of the environment variables its address arrives in.
 */
export interface ServiceUse {
  /**
   * The service called (a key of `services`).
   */
  service: string;
  /**
   * Names of the address variables this caller reads, where they differ from `<NAME>_URL`, `<NAME>_HOST`, `<NAME>_PORT`.
   */
  env?: {
    /**
     * Variable the URL goes in instead of `<NAME>_URL`: `http://host:port`, or `dns:///host:port` (gRPC target syntax) for a gRPC service.
     */
    url?: string;
    /**
     * Variable the host name goes in instead of `<NAME>_HOST`.
     */
    host?: string;
    /**
     * Variable the port goes in instead of `<NAME>_PORT`.
     */
    port?: string;
    /**
     * Variable that gets `host:port` (what gRPC clients read, e.g. Online Boutique's `PRODUCT_CATALOG_SERVICE_ADDR`); none unless named.
     */
    address?: string;
  };
}
/**
 * An Amazon MQ broker this service connects to: 5671 open from it, <NAME>_URL (amqps://host:5671), <NAME>_HOST and <NAME>_PORT in its environment, <NAME>_USERNAME and <NAME>_PASSWORD from the broker's generated secret.
 */
export interface BrokerUse {
  /**
   * Name of a broker under brokers:.
   */
  broker: string;
}
/**
 * An EFS file system mounted into the service's container at path, through an access point of the service's own.
 */
export interface Volume {
  /**
   * Name of a file system under fileSystems.
   */
  fileSystem: string;
  /**
   * Where the file system appears in the container. Not / or a system directory, not /tmp (dex's scratch directory), not inside another volume.
   */
  path: string;
  /**
   * Mount it read-only: the container cannot write, and the service's role gets ClientMount without ClientWrite. Default false (read-write).
   */
  readOnly?: boolean;
  /**
   * The service's EFS access point: the directory of the file system it sees as its root and the POSIX user every file operation runs as. Default: /<service>, uid and gid 10001 (the non-root container user).
   */
  accessPoint?: {
    /**
     * Directory of the file system the service sees as its root; EFS creates it, owned by uid and gid, on first mount. Default /<service>.
     */
    path?: string;
    /**
     * POSIX user ID of every file operation through the access point (never 0: root stays off the file system). Default 10001.
     */
    uid?: number;
    /**
     * POSIX group ID of every file operation through the access point. Default: the uid.
     */
    gid?: number;
  };
}
/**
 * A managed relational database: RDS for PostgreSQL or MySQL, or an Aurora PostgreSQL or Aurora MySQL cluster (provisioned instances or Serverless v2).
 */
export interface Database {
  /**
   * Database engine: postgres or mysql (one RDS instance, a standby with multiAz, read replicas), aurora-postgresql or aurora-mysql (an Aurora cluster: a writer instance and readReplicas reader instances, or Serverless v2 with serverless:).
   */
  engine?: 'postgres' | 'mysql' | 'aurora-postgresql' | 'aurora-mysql';
  /**
   * Major engine version, as a string: postgres and aurora-postgresql 13 to 17 (default 16), mysql 8.0 or 8.4 (default 8.0), aurora-mysql 8.0 (Aurora MySQL version 3, the default). Checked against the engine (DEX700).
   */
  version?: '13' | '14' | '15' | '16' | '17' | '8.0' | '8.4';
  /**
   * RDS instance class (db.*). Aurora runs db.t3.medium, db.t4g.medium and larger burstable classes and the db.r* classes (DEX701); ignored with serverless:.
   */
  instanceClass?:
    | 'db.t3.micro'
    | 'db.t3.small'
    | 'db.t3.medium'
    | 'db.t3.large'
    | 'db.t3.xlarge'
    | 'db.t3.2xlarge'
    | 'db.t4g.micro'
    | 'db.t4g.small'
    | 'db.t4g.medium'
    | 'db.t4g.large'
    | 'db.t4g.xlarge'
    | 'db.t4g.2xlarge'
    | 'db.m5.large'
    | 'db.m5.xlarge'
    | 'db.m5.2xlarge'
    | 'db.m5.4xlarge'
    | 'db.m5.8xlarge'
    | 'db.m5.12xlarge'
    | 'db.m5.16xlarge'
    | 'db.m5.24xlarge'
    | 'db.m6g.large'
    | 'db.m6g.xlarge'
    | 'db.m6g.2xlarge'
    | 'db.m6g.4xlarge'
    | 'db.m6g.8xlarge'
    | 'db.m6g.12xlarge'
    | 'db.m6g.16xlarge'
    | 'db.m6i.large'
    | 'db.m6i.xlarge'
    | 'db.m6i.2xlarge'
    | 'db.m6i.4xlarge'
    | 'db.m6i.8xlarge'
    | 'db.m6i.12xlarge'
    | 'db.m6i.16xlarge'
    | 'db.m6i.24xlarge'
    | 'db.m6i.32xlarge'
    | 'db.m7g.large'
    | 'db.m7g.xlarge'
    | 'db.m7g.2xlarge'
    | 'db.m7g.4xlarge'
    | 'db.m7g.8xlarge'
    | 'db.m7g.12xlarge'
    | 'db.m7g.16xlarge'
    | 'db.r5.large'
    | 'db.r5.xlarge'
    | 'db.r5.2xlarge'
    | 'db.r5.4xlarge'
    | 'db.r5.8xlarge'
    | 'db.r5.12xlarge'
    | 'db.r5.16xlarge'
    | 'db.r5.24xlarge'
    | 'db.r6g.large'
    | 'db.r6g.xlarge'
    | 'db.r6g.2xlarge'
    | 'db.r6g.4xlarge'
    | 'db.r6g.8xlarge'
    | 'db.r6g.12xlarge'
    | 'db.r6g.16xlarge'
    | 'db.r6i.large'
    | 'db.r6i.xlarge'
    | 'db.r6i.2xlarge'
    | 'db.r6i.4xlarge'
    | 'db.r6i.8xlarge'
    | 'db.r6i.12xlarge'
    | 'db.r6i.16xlarge'
    | 'db.r6i.24xlarge'
    | 'db.r6i.32xlarge'
    | 'db.r7g.large'
    | 'db.r7g.xlarge'
    | 'db.r7g.2xlarge'
    | 'db.r7g.4xlarge'
    | 'db.r7g.8xlarge'
    | 'db.r7g.12xlarge'
    | 'db.r7g.16xlarge';
  /**
   * Aurora Serverless v2 (aurora-postgresql and aurora-mysql only): the writer and readers are db.serverless instances that scale between minAcu and maxAcu, billed per ACU-hour; instanceClass is then ignored.
   */
  serverless?: {
    /**
     * Fewest Aurora capacity units (ACUs, about 2 GiB of memory each) the cluster scales down to, 0 to 256 in steps of 0.5; 0 pauses an idle cluster (Aurora PostgreSQL 13.15+, 14.12+, 15.7+, 16.3+; Aurora MySQL 3.08+).
     */
    minAcu?: number;
    /**
     * Most Aurora capacity units the cluster scales up to, 1 to 256 in steps of 0.5, at least minAcu.
     */
    maxAcu: number;
  };
  /**
   * Run a synchronous standby in a second availability zone. On Aurora: at least one reader instance (the failover target) in another zone.
   */
  multiAz?: boolean;
  /**
   * Allocated storage in GiB (RDS engines; Aurora storage grows by itself and is billed as used).
   */
  storageGiB?: number;
  /**
   * Ceiling for storage autoscaling; left out, storage does not grow by itself.
   */
  maxStorageGiB?: number;
  /**
   * Days automated backups are kept (0 turns backups off).
   */
  backupRetentionDays?: number;
  /**
   * Read replicas in the same region.
   */
  readReplicas?: number;
  /**
   * Copy backups to this region with AWS Backup, for disaster recovery.
   */
  crossRegionBackupTo?:
    | 'us-east-1'
    | 'us-east-2'
    | 'us-west-1'
    | 'us-west-2'
    | 'af-south-1'
    | 'ap-east-1'
    | 'ap-south-1'
    | 'ap-south-2'
    | 'ap-southeast-1'
    | 'ap-southeast-2'
    | 'ap-southeast-3'
    | 'ap-southeast-4'
    | 'ap-southeast-5'
    | 'ap-southeast-7'
    | 'ap-northeast-1'
    | 'ap-northeast-2'
    | 'ap-northeast-3'
    | 'ca-central-1'
    | 'ca-west-1'
    | 'eu-central-1'
    | 'eu-central-2'
    | 'eu-west-1'
    | 'eu-west-2'
    | 'eu-west-3'
    | 'eu-south-1'
    | 'eu-south-2'
    | 'eu-north-1'
    | 'il-central-1'
    | 'me-south-1'
    | 'me-central-1'
    | 'mx-central-1'
    | 'sa-east-1';
  /**
   * Refuse deletion of the instance until turned off.
   */
  deletionProtection?: boolean;
  /**
   * Database port. Defaults to 5433 for postgres and aurora-postgresql and to 3307 for mysql and aurora-mysql, not the engines' well-known 5432 and 3306 (FSBP RDS.23: a non-default port takes the instance out of scans for the default one); set the well-known port explicitly to keep it, and the compliance report lists RDS.23 as failed for that database.
   */
  port?: number;
  /**
   * Engine parameters, in a parameter group of the engine's family (a cluster parameter group on Aurora). dex keeps TLS required (rds.force_ssl or require_secure_transport) whatever is set here.
   */
  parameters?: {
    [k: string]: string | number | boolean;
  };
  /**
   * Turn on Performance Insights, encrypted with the system's KMS key.
   */
  performanceInsights?: {
    /**
     * Days Performance Insights keeps its data: 7 (free) or a multiple of 31 up to 713, or 731 (two years), billed per vCPU-month beyond the free 7 days.
     */
    retentionDays?: number;
  };
  /**
   * Enhanced monitoring (OS metrics), through the environment's least-privilege monitoring role. On by default every 60 seconds.
   */
  enhancedMonitoring?: {
    /**
     * Seconds between OS-metric samples sent to CloudWatch Logs (RDSOSMetrics); 0 turns enhanced monitoring off (FSBP RDS.6 then fails).
     */
    intervalSeconds?: 0 | 1 | 5 | 10 | 15 | 30 | 60;
  };
  /**
   * Logs published to CloudWatch Logs, into log groups dex creates (retention, KMS): postgresql, upgrade and iam-db-auth-error (PostgreSQL engines; instance on Aurora PostgreSQL), error, general, slowquery, audit and iam-db-auth-error (MySQL engines). Default: postgresql and upgrade, or error and slowquery, when audit.databaseLogs is on. Checked per engine (DEX703).
   */
  logExports?: (
    'postgresql' | 'upgrade' | 'error' | 'general' | 'slowquery' | 'audit' | 'iam-db-auth-error' | 'instance'
  )[];
  /**
   * Weekly maintenance window in UTC, ddd:hh24:mi-ddd:hh24:mi, at least 30 minutes (DEX704), not overlapping backupWindow (DEX705). Left out, RDS picks one.
   */
  maintenanceWindow?: string;
  /**
   * Daily backup window in UTC, hh24:mi-hh24:mi, at least 30 minutes (DEX704). Left out, RDS picks one.
   */
  backupWindow?: string;
  /**
   * Storage of an RDS instance (postgres, mysql): volume type, IOPS and throughput. Not for Aurora (DEX707).
   */
  storage?: {
    /**
     * Storage volume type.
     */
    type?: 'gp3' | 'io1' | 'io2';
    /**
     * Provisioned IOPS: gp3 above its baseline (3,000, or 12,000 from 400 GiB), io1/io2 required; AWS's ranges are checked against the size (DEX706).
     */
    iops?: number;
    /**
     * gp3 storage throughput in MiB/s above the baseline (125, or 500 from 400 GiB); gp3 only (DEX706).
     */
    throughputMiBps?: number;
  };
  /**
   * Let a change of version upgrade an RDS instance's major version in place (downtime while RDS upgrades; the parameter group is replaced with the new family). Off, RDS refuses the update. Aurora clusters are upgraded by CloudFormation when the version changes, with or without it; dex plan --against shows the change as a replacement risk either way.
   */
  allowMajorVersionUpgrade?: boolean;
  /**
   * The subnet tier the database's subnet group uses: database (the isolated database tier) or private (the services' subnets; needed when network.subnets.database is [], DEX797).
   */
  subnets?: 'database' | 'private';
}
/**
 * A managed Redis-compatible cache on Amazon ElastiCache.
 */
export interface Cache {
  /**
   * Cache engine: redis (Redis OSS) or valkey.
   */
  engine?: 'redis' | 'valkey';
  /**
   * Engine version.
   */
  version?: string;
  /**
   * ElastiCache node type (cache.*).
   */
  nodeType?:
    | 'cache.t3.micro'
    | 'cache.t3.small'
    | 'cache.t3.medium'
    | 'cache.t4g.micro'
    | 'cache.t4g.small'
    | 'cache.t4g.medium'
    | 'cache.m5.large'
    | 'cache.m5.xlarge'
    | 'cache.m5.2xlarge'
    | 'cache.m5.4xlarge'
    | 'cache.m5.12xlarge'
    | 'cache.m5.24xlarge'
    | 'cache.m6g.large'
    | 'cache.m6g.xlarge'
    | 'cache.m6g.2xlarge'
    | 'cache.m6g.4xlarge'
    | 'cache.m6g.8xlarge'
    | 'cache.m6g.12xlarge'
    | 'cache.m6g.16xlarge'
    | 'cache.m7g.large'
    | 'cache.m7g.xlarge'
    | 'cache.m7g.2xlarge'
    | 'cache.m7g.4xlarge'
    | 'cache.m7g.8xlarge'
    | 'cache.m7g.12xlarge'
    | 'cache.m7g.16xlarge'
    | 'cache.r5.large'
    | 'cache.r5.xlarge'
    | 'cache.r5.2xlarge'
    | 'cache.r5.4xlarge'
    | 'cache.r5.12xlarge'
    | 'cache.r5.24xlarge'
    | 'cache.r6g.large'
    | 'cache.r6g.xlarge'
    | 'cache.r6g.2xlarge'
    | 'cache.r6g.4xlarge'
    | 'cache.r6g.8xlarge'
    | 'cache.r6g.12xlarge'
    | 'cache.r6g.16xlarge'
    | 'cache.r7g.large'
    | 'cache.r7g.xlarge'
    | 'cache.r7g.2xlarge'
    | 'cache.r7g.4xlarge'
    | 'cache.r7g.8xlarge'
    | 'cache.r7g.12xlarge'
    | 'cache.r7g.16xlarge';
  /**
   * Node count: min runs normally, max is the ceiling for ElastiCache auto scaling.
   */
  nodes?: {
    /**
     * Nodes normally running.
     */
    min?: number;
    /**
     * Most nodes (default: min).
     */
    max?: number;
  };
  /**
   * Shard data across node groups (Redis cluster mode).
   */
  clusterMode?: boolean;
  /**
   * Days automatic snapshots are kept.
   */
  snapshotRetentionDays?: number;
  /**
   * Cache port.
   */
  port?: number;
  /**
   * The subnet tier the cache's subnet group uses: database (the isolated database tier) or private (the services' subnets; needed when network.subnets.database is [], DEX797).
   */
  subnets?: 'database' | 'private';
}
/**
 * An Amazon SQS queue. Services reach it through uses ({ queue: NAME, access: send | consume }).
 */
export interface Queue {
  /**
   * A FIFO queue (exactly-once processing, order kept per message group); its name ends in .fifo.
   */
  fifo?: boolean;
  /**
   * fifo only: deduplicate by a SHA-256 of the body, so senders need not set a deduplication ID.
   */
  contentBasedDeduplication?: boolean;
  /**
   * Days a message is kept before SQS deletes it unread (1 to 14).
   */
  retentionDays?: number;
  /**
   * Seconds a received message stays hidden from other consumers; longer than the slowest consumer's timeoutSeconds, or the message is processed twice.
   */
  visibilityTimeoutSeconds?: number;
  /**
   * The dead-letter queue: messages received maxReceives times without being deleted move there (encrypted, kept 14 days) instead of looping.
   */
  deadLetter?: {
    /**
     * Whether the queue has a dead-letter queue (on by default; off is a warning and a failed baseline check).
     */
    enabled?: boolean;
    /**
     * Receives before a message moves to the dead-letter queue.
     */
    maxReceives?: number;
    /**
     * Why the queue has no dead-letter queue (with enabled: false); shown in the compliance report.
     */
    reason?: string;
  };
  /**
   * Alarm (to the notify topic) when the oldest message has waited longer than this; the dead-letter queue alarms on any message.
   */
  oldestMessageAlarmSeconds?: number;
  /**
   * Usage assumption for pricing: messages sent a month. Each costs about three requests (send, receive, delete). Unset: the requests are listed unpriced.
   */
  messagesPerMonth?: number;
}
/**
 * An Amazon SNS topic. Services publish through uses ({ topic: NAME, access: publish }).
 */
export interface Topic {
  /**
   * A FIFO topic (ordered, deduplicated); its name ends in .fifo and it delivers to FIFO queues only.
   */
  fifo?: boolean;
  /**
   * fifo only: deduplicate by a SHA-256 of the body.
   */
  contentBasedDeduplication?: boolean;
  /**
   * Usage assumption for pricing: messages published a month (each is delivered to every subscription). Unset: the publishes and deliveries are listed unpriced.
   */
  publishesPerMonth?: number;
  /**
   * Where the topic delivers: a queue of this spec, an e-mail address or an HTTPS endpoint.
   */
  subscriptions?: TopicSubscription[];
}
/**
 * Metrics, logs, traces, alerts and where alerts go.
 */
export interface Monitoring {
  /**
   * Self-managed Prometheus on EC2.
   */
  prometheus?: {
    /**
     * Run Prometheus.
     */
    enabled?: boolean;
    instanceType?: Ec2InstanceType4;
    /**
     * Encrypted gp3 data volume in GiB.
     */
    storageGiB?: number;
    /**
     * Days of metrics kept.
     */
    retentionDays?: number;
  };
  /**
   * Self-managed Grafana on EC2.
   */
  grafana?: {
    /**
     * Run Grafana.
     */
    enabled?: boolean;
    instanceType?: Ec2InstanceType5;
    /**
     * Encrypted gp3 volume in GiB.
     */
    storageGiB?: number;
    /**
     * The address people open Grafana at, when it is not the Session Manager tunnel's http://localhost:3000 (your own HTTPS proxy or load balancer in front of it). Grafana's root_url, and the base of the sign-in callback <rootUrl>/login/generic_oauth registered with the identity provider. https, or http only for localhost.
     */
    rootUrl?: string;
    signIn?: GrafanaSignIn;
  };
  /**
   * Distributed tracing: xray (AWS X-Ray) or none.
   */
  tracing?: 'xray' | 'none';
  /**
   * Application and platform logs in CloudWatch Logs.
   */
  logs?: {
    /**
     * Days log events are kept. CloudWatch Logs accepts only these values.
     */
    retentionDays?:
      | 1
      | 3
      | 5
      | 7
      | 14
      | 30
      | 60
      | 90
      | 120
      | 150
      | 180
      | 365
      | 400
      | 545
      | 731
      | 1096
      | 1827
      | 2192
      | 2557
      | 2922
      | 3288
      | 3653;
  };
  /**
   * Create a CloudWatch dashboard for the system.
   */
  dashboard?: boolean;
  /**
   * Alerts. An environment overlay replaces the whole list.
   */
  alerts?: Alert[];
  /**
   * Where alerts go.
   */
  notify?: {
    /**
     * E-mail address subscribed to the alert topic.
     */
    email?: string;
  };
}
/**
 * How people sign in to Grafana. password (default): the admin user only, its password in Secrets Manager. oidc: single sign-on with an OpenID Connect provider the organisation already has (Okta, Entra ID, Google, Keycloak, IAM Identity Center through an OIDC app). cognito: dex creates an Amazon Cognito user pool for the environment (MFA required, users created by an administrator). With oidc or cognito the login form is off and the admin password stays as break-glass (docs/monitoring.md).
 */
export interface GrafanaSignIn {
  /**
   * password, oidc or cognito.
   */
  method?: 'password' | 'oidc' | 'cognito';
  oidc?: GrafanaOidc;
  cognito?: GrafanaCognito;
}
/**
 * The OpenID Connect provider (signIn.method: oidc). Register a confidential web application with the callback <rootUrl>/login/generic_oauth (http://localhost:3000/login/generic_oauth by default), give its client ID here and put its client secret in Secrets Manager with `dex secrets set <spec> --env <env> monitoring/grafana-oidc` (never in dex.yaml).
 */
export interface GrafanaOidc {
  /**
   * The provider's issuer URL (https). Without authUrl, tokenUrl and userInfoUrl, the Grafana server reads them from <issuer>/.well-known/openid-configuration at boot.
   */
  issuer?: string;
  /**
   * Authorization endpoint (https); give all three endpoints or none.
   */
  authUrl?: string;
  /**
   * Token endpoint (https).
   */
  tokenUrl?: string;
  /**
   * UserInfo endpoint (https).
   */
  userInfoUrl?: string;
  /**
   * The application's client ID (not a secret).
   */
  clientId?: string;
  /**
   * The provider's name on Grafana's sign-in button.
   */
  name?: string;
  /**
   * OAuth scopes Grafana asks for (add the one your provider needs for a groups claim, e.g. groups on Okta).
   *
   * @maxItems 20
   */
  scopes?:
    | []
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string, string, string, string]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ];
  /**
   * The top-level claim of the ID token (or UserInfo) that lists the user's groups.
   */
  groupsClaim?: string;
  /**
   * Only users whose e-mail is in one of these domains may sign in (default: any).
   *
   * @maxItems 50
   */
  allowedDomains?: string[];
  /**
   * Only members of one of these groups may sign in (default: members of any group in roles).
   *
   * @maxItems 50
   */
  allowedGroups?: string[];
  roles?: GrafanaRoles;
}
/**
 * Which groups get which Grafana organisation role. A user in several gets the highest; a user in none is refused (role_attribute_strict). dex builds the JMESPath itself from these names.
 */
export interface GrafanaRoles {
  /**
   * Groups whose members are Grafana Admins.
   *
   * @maxItems 50
   */
  admin?: string[];
  /**
   * Groups whose members are Editors.
   *
   * @maxItems 50
   */
  editor?: string[];
  /**
   * Groups whose members are Viewers.
   *
   * @maxItems 50
   */
  viewer?: string[];
}
/**
 * The Amazon Cognito user pool dex creates (signIn.method: cognito): MFA (authenticator app) required, a 14-character password policy, users created by an administrator only, and the groups grafana-admins, grafana-editors and grafana-viewers for the Grafana roles.
 */
export interface GrafanaCognito {
  /**
   * Prefix of the hosted sign-in domain <prefix>.auth.<region>.amazoncognito.com (unique in the region; may not contain aws, amazon or cognito). Default: <system>-<env>-grafana.
   */
  domainPrefix?: string;
  /**
   * Cognito threat protection (compromised credentials, adaptive authentication): enforced (default) or audit need the Plus feature plan, priced per monthly active user in dex plan; off uses the Lite plan.
   */
  threatProtection?: 'enforced' | 'audit' | 'off';
}
/**
 * An alert: a metric, a threshold and how long it must hold. Becomes a CloudWatch alarm and a Prometheus rule.
 */
export interface Alert {
  /**
   * Alert name, e.g. HighCpu.
   */
  name: string;
  /**
   * What to watch: cpu and memory (percent, per service), http5xxPercent and http4xxPercent (of requests), p95LatencyMs and p99LatencyMs, unhealthyTargets, dbCpu, dbFreeStorageGiB, dbConnections, cacheCpu, cacheMemory.
   */
  metric:
    | 'cpu'
    | 'memory'
    | 'http5xxPercent'
    | 'http4xxPercent'
    | 'p95LatencyMs'
    | 'p99LatencyMs'
    | 'unhealthyTargets'
    | 'dbCpu'
    | 'dbFreeStorageGiB'
    | 'dbConnections'
    | 'cacheCpu'
    | 'cacheMemory';
  /**
   * Fire when the metric is above this value.
   */
  above?: number;
  /**
   * Fire when the metric is below this value.
   */
  below?: number;
  /**
   * How long the condition must hold, e.g. 5m.
   */
  for?: string;
  /**
   * Services the alert covers (default: all that have the metric).
   */
  services?: string[];
  /**
   * Routing severity.
   */
  severity?: 'critical' | 'warning';
}
/**
 * The audit trail: API calls (CloudTrail), web requests (WAF logs), load balancer access logs and database logs. Every part is on by default; pci-dss and soc2 require all of them, and turning one off elsewhere needs a reason.
 */
export interface Audit {
  /**
   * A multi-region CloudTrail trail of management events, with log file validation, encrypted with the system's KMS key, delivered to a locked S3 bucket.
   */
  trail?: boolean;
  /**
   * Log every request the web ACL sees to a CloudWatch log group (aws-waf-logs-<system>-<environment>), with the authorization and cookie headers redacted.
   */
  wafLogs?: boolean;
  /**
   * Load balancer access logs to an S3 bucket (SSE-S3: ALB access logs do not support SSE-KMS).
   */
  albAccessLogs?: boolean;
  /**
   * Export the PostgreSQL and upgrade logs of every database to CloudWatch log groups dex creates (retention and KMS).
   */
  databaseLogs?: boolean;
  /**
   * Days the trail's log files and the load balancer's access logs are kept. Default: 365 (PCI DSS 10.5.1: twelve months; SOC 2: commonly one year), or monitoring.logs.retentionDays where longer.
   */
  retentionDays?: number;
  /**
   * Why a part of the audit trail is turned off (required when one is, outside pci-dss and soc2).
   */
  reason?: string;
}
/**
 * The delivery pipeline dex emits: build, test, scan, push, deploy stage by stage.
 */
export interface Cicd {
  /**
   * github-actions (workflows in .github/workflows) or codepipeline (AWS CodePipeline V2 with CodeBuild).
   */
  provider?: 'github-actions' | 'codepipeline';
  /**
   * The source repository.
   */
  source: {
    /**
     * owner/name of the repository.
     */
    repository: string;
    /**
     * Branch that releases: a git branch name of letters, digits and . _ / - (no .., //, leading - / . or trailing / . or .lock).
     */
    branch?: string;
    /**
     * codepipeline only: the CodeConnections connection to the repository.
     */
    connectionArn?: string;
  };
  /**
   * github-actions: whether dex creates the account's GitHub OIDC provider (one per account, in the bootstrap stack of the account's first region) or uses one that already exists (token.actions.githubusercontent.com, audience sts.amazonaws.com).
   */
  githubOidcProvider?: 'create' | 'existing';
  /**
   * Build and test commands.
   */
  build?: {
    /**
     * Install command (default chosen by language, e.g. npm ci).
     */
    install?: string;
    /**
     * Test command run before an image is pushed.
     */
    test?: string;
  };
  /**
   * Scan each image for vulnerabilities before it is pushed; high or critical findings fail the build.
   */
  scan?: boolean;
  /**
   * Stages in order of promotion, each named after an environment.
   */
  stages?: {
    [k: string]: Stage;
  };
}
/**
 * One deployment stage of the pipeline, named after an environment.
 */
export interface Stage {
  /**
   * auto: deploy when the previous stage succeeds; manual: only when started by hand.
   */
  deploy?: 'auto' | 'manual';
  /**
   * manual: wait for a reviewer to approve before deploying to this stage.
   */
  approval?: 'manual' | 'none';
  /**
   * Who may approve (GitHub users or teams, IAM principals for CodePipeline).
   *
   * Items: A GitHub login (alice), a team as org/team-slug, or for CodePipeline an IAM principal ARN.
   */
  reviewers?: string[];
  /**
   * rolling: replace tasks in place; blue-green: start the new tasks beside the old, shift all traffic at once, keep the old ones for bakeMinutes to roll back to; linear: shift traffic in steps of stepPercent; canary: shift canaryPercent first, the rest after stepBakeMinutes. blue-green, linear and canary are ECS deployments of services behind the load balancer; EKS services switch colours for all three, EC2 services always roll (DEX335).
   */
  strategy?: 'rolling' | 'blue-green' | 'linear' | 'canary';
  /**
   * blue-green, linear, canary: minutes the old tasks keep running after all traffic has shifted; an alarm or a failed deployment in that time shifts traffic back. ECS allows 0 to 1440.
   */
  bakeMinutes?: number;
  /**
   * linear: percent of production traffic shifted at each step (3 to 100).
   */
  stepPercent?: number;
  /**
   * canary: percent of production traffic the new tasks get first (1 to 100).
   */
  canaryPercent?: number;
  /**
   * linear: minutes between steps; canary: minutes the canary share runs before the rest shifts. 0 to 1440.
   */
  stepBakeMinutes?: number;
  /**
   * Command run against the deployed stage; failure rolls back.
   */
  verify?: string;
  /**
   * Roll back when an alert fires during the deployment.
   */
  rollbackOnAlarm?: boolean;
}
/**
 * An environment overlay: its values replace the base spec's for this environment. Maps merge by key, lists are replaced whole, and only things that exist in the base may be named.
 */
export interface Environment {
  /**
   * Production-like: load balancer deletion protection, the stricter production compliance rules, and a manual approval before its pipeline stage (unless the stage sets approval). Default: true when the name is prod or production, alone or as a dash-separated part (production-eu, prod-2), else false.
   */
  protect?: boolean;
  region?: Region1;
  account?: AccountId1;
  tags?: Tags;
  network?: Network;
  ingress?: Ingress;
  platforms?: Platforms;
  /**
   * Per-service overrides, by service name.
   */
  services?: {
    [k: string]: Service;
  };
  /**
   * Per-database overrides, by name.
   */
  databases?: {
    [k: string]: Database;
  };
  /**
   * Per-cache overrides, by name.
   */
  caches?: {
    [k: string]: Cache;
  };
  /**
   * Per-queue overrides, by name (e.g. a smaller messagesPerMonth in staging).
   */
  queues?: {
    [k: string]: Queue;
  };
  /**
   * Per-topic overrides, by name.
   */
  topics?: {
    [k: string]: Topic;
  };
  monitoring?: Monitoring;
  audit?: Audit;
  usage?: Usage;
  budget?: Budget;
  /**
   * Per-bucket overrides, by name.
   */
  buckets?: {
    [k: string]: Bucket;
  };
  /**
   * Per-table overrides, by name.
   */
  tables?: {
    [k: string]: Table;
  };
  /**
   * Per-file-system overrides, by name.
   */
  fileSystems?: {
    [k: string]: FileSystem;
  };
  /**
   * Per-secret overrides, by name (an existing secret's name in this environment, for one).
   */
  secrets?: {
    [k: string]: Secret;
  };
  /**
   * Per-broker overrides, by name.
   */
  brokers?: {
    [k: string]: Broker;
  };
}
/**
 * Monthly usage assumptions for usage-priced items.
 */
export interface Usage {
  /**
   * GiB sent from AWS to the internet per month.
   */
  dataTransferOutGiB?: number;
  /**
   * GiB processed by NAT gateways per month.
   */
  natProcessedGiB?: number;
  /**
   * GiB of logs ingested into CloudWatch Logs per month.
   */
  logsIngestedGiB?: number;
  /**
   * GiB of VPC flow log records per month.
   */
  flowLogsIngestedGiB?: number;
  /**
   * Average requests per second through the load balancer.
   */
  albRequestsPerSecond?: number;
  /**
   * GiB processed by the load balancer per month.
   */
  albProcessedGiB?: number;
  /**
   * Requests inspected by WAF per month.
   */
  wafRequestsPerMonth?: number;
  /**
   * Secrets Manager API calls per month.
   */
  secretsApiCallsPerMonth?: number;
  /**
   * KMS requests per month.
   */
  kmsRequestsPerMonth?: number;
  /**
   * Traces recorded by X-Ray per month.
   */
  xrayTracesPerMonth?: number;
  /**
   * GiB of images stored in ECR.
   */
  ecrStorageGiB?: number;
  /**
   * CI build minutes per month.
   */
  ciBuildMinutesPerMonth?: number;
  /**
   * Custom CloudWatch metrics.
   */
  customMetrics?: number;
  /**
   * People who sign in to Grafana in a month (Cognito monthly active users, with monitoring.grafana.signIn.method: cognito).
   */
  grafanaUsersPerMonth?: number;
  /**
   * How far below the on-demand price you assume Spot capacity costs, in percent (EKS node groups with capacityType: spot, ECS with capacity: fargate-spot, the Spot share of a service's capacity mix, Spot ECS container instances). dex has no default: without it a Spot line is priced at the on-demand price, Spot's ceiling, and says its minimum is not known. Spot prices move with demand; take a figure from your region's Spot price history (EC2) or the Fargate Spot price.
   */
  spotDiscountPercent?: number;
  /**
   * How many releases reach each environment a month: prices the jobs that run before each release (run: before-release). No default: without it those jobs are unpriced.
   */
  releasesPerMonth?: number;
  /**
   * Per bucket (by name): storage and requests. Without them a bucket's storage and requests are listed unpriced.
   */
  buckets?: {
    /**
     * Usage assumptions of one bucket.
     */
    [k: string]: {
      /**
       * GiB stored (S3 Standard) on average over the month.
       */
      storageGiB?: number;
      /**
       * PUT, COPY, POST and LIST requests per month.
       */
      putRequestsPerMonth?: number;
      /**
       * GET and other read requests per month.
       */
      getRequestsPerMonth?: number;
    };
  };
  /**
   * Per table (by name): storage and request units. Without them a table's storage and on-demand requests are listed unpriced.
   */
  tables?: {
    /**
     * Usage assumptions of one table.
     */
    [k: string]: {
      /**
       * GiB stored in the table and its indexes.
       */
      storageGiB?: number;
      /**
       * Read request units per month (on-demand billing; one per 4 KB strongly consistent read).
       */
      readRequestsPerMonth?: number;
      /**
       * Write request units per month (on-demand billing; one per 1 KB write).
       */
      writeRequestsPerMonth?: number;
    };
  };
  /**
   * Per file system (by name): GiB stored. Without it a file system's storage is listed unpriced.
   */
  fileSystems?: {
    /**
     * Usage assumptions of one file system.
     */
    [k: string]: {
      /**
       * GiB stored (EFS Standard) on average over the month.
       */
      storageGiB?: number;
    };
  };
}
/**
 * A monthly budget: dex plan fails when the estimate can exceed it, and dex emit creates an AWS Budgets alert.
 */
export interface Budget {
  /**
   * Budget in USD per month.
   */
  monthlyUsd: number;
  /**
   * Who is told when actual or forecast spend passes the threshold.
   */
  alertEmails?: string[];
  /**
   * Percent of the budget that triggers the alert.
   */
  thresholdPercent?: number;
}
/**
 * An S3 bucket. Public access is always blocked (serve public files through a CDN in front of it); every request must use TLS.
 */
export interface Bucket {
  /**
   * Keep every version of an object (needed for replication). Default on.
   */
  versioning?: boolean;
  /**
   * Lifecycle rules of the bucket's objects. Incomplete multipart uploads are always aborted (after abortIncompleteUploadsAfterDays).
   */
  lifecycle?: {
    /**
     * Days after creation an object moves to S3 Standard-IA (at least 30, S3's minimum).
     */
    infrequentAccessAfterDays?: number;
    /**
     * Days after creation an object moves to S3 Glacier Flexible Retrieval (after infrequentAccessAfterDays when both are given).
     */
    glacierAfterDays?: number;
    /**
     * Days after creation an object expires (is deleted; with versioning it becomes a noncurrent version).
     */
    expireAfterDays?: number;
    /**
     * Days a noncurrent (overwritten or deleted) version is kept before it is removed.
     */
    noncurrentExpireAfterDays?: number;
    /**
     * Days after which an unfinished multipart upload is aborted and its parts removed.
     */
    abortIncompleteUploadsAfterDays?: number;
  };
  /**
   * Replicate every new object to a replica bucket in another region: true for the system's backup region (the crossRegionBackupTo of its databases, which must agree), or a region. The replica bucket is created by the bootstrap of that region (dex bootstrap).
   */
  replication?: boolean | Region1;
}
/**
 * A DynamoDB table, encrypted with the environment's KMS key, with point-in-time recovery and, in protected environments, deletion protection.
 */
export interface Table {
  /**
   * The primary key: a partition key and an optional sort key. Required (DEX720); an environment overlay may leave it out.
   */
  keys?: {
    partition: TableKey;
    sort?: TableKey;
  };
  /**
   * on-demand: pay per request; provisioned: pay for capacity per hour (see capacity).
   */
  billing?: 'on-demand' | 'provisioned';
  /**
   * Provisioned capacity (billing: provisioned): read and write capacity units, scaled between min and max by Application Auto Scaling to keep utilisation at targetPercent.
   */
  capacity?: {
    /**
     * Read capacity units (one strongly consistent 4 KB read per second each).
     */
    read?: {
      /**
       * Capacity units provisioned at least.
       */
      min?: number;
      /**
       * Most capacity units auto scaling provisions (default: min, no auto scaling).
       */
      max?: number;
    };
    /**
     * Write capacity units (one 1 KB write per second each).
     */
    write?: {
      /**
       * Capacity units provisioned at least.
       */
      min?: number;
      /**
       * Most capacity units auto scaling provisions (default: min, no auto scaling).
       */
      max?: number;
    };
    /**
     * Utilisation auto scaling keeps consumed capacity at.
     */
    targetPercent?: number;
  };
  /**
   * Global secondary indexes (DynamoDB allows at most 20 per table: DEX726).
   *
   * Items: A global secondary index.
   */
  indexes?: {
    /**
     * Index name.
     */
    name: string;
    partition: TableKey;
    sort?: TableKey;
    /**
     * Attributes copied into the index: all, or the keys only.
     */
    projection?: 'all' | 'keys-only';
  }[];
  /**
   * Continuous backups, restorable to any second of the last 35 days. Default on.
   */
  pointInTimeRecovery?: boolean;
  /**
   * A DynamoDB stream of item changes, with what each record holds.
   */
  stream?: 'keys-only' | 'new-image' | 'old-image' | 'new-and-old-images';
  /**
   * Attribute holding an item's expiry time (epoch seconds): DynamoDB deletes expired items.
   */
  ttlAttribute?: string;
  /**
   * Refuse to delete the table (default: on in protected environments).
   */
  deletionProtection?: boolean;
}
/**
 * A key attribute: its name and type.
 */
export interface TableKey {
  /**
   * Attribute name.
   */
  name: string;
  /**
   * Attribute type: string (S), number (N) or binary (B).
   */
  type?: 'string' | 'number' | 'binary';
}
/**
 * An Amazon EFS file system: encrypted at rest with the environment's KMS key, mounted only over TLS with IAM authorization, reachable on 2049 only from the services that mount it, through an access point per service. Services mount it with volumes: [{ fileSystem: NAME, path: /var/www }].
 */
export interface FileSystem {
  /**
   * Daily AWS Backup of the file system (EFS automatic backups). Default: on in protected (production-like) environments, off elsewhere.
   */
  backup?: boolean;
  /**
   * Move files nobody read for a while to EFS Infrequent Access (cheaper storage, a charge per GB read).
   */
  lifecycle?: {
    /**
     * Days since a file was last read or written before EFS moves it to Infrequent Access (one of EFS's steps: 1, 7, 14, 30, 60, 90, 180, 270, 365).
     */
    infrequentAccessAfterDays?: 1 | 7 | 14 | 30 | 60 | 90 | 180 | 270 | 365;
    /**
     * Move a file back to Standard storage when it is read again. Default true.
     */
    backOnAccess?: boolean;
  };
}
/**
 * A secret shared by the services that refer to it (services.<name>.secrets: [{ secret, key, env }]): created by dex as one Secrets Manager placeholder per environment, or an existing Secrets Manager secret or SSM SecureString parameter that dex only grants read on.
 */
export interface Secret {
  /**
   * What the secret is, for people: the Secrets Manager description of a secret dex creates (its value never goes here).
   */
  description?: string;
  /**
   * The JSON keys of the secret's value ({"API_KEY": "…", "API_SECRET": "…"}). A service names one with key; without keys the whole value is one string. dex secrets set --key sets one.
   *
   * @minItems 1
   * @maxItems 64
   */
  keys?: [string, ...string[]];
  /**
   * Rotate the secret dex creates with your own rotation function (dex cannot know how to rotate a third party's credential): a rotation schedule and the permission Secrets Manager invokes the function with.
   */
  rotation?: {
    /**
     * ARN of the Lambda function that implements Secrets Manager's four rotation steps for this secret, in the system's region.
     */
    lambdaArn: string;
    /**
     * Days between rotations.
     */
    everyDays?: number;
  };
  /**
   * An existing secret dex does not create: exactly one of name, arn (Secrets Manager) or ssmParameter (an SSM SecureString parameter). dex grants each referring service read on exactly it, and kms:Decrypt on kmsKeyArn when a customer-managed key encrypts it.
   */
  existing?: {
    /**
     * The Secrets Manager name (IAM: the name and its random suffix, -??????). A name ending in a hyphen and six characters reads as a suffix to Secrets Manager: give the arn then.
     */
    name?: string;
    /**
     * The full Secrets Manager ARN, with its random suffix.
     */
    arn?: string;
    /**
     * The name of an SSM Parameter Store SecureString parameter in the system's region (/path/NAME or NAME). Its value is one string: no keys.
     */
    ssmParameter?: string;
    /**
     * The customer-managed KMS key that encrypts it, when not the AWS-managed one: the services get kms:Decrypt on exactly it, through Secrets Manager or SSM only.
     */
    kmsKeyArn?: string;
  };
}
/**
 * An Amazon MQ for RabbitMQ broker: private, in the database subnets, reachable only from the services that use it on 5671 (AMQPS), its general log in CloudWatch, minor versions applied in its maintenance window. The one user's password is generated into a Secrets Manager secret and reaches the broker as a dynamic reference, never in the template.
 */
export interface Broker {
  /**
   * The broker engine. RabbitMQ only (Amazon MQ's ActiveMQ is not offered).
   */
  engine?: 'rabbitmq';
  /**
   * RabbitMQ major.minor; Amazon MQ applies patch versions itself (automatic minor version upgrade is on, as 3.13 and later require).
   */
  version?: '3.13' | '4.2';
  /**
   * Broker instance type (each node of a cluster). mq.t3.micro is for single-instance brokers only (DEX756).
   */
  instanceType?:
    | 'mq.t3.micro'
    | 'mq.m5.large'
    | 'mq.m5.xlarge'
    | 'mq.m5.2xlarge'
    | 'mq.m5.4xlarge'
    | 'mq.m7g.medium'
    | 'mq.m7g.large'
    | 'mq.m7g.xlarge'
    | 'mq.m7g.2xlarge'
    | 'mq.m7g.4xlarge'
    | 'mq.m7g.8xlarge'
    | 'mq.m7g.12xlarge'
    | 'mq.m7g.16xlarge';
  /**
   * single: one node in one zone; cluster: three nodes across zones behind one endpoint. Default: cluster in production-like environments (protect), single elsewhere; single in a production-like environment warns (DEX755).
   */
  deployment?: 'single' | 'cluster';
  /**
   * Open 443 (the RabbitMQ web console and management API) to the VPC's address range. Off by default: services use 5671 only.
   */
  console?: boolean;
  /**
   * When Amazon MQ applies minor versions and patches (UTC). Default: Sunday 03:00.
   */
  maintenanceWindow?: {
    /**
     * Day of the week.
     */
    dayOfWeek?: 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
    /**
     * Start time, HH:MM in UTC.
     */
    timeOfDay?: string;
  };
}
