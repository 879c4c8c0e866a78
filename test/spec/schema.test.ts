// schema.json is the single source of truth: well-formed, documented, strict, and the code
// derived from it (types, validator) is current.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const schema = JSON.parse(readFileSync('schema.json', 'utf8')) as Record<string, unknown>;

type Node = Record<string, unknown>;
function walk(node: Node, path: string, visit: (node: Node, path: string) => void): void {
  visit(node, path);
  for (const key of ['properties', 'definitions'] as const) {
    const children = node[key] as Record<string, Node> | undefined;
    for (const [name, child] of Object.entries(children ?? {})) walk(child, `${path}/${key}/${name}`, visit);
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = node[key];
    if (child && typeof child === 'object') walk(child as Node, `${path}/${key}`, visit);
  }
}

describe('schema.json', () => {
  it('generated types and validator are up to date (npm run generate)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('gives every property a description and a markdownDescription', () => {
    const missing: string[] = [];
    walk(schema, '#', (node, path) => {
      if (!/\/properties\/[^/]+$/.test(path)) return;
      const target = node.$ref ? (((schema.definitions as Record<string, Node>)[String(node.$ref).split('/').pop()!]) ?? node) : node;
      if (typeof target.description !== 'string' || typeof target.markdownDescription !== 'string') missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  it('closes every object with additionalProperties: false or a typed map', () => {
    const open: string[] = [];
    walk(schema, '#', (node, path) => {
      if (node.type === 'object' && node.properties && node.additionalProperties !== false) open.push(path);
      if (node.type === 'object' && !node.properties && node.additionalProperties === undefined) open.push(path);
    });
    expect(open).toEqual([]);
  });

  it('declares closed domains as enums', () => {
    const defs = schema.definitions as Record<string, Node>;
    const props = (d: string) => defs[d]!.properties as Record<string, Node>;
    expect(props('Service').placement!.enum).toEqual(['eks', 'ecs', 'ec2', 'auto']);
    expect(props('Network').natGateways!.enum).toEqual(['perAz', 'single', 'none']);
    expect(props('Cicd').provider!.enum).toEqual(['github-actions', 'codepipeline']);
    expect(props('Alert').metric!.enum).toContain('http5xxPercent');
    expect((schema.properties as Record<string, Node>).compliance!.items).toMatchObject({ enum: ['soc2', 'pci-dss', 'gdpr', 'rbi', 'pmla', 'sebi'] });
    // Instance types are open: any type of the catalogue, checked by DEX347/DEX348; the schema lists the common ones for editors.
    expect(defs.Ec2InstanceType!.enum).toBeUndefined();
    expect((defs.Ec2InstanceType as { examples?: string[] }).examples).toContain('t3.medium');
  });
});
