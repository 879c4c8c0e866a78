// The first line: values with a known shape are refused by the schema when they could carry code,
// as located errors (line:col of the value, as dex validate prints them) with a hint.
import { describe, expect, it } from 'vitest';
import { BASE_YAML, base, yamlWith } from './fixture.js';
import { analyze, located, positionOf } from './sandbox.js';

const API = '    language: nodejs\n    port: 8080\n';

const CASES: { what: string; from: string; to: string; value: string; hint: RegExp }[] = [
  { what: 'a command substitution in cicd.source.branch', from: 'branch: main', to: "branch: 'main$(touch X)'", value: "'main$(touch X)'", hint: /branch name/ },
  { what: 'a newline in cicd.source.branch', from: 'branch: main', to: 'branch: "main\\ntouch X"', value: '"main\\ntouch X"', hint: /branch name/ },
  { what: 'a command separator in a reviewer', from: 'reviewers: [alice,', to: "reviewers: ['alice;touch X',", value: "'alice;touch X'", hint: /GitHub login/ },
  { what: 'a newline in an env value', from: 'GREETING: hello', to: 'GREETING: "a\\nEXTRA=1"', value: '"a\\nEXTRA=1"', hint: /one line/ },
  { what: 'a command after the image', from: 'image: nginx:1.27', to: "image: 'nginx; touch X'", value: "'nginx; touch X'", hint: /image reference/ },
  { what: 'shell in health.path', from: '    health: { path: /health }\n    expose', to: "    health: { path: '/h; touch X; #' }\n    expose", value: "'/h; touch X; #'", hint: /URL path/ },
  {
    what: 'a JavaScript string break-out in health.path',
    from: '    health: { path: /health }\n    expose',
    to: `    health: { path: "/h'+require('child_process').execSync('touch X')+'" }\n    expose`,
    value: `"/h'+require`,
    hint: /URL path/,
  },
  { what: 'a GitHub expression in build.context', from: API, to: `${API}    build: { context: '\${{ github.token }}' }\n`, value: "'${{ github.token }}'", hint: /relative path/ },
  { what: 'a GitHub expression in build.dockerfile', from: API, to: `${API}    build: { dockerfile: 'x\${{ secrets.AWS }}' }\n`, value: "'x${{ secrets.AWS }}'", hint: /relative path/ },
  {
    what: 'a payload in an environment overlay',
    from: '  production: {}',
    to: "  production:\n    services: { legacy: { image: 'nginx; touch X' } }",
    value: "'nginx; touch X'",
    hint: /image reference/,
  },
  { what: 'an absolute build.context', from: API, to: `${API}    build: { context: /etc }\n`, value: '/etc', hint: /relative path/ },
  { what: 'a build.context leaving the repository', from: API, to: `${API}    build: { context: services/../../x }\n`, value: 'services/../../x', hint: /relative path/ },
];

describe('the schema refuses payloads, located', () => {
  it('accepts the base spec', () => {
    expect(located(base)).toEqual([]);
  });

  it.each(CASES)('$what', ({ from, to, value, hint }) => {
    const yaml = yamlWith(from, to);
    const a = analyze(yaml);
    expect(located(a)).toEqual([`${positionOf(yaml, value)} DEX204`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX204')?.hint).toMatch(hint);
  });

  it.each([
    ['branch: main', 'branch: release/v2.1'],
    ['branch: main', 'branch: feature/JIRA-12_x'],
    ['reviewers: [alice,', "reviewers: ['@alice', bob-smith, 'arn:aws:iam::123456789012:role/release-managers',"],
    ['image: nginx:1.27', 'image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1.2.3'],
    ['image: nginx:1.27', `image: ghcr.io/acme/api@sha256:${'a'.repeat(64)}`],
    ['image: nginx:1.27', 'image: localhost:5000/api'],
    ['    health: { path: /health }\n    expose', '    health: { path: "/actuator/health?probe=liveness&x=1" }\n    expose'],
    [API, `${API}    build: { context: services/api, dockerfile: docker/Dockerfile.prod }\n`],
  ])('still accepts %s → %s', (from, to) => {
    expect(located(analyze(yamlWith(from, to)))).toEqual([]);
  });

  it('keeps the base YAML free of the payloads', () => {
    expect(BASE_YAML).not.toMatch(/touch X|\$\{\{/);
  });
});
