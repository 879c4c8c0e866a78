// EC2 user data reads each secret a service needs at boot. A placeholder nobody has set yet has no
// AWSCURRENT version, and get-secret-value fails: the boot must stop there with a line naming the
// secret (cloud-init's log and the console show it), never start the container with an empty
// variable. Run with the sandbox's stubs, the aws stub answering as the real CLI does.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { ec2 } from '../../services/ec2.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { specWith } from './fixture.js';
import { expectParses, hasBash, runScript, sandbox, type Sandbox } from './sandbox.js';

function userDataOf(spec: NormalizedSpec): string {
  const resources: ModelResource[] = ec2.build(spec, AT_FIXED_DATE);
  const template = resources.find((r) => r.type === 'AWS::EC2::LaunchTemplate' && JSON.stringify(r.properties).includes('service/legacy'))!;
  const join_ = ((template.properties as { LaunchTemplateData: { UserData: CfnValue } }).LaunchTemplateData.UserData as { 'Fn::Base64': { 'Fn::Join': [string, CfnValue[]] } })['Fn::Base64']['Fn::Join'];
  // A Ref to the secret becomes its ARN, as CloudFormation would splice it in.
  return join_[1].map((p) => (typeof p === 'string' ? p : 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-staging/legacy/PARTNER_API_KEY-AbCdEf')).join(join_[0]);
}

/** The aws stub: get-secret-value answers `answer` ('missing' fails as AWS does for a secret with no value). */
function awsStub(box: Sandbox, answer: 'missing' | string): void {
  const missing = `echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" >&2; exit 254`;
  writeFileSync(
    join(box.bin, 'aws'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> "${join(box.dir, '.calls')}.aws"\nprintf '\\n' >> "${join(box.dir, '.calls')}.aws"\nif [ "$1" = secretsmanager ]; then ${answer === 'missing' ? missing : `printf '%s\\n' '${answer}'`}; fi\nexit 0\n`,
  );
  chmodSync(join(box.bin, 'aws'), 0o755);
}

function boot(answer: 'missing' | string): { box: Sandbox; status: number | null; stderr: string } {
  const spec = specWith((s) => void (s.services.legacy!.secrets = ['PARTNER_API_KEY']));
  const script = userDataOf(spec);
  expectParses(script);
  const box = sandbox();
  awsStub(box, answer);
  // The CloudWatch agent's directories (the AMI's) and cfn-signal (aws-cfn-bootstrap), as stubs.
  runScript(box, `mkdir -p "${box.dir}/opt/aws/amazon-cloudwatch-agent/etc" "${box.dir}/opt/aws/amazon-cloudwatch-agent/bin" "${box.dir}/opt/aws/bin" && cp "${box.bin}/amazon-cloudwatch-agent-ctl" "${box.dir}/opt/aws/amazon-cloudwatch-agent/bin/" && cp "${box.bin}/cfn-signal" "${box.dir}/opt/aws/bin/"`);
  const sandboxed = `${script.replace(/\/etc\/dex/g, `${box.dir}/etc/dex`).replace(/\/opt\/aws/g, `${box.dir}/opt/aws`)}\necho done > "${box.dir}/.completed"\n`;
  return { box, ...runScript(box, sandboxed) };
}

const dockerRuns = (box: Sandbox): string[][] => box.calls('docker').filter((c) => c[0] === 'run' && c.includes('--env-file'));

describe.runIf(hasBash)('EC2 user data and secrets', () => {
  it('writes a secret that has a value into the env file and starts the service', () => {
    const { box, status, stderr } = boot('p4rtner-key');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(box.read('etc/dex/service.env').split('\n')).toContain('PARTNER_API_KEY=p4rtner-key');
    expect(dockerRuns(box)).toHaveLength(1);
  });

  it('a placeholder with no value stops the boot with a line naming it; the container never starts', () => {
    const { box, status, stderr } = boot('missing');
    expect(status).not.toBe(0);
    expect(stderr).toContain('dex: secret PARTNER_API_KEY (arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-staging/legacy/PARTNER_API_KEY-AbCdEf) has no value or cannot be read: set it (dex secrets set');
    expect(stderr).toContain('dex: stopping: the service needs PARTNER_API_KEY');
    expect(box.exists('.completed')).toBe(false);
    expect(dockerRuns(box)).toEqual([]);
    expect(box.read('etc/dex/service.env')).not.toContain('PARTNER_API_KEY');
  });

  it('an empty value stops the boot too', () => {
    const { box, status, stderr } = boot('');
    expect(status).not.toBe(0);
    expect(stderr).toContain('dex: secret PARTNER_API_KEY');
    expect(stderr).toContain('is empty');
    expect(dockerRuns(box)).toEqual([]);
  });
});
