import { describe, expect, it } from 'vitest';
import {
  conditionalCreateOnlyProperties,
  createOnlyProperties,
  loadProviderSchemas,
  readOnlyAttributes,
  schemaPattern,
  untranslatablePatterns,
  validateStackSet,
  validateTemplate,
  type TemplateProblem,
} from './cfn-validate.js';

type Template = Record<string, unknown> & { Resources: Record<string, unknown> };

const tpl = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}): Template => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Description: 'test',
  ...extra,
  Resources: resources,
});

const vpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } };
const tags = (name: string) => [
  { Key: 'Name', Value: { 'Fn::Sub': `\${AWS::StackName}-${name}` } },
  { Key: 'dex:app', Value: 'shop' },
];

/** Fails with the problems in the message, so a false positive is readable in the test output. */
function expectValid(problems: TemplateProblem[]): void {
  expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([]);
}

function expectProblem(problems: TemplateProblem[], path: string, message: RegExp): void {
  const hit = problems.find((p) => p.path === path && message.test(p.message));
  expect(hit, `expected a problem at ${path} matching ${message}; got:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`).toBeDefined();
}

// ------------------------------------------------------------------------------------------------
// Real-world-shaped templates, as dex emits them

const networkStack: Template = tpl(
  {
    Vpc: { ...vpc, Properties: { ...vpc.Properties, Tags: tags('vpc') } },
    InternetGateway: { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: tags('igw') } },
    GatewayAttachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'InternetGateway' } } },
    ...Object.fromEntries(
      [0, 1].flatMap((az) => [
        [
          `PublicSubnet${az}`,
          {
            Type: 'AWS::EC2::Subnet',
            Properties: {
              VpcId: { Ref: 'Vpc' },
              AvailabilityZone: { 'Fn::Select': [az, { 'Fn::GetAZs': '' }] },
              CidrBlock: { 'Fn::Select': [az, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 4, 8] }] },
              MapPublicIpOnLaunch: true,
              Tags: [...tags(`public-${az}`), { Key: 'kubernetes.io/role/elb', Value: '1' }],
            },
          },
        ],
        [
          `PrivateSubnet${az}`,
          {
            Type: 'AWS::EC2::Subnet',
            Properties: {
              VpcId: { Ref: 'Vpc' },
              AvailabilityZone: { 'Fn::Select': [az, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] },
              CidrBlock: `10.0.${128 + az * 16}.0/20`,
              Tags: tags(`private-${az}`),
            },
          },
        ],
        [`PublicSubnet${az}RouteTableAssociation`, { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: `PublicSubnet${az}` }, RouteTableId: { Ref: 'PublicRouteTable' } } }],
        [`PrivateSubnet${az}RouteTableAssociation`, { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: `PrivateSubnet${az}` }, RouteTableId: { Ref: 'PrivateRouteTable' } } }],
      ]),
    ),
    PublicRouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' }, Tags: tags('public') } },
    PublicDefaultRoute: {
      Type: 'AWS::EC2::Route',
      DependsOn: 'GatewayAttachment',
      Properties: { RouteTableId: { Ref: 'PublicRouteTable' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'InternetGateway' } },
    },
    NatEip: { Type: 'AWS::EC2::EIP', DependsOn: ['GatewayAttachment'], Properties: { Domain: 'vpc', Tags: tags('nat') } },
    NatGateway: {
      Type: 'AWS::EC2::NatGateway',
      Properties: { AllocationId: { 'Fn::GetAtt': ['NatEip', 'AllocationId'] }, SubnetId: { Ref: 'PublicSubnet0' }, ConnectivityType: 'public', Tags: tags('nat') },
    },
    PrivateRouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PrivateDefaultRoute: {
      Type: 'AWS::EC2::Route',
      Properties: { RouteTableId: { Ref: 'PrivateRouteTable' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'NatGateway' } },
    },
    S3Endpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: { Ref: 'Vpc' },
        ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' },
        VpcEndpointType: 'Gateway',
        RouteTableIds: [{ Ref: 'PrivateRouteTable' }, { Ref: 'PublicRouteTable' }],
      },
    },
    FlowLogGroup: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: 30 } },
    FlowLogRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'flow-logs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': ['FlowLogGroup', 'Arn'] } }],
            },
          },
        ],
      },
    },
    FlowLog: {
      Type: 'AWS::EC2::FlowLog',
      Properties: {
        ResourceId: { Ref: 'Vpc' },
        ResourceType: 'VPC',
        TrafficType: 'REJECT',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: 'FlowLogGroup' },
        DeliverLogsPermissionArn: { 'Fn::GetAtt': ['FlowLogRole', 'Arn'] },
      },
    },
    AppSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'shop app tasks',
        VpcId: { Ref: 'Vpc' },
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] } }],
        SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0', Description: 'all out' }],
      },
    },
  },
  {
    Outputs: {
      VpcId: { Value: { Ref: 'Vpc' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-VpcId' } } },
      PrivateSubnetIds: {
        Value: { 'Fn::Join': [',', [{ Ref: 'PrivateSubnet0' }, { Ref: 'PrivateSubnet1' }]] },
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-PrivateSubnetIds' } },
      },
      PublicSubnetIds: {
        Value: { 'Fn::Join': [',', [{ Ref: 'PublicSubnet0' }, { Ref: 'PublicSubnet1' }]] },
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-PublicSubnetIds' } },
      },
      AppSecurityGroupId: { Value: { 'Fn::GetAtt': ['AppSecurityGroup', 'GroupId'] }, Export: { Name: 'shop-prod-network-AppSecurityGroupId' } },
    },
  },
);

const importVpc = { 'Fn::ImportValue': 'shop-prod-network-VpcId' };
const importSubnets = { 'Fn::Split': [',', { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-PrivateSubnetIds' } }] };
const networkParameter = { NetworkStack: { Type: 'String', Default: 'shop-prod-network', Description: 'network stack name' } };

const databaseStack: Template = tpl(
  {
    DbKey: {
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: 'orders database',
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'root', Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' }],
        },
      },
    },
    DbKeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/shop-prod-orders', TargetKeyId: { Ref: 'DbKey' } } },
    DbSubnetGroup: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { DBSubnetGroupDescription: 'orders', SubnetIds: importSubnets } },
    DbParameterGroup: {
      Type: 'AWS::RDS::DBParameterGroup',
      Properties: { Family: 'postgres16', Description: 'orders', Parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '500' } },
    },
    DbSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'orders database',
        VpcId: importVpc,
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::ImportValue': 'shop-prod-network-AppSecurityGroupId' } }],
      },
    },
    OrdersDb: {
      Type: 'AWS::RDS::DBInstance',
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: {
        Engine: 'postgres',
        EngineVersion: '16.4',
        DBInstanceClass: 'db.t4g.medium',
        AllocatedStorage: '20',
        MaxAllocatedStorage: 100,
        StorageType: 'gp3',
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': ['DbKey', 'Arn'] },
        MasterUsername: 'orders',
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: { Ref: 'DbKey' } },
        DBName: 'orders',
        MultiAZ: true,
        BackupRetentionPeriod: 7,
        PreferredBackupWindow: '03:00-04:00',
        PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        EnablePerformanceInsights: true,
        PerformanceInsightsRetentionPeriod: 7,
        PubliclyAccessible: false,
        DBSubnetGroupName: { Ref: 'DbSubnetGroup' },
        DBParameterGroupName: { Ref: 'DbParameterGroup' },
        VPCSecurityGroups: [{ 'Fn::GetAtt': ['DbSecurityGroup', 'GroupId'] }],
        Tags: tags('orders-db'),
      },
    },
  },
  {
    Parameters: networkParameter,
    Outputs: {
      Endpoint: { Value: { 'Fn::GetAtt': ['OrdersDb', 'Endpoint.Address'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-OrdersDbEndpoint' } } },
      Port: { Value: { 'Fn::GetAtt': 'OrdersDb.Endpoint.Port' } },
      Secret: { Value: { 'Fn::GetAtt': ['OrdersDb', 'MasterUserSecret.SecretArn'] } },
    },
  },
);

const edgeStack: Template = tpl(
  {
    Certificate: {
      Type: 'AWS::CertificateManager::Certificate',
      Properties: { DomainName: 'shop.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'shop.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }] },
    },
    AlbSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'public load balancer',
        VpcId: importVpc,
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv6: '::/0' },
        ],
      },
    },
    LoadBalancer: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        Type: 'application',
        Scheme: 'internet-facing',
        IpAddressType: 'ipv4',
        Subnets: { 'Fn::Split': [',', { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-PublicSubnetIds' } }] },
        SecurityGroups: [{ Ref: 'AlbSecurityGroup' }],
        LoadBalancerAttributes: [
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'idle_timeout.timeout_seconds', Value: '60' },
        ],
      },
    },
    TargetGroup: {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Properties: {
        VpcId: importVpc,
        TargetType: 'ip',
        Protocol: 'HTTP',
        Port: 8080,
        ProtocolVersion: 'HTTP1',
        HealthCheckPath: '/healthz',
        HealthCheckIntervalSeconds: 15,
        HealthyThresholdCount: 2,
        Matcher: { HttpCode: '200-299' },
        TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
      },
    },
    HttpsListener: {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: { Ref: 'LoadBalancer' },
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
        Certificates: [{ CertificateArn: { Ref: 'Certificate' } }],
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } }],
      },
    },
    HttpListener: {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: { Ref: 'LoadBalancer' },
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      },
    },
    ApiRule: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Properties: {
        ListenerArn: { Ref: 'HttpsListener' },
        Priority: 10,
        Conditions: [
          { Field: 'host-header', HostHeaderConfig: { Values: ['shop.example.com'] } },
          { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } },
        ],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: 'TargetGroup' }, Weight: 1 }] } }],
      },
    },
    WebAcl: {
      Type: 'AWS::WAFv2::WebACL',
      Properties: {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'shop-prod' },
        Rules: [
          {
            Name: 'common',
            Priority: 0,
            OverrideAction: { None: {} },
            Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
            VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'common' },
          },
          {
            Name: 'rate',
            Priority: 1,
            Action: { Block: {} },
            Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
            VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'rate' },
          },
        ],
      },
    },
    WebAclAssociation: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'LoadBalancer' }, WebACLArn: { 'Fn::GetAtt': ['WebAcl', 'Arn'] } } },
  },
  {
    Parameters: networkParameter,
    Outputs: {
      TargetGroupArn: { Value: { Ref: 'TargetGroup' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-TargetGroupArn' } } },
      DnsName: { Value: { 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] } },
      ZoneId: { Value: { 'Fn::GetAtt': ['LoadBalancer', 'CanonicalHostedZoneID'] } },
      FullName: { Value: { 'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName'] } },
    },
  },
);

const assumeRole = (service: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});

const serviceStack: Template = tpl(
  {
    Cluster: {
      Type: 'AWS::ECS::Cluster',
      Properties: { ClusterName: { 'Fn::Sub': '${AWS::StackName}' }, ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }] },
    },
    CapacityProviders: {
      Type: 'AWS::ECS::ClusterCapacityProviderAssociations',
      Properties: {
        Cluster: { Ref: 'Cluster' },
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 1 }],
      },
    },
    LogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/dex/shop-prod/api', RetentionInDays: 30 } },
    Repository: {
      Type: 'AWS::ECR::Repository',
      Properties: {
        RepositoryName: 'shop/api',
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: 'AES256' },
        LifecyclePolicy: { LifecyclePolicyText: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } }] }) },
      },
    },
    ExecutionRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: assumeRole('ecs-tasks.amazonaws.com'),
        ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }],
      },
    },
    TaskRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeRole('ecs-tasks.amazonaws.com'), Path: '/dex/' } },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: 'shop-prod-api',
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '512',
        Memory: '1024',
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
        ExecutionRoleArn: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
        TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] },
        ContainerDefinitions: [
          {
            Name: 'api',
            Image: { 'Fn::Sub': '${Repository.RepositoryUri}:1.4.2' },
            Essential: true,
            PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp', Name: 'http', AppProtocol: 'http' }],
            Environment: [
              { Name: 'PORT', Value: '8080' },
              { Name: 'DB_HOST', Value: { 'Fn::ImportValue': 'shop-prod-database-OrdersDbEndpoint' } },
            ],
            Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf' }],
            HealthCheck: { Command: ['CMD-SHELL', 'wget -qO- http://localhost:8080/healthz || exit 1'], Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 30 },
            LogConfiguration: {
              LogDriver: 'awslogs',
              Options: { 'awslogs-group': { Ref: 'LogGroup' }, 'awslogs-region': { Ref: 'AWS::Region' }, 'awslogs-stream-prefix': 'api' },
            },
            ReadonlyRootFilesystem: true,
            Ulimits: [{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }],
          },
        ],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: { Ref: 'Cluster' },
        ServiceName: 'api',
        TaskDefinition: { Ref: 'TaskDefinition' },
        LaunchType: 'FARGATE',
        DesiredCount: 2,
        PlatformVersion: 'LATEST',
        PropagateTags: 'SERVICE',
        EnableExecuteCommand: false,
        HealthCheckGracePeriodSeconds: 60,
        NetworkConfiguration: {
          AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: importSubnets, SecurityGroups: [{ 'Fn::ImportValue': 'shop-prod-network-AppSecurityGroupId' }] },
        },
        LoadBalancers: [{ ContainerName: 'api', ContainerPort: 8080, TargetGroupArn: { 'Fn::ImportValue': 'shop-prod-edge-TargetGroupArn' } }],
        DeploymentConfiguration: { MaximumPercent: 200, MinimumHealthyPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
      },
    },
    ScalableTarget: {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: { 'Fn::Sub': 'service/${Cluster}/${Service.Name}' },
        MinCapacity: 2,
        MaxCapacity: 10,
      },
    },
    CpuScaling: {
      Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      Properties: {
        PolicyName: 'cpu',
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: { Ref: 'ScalableTarget' },
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          ScaleInCooldown: 120,
          ScaleOutCooldown: 60,
        },
      },
    },
  },
  { Parameters: networkParameter },
);

const eksStack: Template = tpl(
  {
    ClusterKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' } },
    ClusterRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
        },
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'],
      },
    },
    Cluster: {
      Type: 'AWS::EKS::Cluster',
      Properties: {
        Name: 'shop-prod',
        Version: '1.35',
        RoleArn: { 'Fn::GetAtt': ['ClusterRole', 'Arn'] },
        ResourcesVpcConfig: { SubnetIds: importSubnets, EndpointPrivateAccess: true, EndpointPublicAccess: false },
        EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': ['ClusterKey', 'Arn'] } }, Resources: ['secrets'] }],
        AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
        Logging: { ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }] } },
        UpgradePolicy: { SupportType: 'STANDARD' },
      },
    },
    NodeRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: assumeRole('ec2.amazonaws.com'),
        ManagedPolicyArns: [
          'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
          'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
          'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
        ],
      },
    },
    Nodegroup: {
      Type: 'AWS::EKS::Nodegroup',
      Properties: {
        ClusterName: { Ref: 'Cluster' },
        NodeRole: { 'Fn::GetAtt': ['NodeRole', 'Arn'] },
        Subnets: importSubnets,
        AmiType: 'AL2023_ARM_64_STANDARD',
        CapacityType: 'ON_DEMAND',
        InstanceTypes: ['m7g.large'],
        ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 6 },
        UpdateConfig: { MaxUnavailable: 1 },
        Labels: { 'dex.dev/pool': 'general' },
      },
    },
    PodIdentityAgent: { Type: 'AWS::EKS::Addon', Properties: { ClusterName: { Ref: 'Cluster' }, AddonName: 'eks-pod-identity-agent', ResolveConflicts: 'OVERWRITE' } },
    AdminAccess: {
      Type: 'AWS::EKS::AccessEntry',
      Properties: {
        ClusterName: { Ref: 'Cluster' },
        PrincipalArn: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin' },
        Type: 'STANDARD',
        AccessPolicies: [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', AccessScope: { Type: 'cluster' } }],
      },
    },
    ApiRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeRole('pods.eks.amazonaws.com') } },
    ApiPodIdentity: {
      Type: 'AWS::EKS::PodIdentityAssociation',
      Properties: { ClusterName: { Ref: 'Cluster' }, Namespace: 'shop', ServiceAccount: 'api', RoleArn: { 'Fn::GetAtt': ['ApiRole', 'Arn'] } },
    },
    OidcProvider: {
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: { 'Fn::GetAtt': ['Cluster', 'OpenIdConnectIssuerUrl'] }, ClientIdList: ['sts.amazonaws.com'] },
    },
  },
  {
    Parameters: networkParameter,
    Outputs: {
      Endpoint: { Value: { 'Fn::GetAtt': ['Cluster', 'Endpoint'] } },
      CertificateAuthority: { Value: { 'Fn::GetAtt': ['Cluster', 'CertificateAuthorityData'] } },
      ClusterSecurityGroup: { Value: { 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] } },
    },
  },
);

// Delivery and operations: pipeline, build, deploy, alarms, dashboards, backups, budgets, cache,
// secrets, discovery, an EC2 Auto Scaling group with a launch template.
const operationsStack: Template = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { ConnectionArn: { Type: 'String' }, AlertEmail: { Type: 'String', Default: 'ops@example.com' } },
  Resources: {
    Connection: { Type: 'AWS::CodeStarConnections::Connection', Properties: { ConnectionName: 'shop-github', ProviderType: 'GitHub' } },
    Connection2: { Type: 'AWS::CodeConnections::Connection', Properties: { ConnectionName: 'shop-github2', ProviderType: 'GitHub' } },
    ArtifactBucket: {
      Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/aws/s3' }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ Id: 'expire', Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 7 } }] },
      },
    },
    ArtifactBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'ArtifactBucket' },
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'tls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [{ 'Fn::GetAtt': ['ArtifactBucket', 'Arn'] }, { 'Fn::Sub': '${ArtifactBucket.Arn}/*' }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
      },
    },
    BuildRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeRole('codebuild.amazonaws.com') } },
    BuildPolicy: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'build', Roles: [{ Ref: 'BuildRole' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] } } },
    ManagedPolicy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'BuildRole' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } } },
    Build: {
      Type: 'AWS::CodeBuild::Project',
      Properties: {
        Name: 'shop-api-build', ServiceRole: { 'Fn::GetAtt': ['BuildRole', 'Arn'] },
        Artifacts: { Type: 'CODEPIPELINE' }, Source: { Type: 'CODEPIPELINE', BuildSpec: 'version: 0.2\nphases:\n  build:\n    commands: [make]\n' },
        Environment: { Type: 'ARM_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', Image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0', PrivilegedMode: true, EnvironmentVariables: [{ Name: 'REPO', Value: 'x', Type: 'PLAINTEXT' }] },
        TimeoutInMinutes: 30, Cache: { Type: 'LOCAL', Modes: ['LOCAL_DOCKER_LAYER_CACHE'] },
        LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: '/dex/build' } },
      },
    },
    PipelineRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeRole('codepipeline.amazonaws.com') } },
    Pipeline: {
      Type: 'AWS::CodePipeline::Pipeline',
      Properties: {
        Name: 'shop-api', RoleArn: { 'Fn::GetAtt': ['PipelineRole', 'Arn'] }, PipelineType: 'V2', ExecutionMode: 'QUEUED',
        ArtifactStore: { Type: 'S3', Location: { Ref: 'ArtifactBucket' } },
        Triggers: [{ ProviderType: 'CodeStarSourceConnection', GitConfiguration: { SourceActionName: 'Source', Push: [{ Branches: { Includes: ['main'] } }] } }],
        Stages: [
          { Name: 'Source', Actions: [{ Name: 'Source', ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' }, Configuration: { ConnectionArn: { Ref: 'Connection' }, FullRepositoryId: 'acme/shop', BranchName: 'main', DetectChanges: false }, OutputArtifacts: [{ Name: 'src' }], RunOrder: 1 }] },
          { Name: 'Build', Actions: [{ Name: 'Build', ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' }, Configuration: { ProjectName: { Ref: 'Build' } }, InputArtifacts: [{ Name: 'src' }], OutputArtifacts: [{ Name: 'out' }] }] },
          { Name: 'Approve', Actions: [{ Name: 'Approve', ActionTypeId: { Category: 'Approval', Owner: 'AWS', Provider: 'Manual', Version: '1' } }] },
          { Name: 'Deploy', Actions: [{ Name: 'Deploy', ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'ECS', Version: '1' }, Configuration: { ClusterName: 'c', ServiceName: 's', FileName: 'imagedefinitions.json' }, InputArtifacts: [{ Name: 'out' }] }] },
        ],
      },
    },
    CdApp: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'ECS' } },
    CdConfig: { Type: 'AWS::CodeDeploy::DeploymentConfig', Properties: { ComputePlatform: 'ECS', TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 5 } } } },
    CdGroup: {
      Type: 'AWS::CodeDeploy::DeploymentGroup',
      Properties: {
        ApplicationName: { Ref: 'CdApp' }, ServiceRoleArn: { 'Fn::GetAtt': ['PipelineRole', 'Arn'] }, DeploymentConfigName: { Ref: 'CdConfig' },
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        ECSServices: [{ ClusterName: 'c', ServiceName: 's' }],
        BlueGreenDeploymentConfiguration: { DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT' }, TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: 5 } },
        LoadBalancerInfo: { TargetGroupPairInfoList: [{ TargetGroups: [{ Name: 'blue' }, { Name: 'green' }], ProdTrafficRoute: { ListenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2'] } }] },
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'shop-alerts', KmsMasterKeyId: 'alias/aws/sns' } },
    Subscription: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } } },
    TopicPolicy: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'Topic' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'budgets.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: 'Topic' } }] } } },
    Alarm5xx: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { AlarmName: 'shop-5xx', Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }], Statistic: 'Sum', Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3, Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: 'Topic' }], OKActions: [{ Ref: 'Topic' }] },
    },
    AlarmP99: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', ExtendedStatistic: 'p99', Period: 60, EvaluationPeriods: 5, Threshold: 1.5, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }] },
    },
    AlarmMath: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { EvaluationPeriods: 3, Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', Metrics: [
        { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'rate', Expression: '100 * errors / requests', Label: 'error rate', ReturnData: true },
      ] },
    },
    Composite: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmRule: { 'Fn::Sub': 'ALARM(${Alarm5xx}) OR ALARM(${AlarmP99})' }, AlarmActions: [{ Ref: 'Topic' }] } },
    Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: 'shop-prod', DashboardBody: { 'Fn::Sub': '{"widgets":[{"type":"text","x":0,"y":0,"width":6,"height":3,"properties":{"markdown":"${AWS::StackName}"}}]}' } } },
    XrayGroup: { Type: 'AWS::XRay::Group', Properties: { GroupName: 'shop', FilterExpression: 'service("api")', InsightsConfiguration: { InsightsEnabled: true } } },
    Sampling: { Type: 'AWS::XRay::SamplingRule', Properties: { SamplingRule: { RuleName: 'shop', Priority: 100, FixedRate: 0.05, ReservoirSize: 1, ServiceName: 'api', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', ResourceARN: '*', Version: 1 } } },
    Vault: { Type: 'AWS::Backup::BackupVault', DeletionPolicy: 'Retain', Properties: { BackupVaultName: 'shop-prod' } },
    Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'shop-prod', BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: { Ref: 'Vault' }, ScheduleExpression: 'cron(0 5 * * ? *)', StartWindowMinutes: 60, CompletionWindowMinutes: 180, Lifecycle: { DeleteAfterDays: 35 } }] } } },
    Selection: { Type: 'AWS::Backup::BackupSelection', Properties: { BackupPlanId: { Ref: 'Plan' }, BackupSelection: { SelectionName: 'tagged', IamRoleArn: 'arn:aws:iam::123456789012:role/backup', ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'dex:backup', ConditionValue: 'true' }] } } },
    Budget: { Type: 'AWS::Budgets::Budget', Properties: { Budget: { BudgetName: 'shop-prod', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 500, Unit: 'USD' }, CostFilters: { TagKeyValue: ['user:dex:app$shop'] } }, NotificationsWithSubscribers: [{ Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' }, Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: 'Topic' } }] }] } },
    Namespace: { Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace', Properties: { Name: 'shop.internal', Vpc: 'vpc-0123456789abcdef0' } },
    Discovery: { Type: 'AWS::ServiceDiscovery::Service', Properties: { Name: 'api', NamespaceId: { 'Fn::GetAtt': ['Namespace', 'Id'] }, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }], RoutingPolicy: 'MULTIVALUE' }, HealthCheckCustomConfig: { FailureThreshold: 1 } } },
    CacheSubnets: { Type: 'AWS::ElastiCache::SubnetGroup', Properties: { Description: 'cache', SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] } },
    CacheParams: { Type: 'AWS::ElastiCache::ParameterGroup', Properties: { CacheParameterGroupFamily: 'valkey8', Description: 'cache', Properties: { 'maxmemory-policy': 'allkeys-lru' } } },
    Cache: {
      Type: 'AWS::ElastiCache::ReplicationGroup', DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot', UpdatePolicy: { UseOnlineResharding: true },
      Properties: { ReplicationGroupDescription: 'shop cache', Engine: 'valkey', EngineVersion: '8.0', CacheNodeType: 'cache.t4g.small', NumCacheClusters: 2, AutomaticFailoverEnabled: true, MultiAZEnabled: true, AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true, CacheSubnetGroupName: { Ref: 'CacheSubnets' }, CacheParameterGroupName: { Ref: 'CacheParams' }, SecurityGroupIds: ['sg-0123456789abcdef0'], SnapshotRetentionLimit: 5, Port: 6379 },
    },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'shop/prod/api-key', GenerateSecretString: { SecretStringTemplate: '{"username":"api"}', GenerateStringKey: 'password', PasswordLength: 32, ExcludePunctuation: true } } },
    Rotation: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { SecretId: { Ref: 'Secret' }, RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate', RotationRules: { ScheduleExpression: 'rate(30 days)' } } },
    Attachment: { Type: 'AWS::SecretsManager::SecretTargetAttachment', Properties: { SecretId: { Ref: 'Secret' }, TargetId: 'db-1', TargetType: 'AWS::RDS::DBInstance' } },
    Ssm: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/shop/prod/endpoint', Type: 'String', Value: 'x', Tier: 'Standard' } },
    Rule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED', Targets: [{ Id: 'fn', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['BuildRole', 'Arn'] }, Architectures: ['arm64'], MemorySize: 256, Timeout: 30, Code: { ZipFile: 'exports.handler = async () => ({})' }, Environment: { Variables: { TABLE: 'x' } }, TracingConfig: { Mode: 'Active' } } },
    InstanceRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeRole('ec2.amazonaws.com') } },
    InstanceProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'InstanceRole' }] } },
    LaunchTemplate: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: { LaunchTemplateData: { ImageId: '{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id}}', InstanceType: 't4g.small', IamInstanceProfile: { Arn: { 'Fn::GetAtt': ['InstanceProfile', 'Arn'] } }, MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }, SecurityGroupIds: ['sg-0123456789abcdef0'], UserData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\necho ECS_CLUSTER=x >> /etc/ecs/ecs.config\n' } }, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true } }], TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'shop' }] }] } },
    },
    Asg: {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      UpdatePolicy: { AutoScalingRollingUpdate: { MinInstancesInService: 1, MaxBatchSize: 1 } },
      CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT15M' } },
      Properties: { MinSize: '1', MaxSize: '4', DesiredCapacity: '2', VPCZoneIdentifier: ['subnet-0123456789abcdef0'], LaunchTemplate: { LaunchTemplateId: { Ref: 'LaunchTemplate' }, Version: { 'Fn::GetAtt': ['LaunchTemplate', 'LatestVersionNumber'] } }, HealthCheckType: 'EC2', HealthCheckGracePeriod: 300, NewInstancesProtectedFromScaleIn: true, Tags: [{ Key: 'Name', Value: 'shop', PropagateAtLaunch: true }] },
    },
    AsgPolicy: { Type: 'AWS::AutoScaling::ScalingPolicy', Properties: { AutoScalingGroupName: { Ref: 'Asg' }, PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 } } },
    Hook: { Type: 'AWS::AutoScaling::LifecycleHook', Properties: { AutoScalingGroupName: { Ref: 'Asg' }, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 300, DefaultResult: 'CONTINUE' } },
    Volume: { Type: 'AWS::EC2::Volume', DeletionPolicy: 'Snapshot', Properties: { AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, Size: 20, VolumeType: 'gp3', Encrypted: true } },
    Instance: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't4g.micro', SubnetId: 'subnet-0123456789abcdef0', IamInstanceProfile: { Ref: 'InstanceProfile' }, SecurityGroupIds: ['sg-0123456789abcdef0'] } },
    SgIn: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: 'sg-0123456789abcdef1' } },
    SgOut: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: 'sg-0123456789abcdef1' } },
    Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
  },
  Outputs: { Ready: { Value: { Ref: 'Handle' } } },
};
const realWorld: Record<string, Template> = {
  'VPC with subnets, NAT, flow logs and an S3 endpoint': networkStack,
  'RDS instance with DeletionPolicy Snapshot': databaseStack,
  'ALB with an HTTPS listener (TLS 1.3 policy) and WAF': edgeStack,
  'ECS Fargate task definition, service and autoscaling': serviceStack,
  'EKS cluster with EncryptionConfig, node group and pod identity': eksStack,
  'pipeline, alarms, backups, budget, cache, secrets, Auto Scaling group': operationsStack,
};

// ------------------------------------------------------------------------------------------------

describe('provider schemas fixture', () => {
  it('holds the types dex emits, from the pinned cfn-lint commit', () => {
    const { source, schemas } = loadProviderSchemas();
    expect(source.commit).toBe('602229535a34035f5b31c8d280e6c3773657e0f0');
    for (const type of ['AWS::EC2::VPC', 'AWS::RDS::DBInstance', 'AWS::EKS::Cluster', 'AWS::CodePipeline::Pipeline', 'AWS::CloudFormation::WaitConditionHandle']) {
      expect(schemas[type]?.typeName).toBe(type);
    }
  });

  it('lists create-only properties as paths', () => {
    expect(createOnlyProperties('AWS::RDS::DBInstance')).toEqual(expect.arrayContaining([['DBName'], ['KmsKeyId'], ['StorageEncrypted']]));
    expect(conditionalCreateOnlyProperties('AWS::RDS::DBInstance')).toContainEqual(['Engine']);
    expect(createOnlyProperties('AWS::ECS::TaskDefinition')).toContainEqual(['ContainerDefinitions']);
    expect(createOnlyProperties('AWS::EC2::VPC')).toContainEqual(['CidrBlock']);
    expect(() => createOnlyProperties('AWS::Nope::Nope')).toThrow(/no provider schema/);
  });

  it('lists the attributes Fn::GetAtt accepts', () => {
    expect(readOnlyAttributes('AWS::RDS::DBInstance')).toEqual(expect.arrayContaining(['Endpoint.Address', 'Endpoint.Port', 'DBInstanceArn', 'MasterUserSecret.SecretArn']));
    expect(readOnlyAttributes('AWS::RDS::DBInstance')).not.toContain('Endpoint');
    expect(readOnlyAttributes('AWS::Logs::LogGroup')).toEqual(['Arn']);
    expect(readOnlyAttributes('AWS::EC2::VPC')).toEqual(expect.arrayContaining(['VpcId', 'CidrBlock', 'DefaultSecurityGroup']));
  });
});

describe('validateTemplate accepts correct templates', () => {
  it('a small template', () => {
    expectValid(validateTemplate(tpl({ Vpc: vpc }, { Outputs: { VpcId: { Value: { Ref: 'Vpc' } } } })));
  });

  for (const [name, template] of Object.entries(realWorld)) {
    it(name, () => expectValid(validateTemplate(template)));
  }

  it('intrinsics wherever a value goes, including non-string positions', () => {
    const template = tpl(
      {
        Vpc: vpc,
        Topic: { Type: 'AWS::SNS::Topic', Condition: 'IsProd' },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: { 'Fn::FindInMap': ['Sizes', 'prod', 'retention'] } } },
        Group: {
          Type: 'AWS::Logs::LogGroup',
          Properties: {
            RetentionInDays: { 'Fn::If': ['IsProd', 365, 30] },
            KmsKeyId: { 'Fn::If': ['IsProd', { 'Fn::GetAtt': ['Key', 'Arn'] }, { Ref: 'AWS::NoValue' }] },
          },
        },
        Key: { Type: 'AWS::KMS::Key', Properties: { Enabled: true, PendingWindowInDays: { Ref: 'Days' } } },
        Subnet: {
          Type: 'AWS::EC2::Subnet',
          Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: { 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }] }, MapPublicIpOnLaunch: { 'Fn::If': ['IsProd', true, false] } },
        },
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            ComparisonOperator: 'GreaterThanThreshold',
            EvaluationPeriods: 1,
            Threshold: 0,
            MetricName: 'Errors',
            Namespace: 'AWS/Lambda',
            Period: 60,
            Statistic: 'Sum',
            AlarmActions: { 'Fn::If': ['IsProd', [{ Ref: 'Topic' }], { Ref: 'AWS::NoValue' }] },
            Dimensions: [{ Name: 'FunctionName', Value: { 'Fn::Base64': 'x' } }],
          },
        },
        Sg: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { GroupDescription: { 'Fn::Join': ['', ['sg of ', { Ref: 'AWS::StackName' }]] }, VpcId: { Ref: 'Vpc' }, Tags: { Ref: 'AWS::NoValue' } },
        },
        Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: '{{resolve:ssm:/shop/version}}', Name: '/shop/prod/version' } },
      },
      {
        Parameters: { Env: { Type: 'String', AllowedValues: ['prod', 'dev'], Default: 'dev' }, Days: { Type: 'Number', Default: 7 } },
        Mappings: { Sizes: { prod: { retention: 1209600 }, dev: { retention: 86400 } } },
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] } },
        Outputs: { TopicArn: { Condition: 'IsProd', Value: { Ref: 'Topic' } }, Subnets: { Value: { 'Fn::Join': [',', { 'Fn::GetAZs': '' }] } } },
      },
    );
    expectValid(validateTemplate(template));
  });

  it('Fn::If: each literal branch in each scenario the conditions allow', () => {
    const lt = { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '1' };
    const mixed = { LaunchTemplate: { LaunchTemplateSpecification: lt }, InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 0 } };
    const asg = (launch: unknown, mix: unknown) => ({ Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '2', LaunchTemplate: launch, MixedInstancesPolicy: mix } });
    const noValue = { Ref: 'AWS::NoValue' };
    const template = tpl(
      {
        // complementary conditions: exactly one of the two is set in every scenario
        Complement: asg({ 'Fn::If': ['IsProd', lt, noValue] }, { 'Fn::If': ['IsNotProd', mixed, noValue] }),
        // Env = staging makes both false: neither is set
        Gap: asg({ 'Fn::If': ['IsProd', lt, noValue] }, { 'Fn::If': ['IsDev', mixed, noValue] }),
        // the resource only exists when IsProd: the false branch never deploys
        OnlyProd: { Type: 'AWS::Logs::LogGroup', Condition: 'IsProd', Properties: { RetentionInDays: { 'Fn::If': ['IsProd', 30, 10] } } },
        Both: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { 'Fn::If': ['IsDev', 10, 30] } } },
      },
      {
        Parameters: { Env: { Type: 'String', AllowedValues: ['prod', 'staging', 'dev'] } },
        Conditions: {
          IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
          IsNotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
          IsDev: { 'Fn::Equals': ['dev', { Ref: 'Env' }] },
        },
      },
    );
    const problems = validateTemplate(template);
    expect(problems.filter((p) => p.path.startsWith('Resources/Complement') || p.path.startsWith('Resources/OnlyProd'))).toEqual([]);
    expectProblem(problems, 'Resources/Gap/Properties', /^when IsProd is false, IsDev is false: exactly one of/);
    expectProblem(problems, 'Resources/Both/Properties/RetentionInDays', /^when IsDev is true: 10 is not one of/);
    expect(problems).toHaveLength(2);
  });

  it('custom resources and nested stacks', () => {
    expectValid(
      validateTemplate(
        tpl({
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'exports.handler = async () => {}' } },
          },
          Custom: { Type: 'Custom::Seed', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Enabled: true, Count: 3 } },
          Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.amazonaws.com/b/t.json' } },
          Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
          Use: {
            Type: 'AWS::SSM::Parameter',
            Properties: { Type: 'String', Value: { 'Fn::Sub': '${Custom.Whatever} ${Nested.Outputs.Thing} ${Handle}' } },
          },
        }),
      ),
    );
  });

  it('a whole Properties object under Fn::If', () => {
    const template = tpl(
      { G: { Type: 'AWS::Logs::LogGroup', Properties: { 'Fn::If': ['IsProd', { RetentionInDays: 365 }, { RetentionInDays: 4 }] } } },
      { Parameters: { Env: { Type: 'String' } }, Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } } },
    );
    expect(validateTemplate(template)).toEqual([{ path: 'Resources/G/Properties/RetentionInDays', message: expect.stringMatching(/^when IsProd is false: 4 is not one of/) }]);
  });

  it('scalar coercion is opt-in (CloudFormation accepts "80" for an integer)', () => {
    const template = tpl({ Tg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: '80', Protocol: 'HTTP', VpcId: 'vpc-0123456789abcdef0' } } });
    expectProblem(validateTemplate(template), 'Resources/Tg/Properties/Port', /must be integer, got string "80"/);
    expectValid(validateTemplate(template, { coerceScalars: true }));
  });

  it('compiles every schema of the fixture, with every pattern translated from Python', () => {
    // One throw-away resource per type: validation errors are expected, compile errors are not.
    const { schemas } = loadProviderSchemas();
    for (const type of Object.keys(schemas)) validateTemplate(tpl({ R: { Type: type, Properties: {} } }));
    expect([...untranslatablePatterns]).toEqual([]);
  });
});

describe('schema patterns (Python regular expressions run as JavaScript)', () => {
  const patterns = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'pattern' && typeof v === 'string') patterns.add(v);
        if (k === 'patternProperties' && v && typeof v === 'object') Object.keys(v).forEach((p) => patterns.add(p));
        if (k !== 'enum' && k !== 'required') collect(v);
      }
    }
  };
  collect(loadProviderSchemas().schemas);

  it('keep their Python meaning', () => {
    expect(schemaPattern('^[.\\-_/#A-Za-z0-9]{1,512}\\Z').test('/dex/shop')).toBe(true);
    expect(schemaPattern('^[.\\-_/#A-Za-z0-9]{1,512}\\Z').test('/dex/shop Z')).toBe(false);
    expect(schemaPattern('^a.b$').test('a\rb')).toBe(true); // Python's '.' matches \r
    expect(schemaPattern('^a.b$').test('a\nb')).toBe(false);
    expect(schemaPattern('^(?![^:\\\\]*/action/|(?i).*<script>.*</script>.*)[^:\\\\]+$').test('x<SCRIPT>y</SCRIPT>')).toBe(false);
    expect(schemaPattern('^\\p{Print}+$').test('line\u0007')).toBe(false);
    const jsonPointer = schemaPattern('^[\\/]+([^~]*(~[01])*){1,512}$'); // replaced by a linear equivalent
    expect(['/a~0b', '/a/b~1c', '//']).toEqual(['/a~0b', '/a/b~1c', '//'].filter((s) => jsonPointer.test(s)));
    expect(['a/b', '/a~2', '/a~'].filter((s) => jsonPointer.test(s))).toEqual([]);
  });

  it('every schema pattern runs in linear time (no catastrophic backtracking)', () => {
    // Repetitions of the characters names are made of, then a character that makes the match fail.
    const units = ['a', 'A', '0', '-', '.', '_', '/', ' ', ':', 'a-', 'a.', 'a/', 'a ', 'a:', '0.', 'a_', '*', 'a*', '=', '@', '+', '~0'];
    const tails = ['!', '\u2028', '\n', '#', '$', '\u0000', '~'];
    const slow: string[] = [];
    for (const pattern of patterns) {
      const re = schemaPattern(pattern);
      // Catastrophic backtracking is slow on every run; a pause of the machine is not: the best of three counts.
      let ms = Infinity;
      for (let run = 0; run < 3 && ms > 50; run++) {
        const start = performance.now();
        for (const unit of units) for (const tail of tails) re.test(unit.repeat(Math.ceil(40 / unit.length)) + tail);
        ms = Math.min(ms, performance.now() - start);
      }
      if (ms > 50) slow.push(`${pattern} (${ms.toFixed(0)} ms)`);
    }
    expect(patterns.size).toBeGreaterThan(80);
    expect(slow).toEqual([]);
  });
});

describe('validateTemplate rejects', () => {
  it('unknown sections, a bad format version and a missing Resources', () => {
    const problems = validateTemplate({ AWSTemplateFormatVersion: '2010-09-09T00:00:00Z', Resource: {} });
    expectProblem(problems, 'Resource', /unknown template section 'Resource' \(did you mean 'Resources'\?\)/);
    expectProblem(problems, 'AWSTemplateFormatVersion', /must be '2010-09-09'/);
    expectProblem(problems, 'Resources', /at least one resource/);
  });

  it('an unknown resource type', () => {
    expectProblem(validateTemplate(tpl({ Vpc: { Type: 'AWS::EC2::Vpc', Properties: {} } })), 'Resources/Vpc/Type', /unknown resource type 'AWS::EC2::Vpc' \(did you mean 'AWS::EC2::VPC'\?\)/);
  });

  it('an unknown property, also nested', () => {
    const problems = validateTemplate(
      tpl({
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlok: '10.0.0.0/16' } },
        Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, CidrIp: '0.0.0.0/0', Port: 3 }] } },
      }),
    );
    expectProblem(problems, 'Resources/Vpc/Properties', /unknown property 'CidrBlok' \(did you mean 'CidrBlock'\?\)/);
    expectProblem(problems, 'Resources/Sg/Properties/SecurityGroupIngress/0', /unknown property 'Port'/);
  });

  it('a missing required property', () => {
    const problems = validateTemplate(tpl({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: 'vpc-0123456789abcdef0' } }, Role: { Type: 'AWS::IAM::Role' } }));
    expectProblem(problems, 'Resources/Sg/Properties', /missing required property 'GroupDescription'/);
    expectProblem(problems, 'Resources/Role/Properties', /missing required property 'AssumeRolePolicyDocument'/);
  });

  it('a wrong type', () => {
    const problems = validateTemplate(tpl({ Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: 'yes', Tags: { Name: 'x' } } } }));
    expectProblem(problems, 'Resources/Vpc/Properties/EnableDnsSupport', /must be boolean, got string "yes"/);
    expectProblem(problems, 'Resources/Vpc/Properties/Tags', /must be array/);
  });

  it('a value outside an enum, a pattern, a range or a format', () => {
    const problems = validateTemplate(
      tpl({
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 10 } },
        Listener: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: { LoadBalancerArn: 'arn:aws:x', Port: 70000, Protocol: 'HTTPX', DefaultActions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:y' }] },
        },
        Alias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'shop-key', TargetKeyId: 'k' } },
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/33' } },
      }),
    );
    expectProblem(problems, 'Resources/Logs/Properties/RetentionInDays', /10 is not one of 1, 3, 5, 7, 14/);
    expectProblem(problems, 'Resources/Listener/Properties/Protocol', /"HTTPX" is not one of/);
    expectProblem(problems, 'Resources/Listener/Properties/Port', /must be <= 65535/);
    expectProblem(problems, 'Resources/Alias/Properties/AliasName', /does not match pattern/);
    expectProblem(problems, 'Resources/Vpc/Properties/CidrBlock', /not a valid ipv4-network/);
  });

  it("cfn-lint's extra constraints (requiredXor, dependentExcluded)", () => {
    const problems = validateTemplate(
      tpl({
        Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '2' } },
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, Threshold: 1, MetricName: 'x', Statistic: 'Sum', ExtendedStatistic: 'p99' },
        },
      }),
    );
    expectProblem(problems, 'Resources/Asg/Properties', /exactly one of 'InstanceId', 'LaunchConfigurationName', 'LaunchTemplate', 'MixedInstancesPolicy'/);
    expectProblem(problems, 'Resources/Alarm/Properties', /'ExtendedStatistic' cannot be set together with 'Statistic'/);
  });

  it('read-only properties given as input', () => {
    expectProblem(validateTemplate(tpl({ G: { Type: 'AWS::Logs::LogGroup', Properties: { Arn: 'arn:aws:logs:x' } } })), 'Resources/G/Properties/Arn', /read-only/);
  });

  it('a Ref to nothing, and resource Refs where only parameters are allowed', () => {
    const problems = validateTemplate(
      tpl(
        { Vpc: vpc, Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpcc' }, CidrBlock: '10.0.0.0/24' } } },
        { Conditions: { C: { 'Fn::Equals': [{ Ref: 'Vpc' }, 'x'] } } },
      ),
    );
    expectProblem(problems, 'Resources/Subnet/Properties/VpcId/Ref', /Ref to 'Vpcc'.*did you mean 'Vpc'/);
    expectProblem(problems, 'Conditions/C/Fn::Equals/0/Ref', /Ref to resource 'Vpc' is not allowed here/);
  });

  it('a GetAtt of a missing resource or attribute, also inside Fn::Sub', () => {
    const problems = validateTemplate(
      tpl(
        { Vpc: vpc, Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeRole('ec2.amazonaws.com') } } },
        {
          Outputs: {
            A: { Value: { 'Fn::GetAtt': ['Vpc', 'Arn'] } },
            B: { Value: { 'Fn::GetAtt': 'Nope.Arn' } },
            C: { Value: { 'Fn::Sub': '${Role.Arnn}/${Missing}/${!Literal}/${AWS::Region}' } },
          },
        },
      ),
    );
    expectProblem(problems, 'Outputs/A/Value/Fn::GetAtt', /AWS::EC2::VPC has no attribute 'Arn'/);
    expectProblem(problems, 'Outputs/B/Value/Fn::GetAtt', /'Nope', which is not a resource/);
    expectProblem(problems, 'Outputs/C/Value/Fn::Sub', /AWS::IAM::Role has no attribute 'Arnn' \(did you mean 'Arn'\?\)/);
    expectProblem(problems, 'Outputs/C/Value/Fn::Sub', /Ref to 'Missing'/);
    expect(problems).toHaveLength(4);
  });

  it('bad intrinsic shapes, unknown functions, undefined conditions and missing mappings', () => {
    const problems = validateTemplate(
      tpl(
        {
          P: {
            Type: 'AWS::SSM::Parameter',
            Condition: 'Nope',
            Properties: {
              Type: 'String',
              Value: { 'Fn::Join': [',', 'a'] },
              Description: { 'Fn::Sbu': 'x' },
              Name: { 'Fn::FindInMap': ['Missing', 'a', 'b'] },
              AllowedPattern: { 'Fn::If': ['Undefined', 'a', 'b'] },
              DataType: { 'Fn::ToJsonString': { a: 1 } },
            },
          },
        },
        { Outputs: { O: { Value: { Ref: 'P', Extra: 1 } } } },
      ),
    );
    expectProblem(problems, 'Resources/P/Condition', /no condition "Nope"/);
    expectProblem(problems, 'Resources/P/Properties/Value/Fn::Join', /takes \[Delimiter, \[Values\]\]/);
    expectProblem(problems, 'Resources/P/Properties/Description/Fn::Sbu', /unsupported intrinsic function Fn::Sbu \(did you mean 'Fn::Sub'\?\)/);
    expectProblem(problems, 'Resources/P/Properties/Name/Fn::FindInMap', /no mapping 'Missing'/);
    expectProblem(problems, 'Resources/P/Properties/AllowedPattern/Fn::If', /no condition 'Undefined'/);
    expectProblem(problems, 'Resources/P/Properties/DataType/Fn::ToJsonString', /AWS::LanguageExtensions/);
    expectProblem(problems, 'Outputs/O/Value', /must be the only key/);
  });

  it('DependsOn to nothing, and dependency cycles through Ref, GetAtt, Sub and DependsOn', () => {
    const sg = (name: string, source: unknown) => ({
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: name, VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, SourceSecurityGroupId: source }] },
    });
    const problems = validateTemplate(
      tpl({
        Vpc: { ...vpc, DependsOn: ['Gone'] },
        A: sg('a', { 'Fn::GetAtt': ['B', 'GroupId'] }),
        B: sg('b', { Ref: 'C' }),
        C: { ...sg('c', { 'Fn::Sub': '${A.GroupId}' }) },
        D: { Type: 'AWS::CloudFormation::WaitConditionHandle', DependsOn: 'D' },
      }),
    );
    expectProblem(problems, 'Resources/Vpc/DependsOn', /DependsOn 'Gone', which is not a resource/);
    expectProblem(problems, 'Resources/A', /dependency cycle: A -> B -> C -> A/);
    expectProblem(problems, 'Resources/D', /dependency cycle: D -> D/);
  });

  it('bad deletion policies', () => {
    const problems = validateTemplate(
      tpl({
        Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Snapshot' },
        Db: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Keep', UpdateReplacePolicy: 'RetainExceptOnCreate' },
      }),
    );
    expectProblem(problems, 'Resources/Bucket/DeletionPolicy', /AWS::S3::Bucket does not support the Snapshot policy/);
    expectProblem(problems, 'Resources/Db/DeletionPolicy', /"Keep" is not one of Delete, Retain, RetainExceptOnCreate, Snapshot/);
    expectProblem(problems, 'Resources/Db/UpdateReplacePolicy', /not one of Delete, Retain, Snapshot/);
  });

  it('unknown resource attributes and non-alphanumeric logical IDs', () => {
    const problems = validateTemplate(tpl({ 'my-vpc': { ...vpc, Propertes: {} } }, { Parameters: { 'bad_name': { Type: 'Strin' } } }));
    expectProblem(problems, 'Resources/my-vpc', /logical ID 'my-vpc' must be alphanumeric/);
    expectProblem(problems, 'Resources/my-vpc/Propertes', /unknown resource attribute 'Propertes' \(did you mean 'Properties'\?\)/);
    expectProblem(problems, 'Parameters/bad_name/Type', /invalid parameter type "Strin"/);
  });

  it('more than 500 resources, 200 outputs or 200 parameters; a body over 1 MB', () => {
    const many = (n: number, make: (i: number) => unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`R${i}`, make(i)]));
    const problems = validateTemplate(
      tpl(many(501, () => ({ Type: 'AWS::CloudFormation::WaitConditionHandle' })), {
        Outputs: many(201, () => ({ Value: 'x' })),
        Parameters: many(201, () => ({ Type: 'String' })),
      }),
    );
    expectProblem(problems, 'Resources', /501 entries, over the limit of 500/);
    expectProblem(problems, 'Outputs', /201 entries, over the limit of 200/);
    expectProblem(problems, 'Parameters', /201 entries, over the limit of 200/);
    expect(validateTemplate(tpl({ Vpc: vpc }), { bodyBytes: 1_000_001 })).toEqual([{ path: '', message: expect.stringMatching(/over the 1000000-byte limit/) }]);
  });

  it('duplicate and malformed export names', () => {
    const problems = validateTemplate(
      tpl({ Vpc: vpc }, {
        Outputs: {
          A: { Value: { Ref: 'Vpc' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-Vpc' } } },
          B: { Value: { Ref: 'Vpc' }, Export: { Name: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'Vpc']] } } },
          C: { Value: { Ref: 'Vpc' }, Export: { Name: 'shop/vpc' } },
        },
      }),
    );
    expectProblem(problems, 'Outputs/B/Export/Name', /'\*-Vpc' is also exported by output 'A'/);
    expectProblem(problems, 'Outputs/C/Export/Name', /may only contain/);
  });
});

describe('validateStackSet', () => {
  const stacks = [
    { name: 'shop-prod-network', template: networkStack },
    { name: 'shop-prod-database', template: databaseStack },
    { name: 'shop-prod-edge', template: edgeStack },
    { name: 'shop-prod-service', template: serviceStack },
    { name: 'shop-prod-eks', template: eksStack },
  ];

  it('accepts imports of exports of earlier stacks (literal, Fn::Sub with a parameter default)', () => {
    expectValid(validateStackSet(stacks));
  });

  it('rejects an import nobody exports, one exported later, a self-import and duplicate exports', () => {
    const problems = validateStackSet([
      { name: 'shop-prod-service', template: serviceStack },
      stacks[0] as { name: string; template: Template },
      {
        name: 'shop-prod-extra',
        template: tpl(
          { Vpc: vpc, Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::ImportValue': 'shop-prod-network-VpcID' } } } },
          {
            Outputs: {
              Again: { Value: 'x', Export: { Name: 'shop-prod-network-AppSecurityGroupId' } },
              Own: { Value: 'y', Export: { Name: 'extra-own' } },
              UseOwn: { Value: { 'Fn::ImportValue': 'extra-own' } },
            },
          },
        ),
      },
    ]);
    expectProblem(problems, 'shop-prod-service/Resources/Service/Properties/NetworkConfiguration/AwsvpcConfiguration/Subnets/Fn::Split/1/Fn::ImportValue', /exported by shop-prod-network, deployed after this stack/);
    expectProblem(problems, 'shop-prod-service/Resources/Service/Properties/LoadBalancers/0/TargetGroupArn/Fn::ImportValue', /'shop-prod-edge-TargetGroupArn', which no earlier stack exports/);
    expectProblem(problems, 'shop-prod-extra/Resources/Param/Properties/Value/Fn::ImportValue', /no earlier stack exports \(did you mean 'shop-prod-network-VpcId'\?\)/);
    expectProblem(problems, 'shop-prod-extra/Outputs/UseOwn/Value/Fn::ImportValue', /this stack exports itself/);
    expectProblem(problems, 'shop-prod-extra/Outputs/Again/Export/Name', /also exported by shop-prod-network\/Outputs\/AppSecurityGroupId/);
  });
});

describe('speed', () => {
  it('validates 10 templates of ~100 resources well under a second (schemas compiled once)', () => {
    const resources = { ...networkStack.Resources, ...serviceStack.Resources, ...edgeStack.Resources, ...eksStack.Resources, ...databaseStack.Resources };
    const big = tpl(
      Object.fromEntries(Array.from({ length: 2 }, (_, copy) => Object.entries(resources).map(([id, r]) => [copy === 0 ? id : `${id}Copy`, r])).flat()),
      { Parameters: networkParameter },
    );
    expect(Object.keys(big.Resources).length).toBeGreaterThan(90);
    validateTemplate(big); // warm up: compile the schemas
    // Compiling the schemas again on each call would take seconds; the best of three batches counts,
    // so a pause of a busy machine does not fail it.
    let ms = Infinity;
    for (let batch = 0; batch < 3 && ms >= 500; batch++) {
      const start = performance.now();
      for (let i = 0; i < 10; i++) validateTemplate(big);
      ms = Math.min(ms, performance.now() - start);
    }
    expect(ms).toBeLessThan(500);
  });
});
