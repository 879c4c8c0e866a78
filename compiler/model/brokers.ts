// Names and addresses of the spec's Amazon MQ brokers (services/mq.ts), here so the checks, the
// security groups, the secrets and the env references agree without importing the building block.
import type { NormalizedBroker, NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { fitName, getAtt, namePrefix, pascal } from './ids.js';
import type { CfnValue } from './types.js';

export const BROKER_ID = {
  broker: (name: string) => `${pascal(name)}Broker`,
  securityGroup: (name: string) => `${pascal(name)}BrokerSecurityGroup`,
  secret: (name: string) => `${pascal(name)}BrokerSecret`,
} as const;
/** What each broker becomes, after pascal(name) (compiler/checks/names.ts claims them). */
export const BROKER_ID_SUFFIXES = ['Broker', 'BrokerSecurityGroup', 'BrokerSecret'] as const;

/** AMQP 0-9-1 over TLS: the only listener services reach. */
export const BROKER_AMQPS_PORT = 5671;
/** The RabbitMQ web console and management API (opened only with `console: true`). */
export const BROKER_CONSOLE_PORT = 443;
/** Nodes Amazon MQ runs for each deployment (a RabbitMQ cluster is always three). */
export const BROKER_NODES = { single: 1, cluster: 3 } as const;

/** Amazon MQ's BrokerName: 1 to 50 letters, digits, hyphens and underscores. */
export const BROKER_NAME_MAX = 50;

/** The broker's name: `<system>-<env>-<broker>`, cut to 50 with a stable hash. Create-only, so fixed. */
export const brokerName = (spec: NormalizedSpec, broker: string): string => fitName(`${namePrefix(spec)}-${broker}`, BROKER_NAME_MAX);

/** The Secrets Manager name of a broker's generated credentials. */
export const brokerSecretName = (spec: NormalizedSpec, broker: string): string => `${namePrefix(spec)}/broker/${broker}/credentials`;

/** JSON keys of the broker's secret: its one user's name (dex's constant) and the generated password. */
export const BROKER_SECRET_KEYS = { username: 'username', password: 'password' } as const;
/** The broker's one user (RabbitMQ refuses `guest` for remote connections). */
export const BROKER_USERNAME = 'app';

/**
 * The broker's host name: Amazon MQ's `<broker ID>.mq.<region>.amazonaws.com` (the broker ID is
 * `b-<uuid>`, the Id attribute), the name of its AMQPS endpoint. Built from the ID rather than
 * read from AmqpEndpoints (a list holding the whole URL) so every platform, EKS's stack inputs
 * included, takes it as one attribute with constant text around it.
 */
export const brokerHost = (spec: NormalizedSpec, broker: string): CfnValue => ({ 'Fn::Join': ['', [getAtt(BROKER_ID.broker(broker), 'Id'), `.mq.${spec.region}.amazonaws.com`]] });
export const brokerUrl = (spec: NormalizedSpec, broker: string): CfnValue => ({ 'Fn::Join': ['', ['amqps://', getAtt(BROKER_ID.broker(broker), 'Id'), `.mq.${spec.region}.amazonaws.com:${BROKER_AMQPS_PORT}`]] });

/** The services that use a broker, sorted by name. */
export function brokerUsers(spec: NormalizedSpec, broker: string): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => (s.brokers ?? []).some((u) => u.name === broker))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The declared brokers a service uses (unknown names are DEX754), deduplicated, sorted. */
export function brokersOf(spec: NormalizedSpec, s: NormalizedService): NormalizedBroker[] {
  const brokers = spec.brokers ?? {};
  return [...new Set((s.brokers ?? []).map((u) => u.name))]
    .filter((n) => Object.hasOwn(brokers, n))
    .sort()
    .map((n) => brokers[n]!);
}
