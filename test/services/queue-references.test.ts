// `${queues.X.url}`, `${queues.X.arn}`, `${queues.X.name}` and `${topics.X.arn}` as env values
// (issue 16, "Values from emitted resources"): the CloudFormation value on ECS (an import across
// stacks) and EC2 (the env file from the user data), a stack input read from the deployed queue or
// topic on EKS, the fixed name as a plain string everywhere; DEX793 for a queue that is not there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { simulateFirstDeploy } from '../support/deploy-simulator.js';
import { outTree } from '../support/out-tree.js';

const FILE = 'test/fixtures/messaging/queue-references.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');

type Task = { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };

describe('queue and topic references in env', () => {
  const a = valid(TEXT);
  const files = outTree(FILE);
  const file = (tail: string): string => files.find((f) => f.path.endsWith(tail))!.content;

  it('ECS: Fn::GetAtt of the queue and topic in the model, Fn::ImportValue once the stacks are split', () => {
    const task = a.compiled[0]!.model!.resources.find((r) => r.logicalId === 'ApiTaskDefinition')!.properties as Task;
    const env = Object.fromEntries(task.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect(env.EVENTS_TOPIC).toEqual({ 'Fn::GetAtt': ['EventsTopic', 'TopicArn'] });
    expect(env.LEDGER_QUEUE).toEqual({ 'Fn::GetAtt': ['LedgerQueue', 'QueueUrl'] });
    const ecs = parse(file('cloudformation/qrefs-default-ecs.yaml')) as { Resources: Record<string, { Properties: Task }> };
    const emitted = Object.fromEntries(ecs.Resources.ApiTaskDefinition!.Properties.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect(emitted.LEDGER_QUEUE).toEqual({ 'Fn::ImportValue': 'qrefs-default:LedgerQueue:QueueUrl' });
  });

  it('EC2: the name as a plain line of the env file, the URL as CloudFormation, never shell text', () => {
    const ec2 = file('cloudformation/qrefs-default-ec2.yaml');
    expect(ec2).toContain("echo 'LEDGER_QUEUE_NAME=qrefs-ledger.fifo' >> /etc/dex/service.env");
    expect(ec2).toMatch(/- echo 'LEDGER_URL=\n\s+- Fn::ImportValue: qrefs-default:LedgerQueue:QueueUrl\n/);
    expect(ec2).not.toContain('${queues');
  });

  it('EKS: URL and ARN are stack inputs read from the deployed queue and topic, the name a plain value', () => {
    const outputs = file('kubernetes/stack-outputs.sh');
    expect(outputs).toContain("# SQS_QUEUE_URL of worker: QueueUrl of JobsQueue\nv=$(phys 'qrefs-default-data' 'JobsQueue')\nout WORKER_SQS_QUEUE_URL \"$v\"");
    expect(outputs).toMatch(/# SQS_QUEUE_ARN of worker: Arn of JobsQueue\nv=\$\(aws sqs get-queue-attributes --region eu-west-1 --queue-url "\$\(phys 'qrefs-default-data' 'JobsQueue'\)" --attribute-names QueueArn --query Attributes.QueueArn --output text\)\nout WORKER_SQS_QUEUE_ARN "\$v"/);
    expect(outputs).toContain("# EVENTS_TOPIC of worker: TopicArn of EventsTopic\nv=$(phys 'qrefs-default-data' 'EventsTopic')");
    const deployment = file('kubernetes/worker/deployment.yaml');
    expect(deployment).toContain('value: ${WORKER_SQS_QUEUE_URL}');
    expect(deployment).toMatch(/name: SQS_QUEUE_NAME\n\s+value: qrefs-jobs\n/);
  });

  it('the templates pass the resource schemas and a first deploy goes through', () => {
    const plan = JSON.parse(file('default/plan.json')) as { stacks: { name: string; file: string }[] };
    const stacks = plan.stacks.map((st) => ({ name: st.name, template: parse(file(`default/${st.file}`)) as unknown }));
    for (const st of stacks) expect(validateTemplate(st.template), st.name).toEqual([]);
    expect(validateStackSet(stacks)).toEqual([]);
    const result = simulateFirstDeploy({ files, defaultAccount: '123456789012' });
    expect(result.gap, result.log.slice(-5).join('\n')).toBeUndefined();
  });

  it('a queue the spec does not have, or an attribute topics lack, is DEX793 at the value with the near reference', () => {
    const typo = TEXT.replace('SQS_QUEUE_URL: ${queues.jobs.url}', 'SQS_QUEUE_URL: ${queues.jbos.url}');
    const [d, ...rest] = analyzed(typo).diagnostics.filter((x) => x.code === 'DEX793');
    expect(rest).toEqual([]);
    expect(d!.path).toEqual(['services', 'worker', 'env', 'SQS_QUEUE_URL']);
    expect(d!.range?.start.line).toBe(lineOf(typo, 'jbos'));
    expect(d!.message).toContain('no queues named jbos (it has jobs, ledger)');
    expect(d!.hint).toBe('did you mean ${queues.jobs.url}?');
    const attr = analyzed(TEXT.replace('EVENTS_TOPIC: ${topics.events.arn}\n  auditor', 'EVENTS_TOPIC: ${topics.events.url}\n  auditor')).diagnostics.filter((x) => x.code === 'DEX793');
    expect(attr.map((x) => x.message)).toEqual([expect.stringContaining('topics have no attribute url (arn)')]);
  });
});
