// What an env reference (`${databases.orders.endpoint}`, spec/references.ts) becomes in the
// emitted files: a CloudFormation value, one resolver per kind and attribute. ECS puts it in the
// container definition as it is (a cross-stack Fn::GetAtt becomes Fn::ImportValue when the stacks
// are split), EC2 writes it into the instance's env file from its user data (the value is
// AWS-generated: a host name or a port, nothing to quote), and EKS turns the Fn::GetAtt into a
// stack input that stack-outputs.sh reads at deploy time (emitters/kubernetes.ts). No value is
// ever spliced into shell code as text.
import { ID, getAtt } from '../compiler/model/ids.js';
import { QUEUE_ID, queueName } from '../compiler/model/messaging.js';
import { bucketName, tableName } from '../compiler/model/stores.js';
import { BROKER_AMQPS_PORT, brokerHost, brokerUrl } from '../compiler/model/brokers.js';
import type { CfnValue } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';
import { parseEnvReference, type EnvReferenceKindName } from '../spec/references.js';

type Resolver = (spec: NormalizedSpec, name: string) => CfnValue;

/** host:port, from an address attribute and the port the spec sets. */
const hostPort = (address: CfnValue, port: number): CfnValue => ({ 'Fn::Join': ['', [address, `:${port}`]] });

const databaseAddress = (name: string): CfnValue => getAtt(ID.database(name), 'Endpoint.Address');
const cacheAddress = (spec: NormalizedSpec, name: string): CfnValue => getAtt(ID.cache(name), spec.caches[name]!.clusterMode ? 'ConfigurationEndPoint.Address' : 'PrimaryEndPoint.Address');

export const ENV_REFERENCE_RESOLVERS: { readonly [K in EnvReferenceKindName]: Readonly<Record<string, Resolver>> } = {
  ingress: { dnsName: () => getAtt(ID.loadBalancer, 'DNSName') },
  databases: {
    address: (_, n) => databaseAddress(n),
    port: (spec, n) => String(spec.databases[n]!.port),
    endpoint: (spec, n) => hostPort(databaseAddress(n), spec.databases[n]!.port),
  },
  caches: {
    address: (spec, n) => cacheAddress(spec, n),
    port: (spec, n) => String(spec.caches[n]!.port),
    endpoint: (spec, n) => hostPort(cacheAddress(spec, n), spec.caches[n]!.port),
    url: (spec, n) => ({ 'Fn::Join': ['', ['rediss://', cacheAddress(spec, n), `:${spec.caches[n]!.port}`]] }),
  },
  // Fixed names (compiler/model/stores.ts), the same strings every platform takes as they are.
  buckets: { name: (spec, n) => bucketName(spec, n) },
  tables: { name: (spec, n) => tableName(spec, n) },
  // URL and ARN by GetAtt, as the `uses` env has them (on EKS stack-outputs.sh reads them from the
  // deployed queue and topic); the name is fixed, a plain string everywhere.
  queues: {
    url: (_, n) => getAtt(QUEUE_ID.queue(n), 'QueueUrl'),
    arn: (_, n) => getAtt(QUEUE_ID.queue(n), 'Arn'),
    name: (spec, n) => queueName(spec, spec.queues![n]!),
  },
  topics: { arn: (_, n) => getAtt(QUEUE_ID.topic(n), 'TopicArn') },
  brokers: {
    host: (spec, n) => brokerHost(spec, n),
    port: () => String(BROKER_AMQPS_PORT),
    url: (spec, n) => brokerUrl(spec, n),
  },
};

/**
 * An env value as the platforms get it: a reference resolved, anything else as written. The
 * checks (compiler/checks/env-references.ts) refuse every reference that does not resolve, so
 * one that reaches here unresolved is a bug.
 */
export function resolveEnvValue(spec: NormalizedSpec, value: string): CfnValue {
  const parsed = parseEnvReference(spec, value, () => undefined);
  if (parsed === undefined) return value;
  if (!parsed.ok) throw new Error(`env reference ${value} does not resolve: ${parsed.problem}`);
  const { kind, name, attribute } = parsed.reference;
  const resolve = ENV_REFERENCE_RESOLVERS[kind][attribute];
  if (!resolve) throw new Error(`no resolver for ${kind}.${attribute}`);
  return resolve(spec, name ?? '');
}
