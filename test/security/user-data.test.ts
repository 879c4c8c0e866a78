// EC2 user data runs as root at boot. Past the schema, a spec value must still be one shell word
// and one env-file line: the script is run here with stubs for docker, aws, curl, dnf and
// systemctl, its /etc and /opt paths moved into a temp dir, and the payload's marker must not appear.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { UnsafeValueError } from '../../compiler/model/quote.js';
import { ec2 } from '../../services/ec2.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { specWith } from './fixture.js';
import { expectParses, hasBash, runScript, sandbox, type Sandbox } from './sandbox.js';

/** The script text of a UserData value: Fn::Base64 of Fn::Join of text and intrinsics (stand-ins). */
function scriptOf(userData: CfnValue): string {
  const b64 = (userData as { 'Fn::Base64': CfnValue })['Fn::Base64'];
  if (typeof b64 === 'string') return b64;
  const join = (b64 as { 'Fn::Join': [string, CfnValue[]] })['Fn::Join'];
  return join[1].map((p) => (typeof p === 'string' ? p : 'cfn-value.example.internal')).join(join[0]);
}

function userDataOf(spec: NormalizedSpec, service: string): string {
  const resources: ModelResource[] = ec2.build(spec, AT_FIXED_DATE);
  const template = resources.find((r) => r.type === 'AWS::EC2::LaunchTemplate' && JSON.stringify(r.properties).includes(`service/${service}`)) ?? resources.find((r) => r.type === 'AWS::EC2::LaunchTemplate');
  const data = (template!.properties as { LaunchTemplateData: { UserData: CfnValue } }).LaunchTemplateData.UserData;
  return scriptOf(data);
}

/** The boot script with its root-owned paths moved into the sandbox, then a completion mark. */
function sandboxed(box: Sandbox, script: string): string {
  return `${script.replace(/\/etc\/dex/g, `${box.dir}/etc/dex`).replace(/\/opt\/aws/g, `${box.dir}/opt/aws`)}\necho done > "${box.dir}/.completed"\n`;
}

function boot(spec: NormalizedSpec, prepare: (box: Sandbox) => void = () => {}, completes = true): Sandbox {
  const box = sandbox();
  prepare(box);
  const script = userDataOf(spec, 'legacy');
  expectParses(script);
  // The CloudWatch agent's config directory, which the AMI provides, and cfn-signal (aws-cfn-bootstrap).
  runScript(
    box,
    `mkdir -p "${box.dir}/opt/aws/amazon-cloudwatch-agent/etc" "${box.dir}/opt/aws/amazon-cloudwatch-agent/bin" "${box.dir}/opt/aws/bin" && cp "${box.bin}/amazon-cloudwatch-agent-ctl" "${box.dir}/opt/aws/amazon-cloudwatch-agent/bin/" && cp "${box.bin}/cfn-signal" "${box.dir}/opt/aws/bin/"`,
  );
  const r = runScript(box, sandboxed(box, script));
  if (!completes) {
    expect(r.status).not.toBe(0);
    expect(box.exists('.completed')).toBe(false);
    return box;
  }
  expect(r.stderr).toBe('');
  expect(box.exists('.completed')).toBe(true);
  return box;
}

const dockerRun = (box: Sandbox): string[] => box.calls('docker').find((c) => c[0] === 'run' && c.includes('--env-file'))!;

describe.runIf(hasBash)('EC2 user data keeps spec values data', () => {
  it('runs the unchanged script to the end with the stubs (the harness works)', () => {
    const box = boot(specWith(() => {}));
    expect(box.read('etc/dex/service.env')).toContain('GREETING=hello\n');
    expect(dockerRun(box)).toContain('nginx:1.27');
  });

  it("an env value a'$(touch X)'b is written verbatim, nothing runs", () => {
    const value = "a'$(touch X)'b";
    const box = boot(specWith((s) => void (s.services.legacy!.env.GREETING = value)));
    expect(box.exists('X')).toBe(false);
    expect(box.read('etc/dex/service.env')).toContain(`GREETING=${value}\n`);
  });

  it.each(['$(touch X)', '`touch X`', "'; touch X; '", '"; touch X; "', '\\', "a\\'b", '-n', '*', '${HOME}'])('env value %s stays one literal line', (value) => {
    const box = boot(specWith((s) => void (s.services.legacy!.env.GREETING = value)));
    expect(box.exists('X')).toBe(false);
    expect(box.read('etc/dex/service.env').split('\n')).toContain(`GREETING=${value}`);
  });

  it('an image nginx; touch X is one argument of docker run, nothing runs', () => {
    const box = boot(specWith((s) => void (s.services.legacy!.image = 'nginx; touch X')));
    expect(box.exists('X')).toBe(false);
    expect(dockerRun(box)).toContain('nginx; touch X');
  });

  it('command entries are single arguments too', () => {
    const box = boot(specWith((s) => void (s.services.legacy!.command = ['sh', '-c', 'echo $(touch X)'])));
    expect(box.exists('X')).toBe(false);
    expect(dockerRun(box).slice(-3)).toEqual(['sh', '-c', 'echo $(touch X)']);
  });

  it('an env value with a newline is refused, never a second variable in the env file', () => {
    for (const value of ['a\nEXTRA=1', 'a\rEXTRA=1']) {
      expect(() => userDataOf(specWith((s) => void (s.services.legacy!.env.GREETING = value)), 'legacy')).toThrow(UnsafeValueError);
    }
  });

  it('signals CloudFormation success once the health check answers, after the container starts', () => {
    const box = boot(specWith(() => {}));
    const signals = box.calls('cfn-signal');
    expect(signals).toEqual([['--exit-code', '0', '--stack', 'cfn-value.example.internal', '--resource', 'LegacyAutoScalingGroup', '--region', 'cfn-value.example.internal']]);
    expect(box.calls('curl').some((c) => c.includes('http://127.0.0.1:8081/health'))).toBe(true);
  });

  it('signals failure after a bounded number of failed health checks', () => {
    const box = boot(specWith(() => {}), (b) => {
      // The service never answers (curl fails for it), and waiting takes no time here.
      writeFileSync(join(b.bin, 'curl'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> "${b.dir}/.calls.curl"\nprintf '\\n' >> "${b.dir}/.calls.curl"\ncase "$*" in *127.0.0.1:8081*) exit 22;; esac\nexit 0\n`);
      writeFileSync(join(b.bin, 'sleep'), '#!/bin/sh\nexit 0\n');
      chmodSync(join(b.bin, 'sleep'), 0o755);
    });
    expect(box.calls('cfn-signal').map((c) => c[1])).toEqual(['1']);
    const probes = box.calls('curl').filter((c) => c.includes('http://127.0.0.1:8081/health')).length;
    expect(probes).toBeGreaterThanOrEqual(10);
    expect(probes).toBeLessThanOrEqual(120);
  });

  it('signals failure at once when a boot step fails (no wait for the timeout)', () => {
    const box = boot(specWith(() => {}), (b) => writeFileSync(join(b.bin, 'docker'), '#!/bin/sh\nexit 1\n'), false);
    expect(box.calls('cfn-signal').map((c) => c[1])).toEqual(['1']);
  });
});
