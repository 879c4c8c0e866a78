// EC2 user data runs as root at boot. Past the schema, a spec value must still be one shell word
// and one env-file line: the script is run here with stubs for docker, aws, curl, dnf and
// systemctl, its /etc and /opt paths moved into a temp dir, and the payload's marker must not appear.
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

function boot(spec: NormalizedSpec): Sandbox {
  const box = sandbox();
  const script = userDataOf(spec, 'legacy');
  expectParses(script);
  // The CloudWatch agent's config directory, which the AMI provides.
  runScript(box, `mkdir -p "${box.dir}/opt/aws/amazon-cloudwatch-agent/etc" "${box.dir}/opt/aws/amazon-cloudwatch-agent/bin" && cp "${box.bin}/amazon-cloudwatch-agent-ctl" "${box.dir}/opt/aws/amazon-cloudwatch-agent/bin/"`);
  const r = runScript(box, sandboxed(box, script));
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
});
