#!/usr/bin/env node
// Derives code from schema.json, the single source of truth of the dex.yaml language:
//   spec/generated/dex-spec.ts        TypeScript types of a dex.yaml (json-schema-to-typescript)
//   spec/generated/validate-schema.js a precompiled ajv validator, so the CLI never compiles the schema at start-up
// `node scripts/generate.mjs --check` fails when the committed files are stale (used by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schema.json'), 'utf8'));

export function createAjv(options = {}) {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ...options });
  // Editor-only annotations understood by yaml-language-server and VS Code.
  ajv.addKeyword('markdownDescription');
  ajv.addKeyword('markdownEnumDescriptions');
  ajv.addKeyword('patternErrorMessage');
  return ajv;
}

export async function generate() {
  const header = '// Generated from schema.json by scripts/generate.mjs. Do not edit; run `npm run generate`.\n';
  const types = await compile(structuredClone(schema), 'DexSpec', {
    bannerComment: header.trim(),
    additionalProperties: false,
    strictIndexSignatures: false,
    style: { singleQuote: true },
    format: true,
  });
  const ajv = createAjv({ verbose: true, code: { source: true, esm: true, lines: false } });
  const validate = ajv.compile(schema);
  // ajv's ESM output still require()s its small runtime helpers; turn those into imports.
  const runtimeImports = [];
  const code = standaloneCode(ajv, validate).replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)/g, (_, mod) => {
    const local = `runtime${runtimeImports.length}`;
    // Node hands ESM the CommonJS exports object, bundlers (vitest) its default: accept both.
    runtimeImports.push(`import ${local}Module from '${mod}.js';\nconst ${local} = typeof ${local}Module === 'function' ? { default: ${local}Module } : ${local}Module;`);
    return local;
  });
  const validator = `${header}/* eslint-disable */\n// @ts-nocheck\n${runtimeImports.join('\n')}\n${code}\n// The root schema object, so the tool needs no second copy of schema.json at run time.\nexport const dexSchema = schema11;\n`;
  return {
    'spec/generated/dex-spec.ts': types,
    'spec/generated/validate-schema.js': validator,
  };
}

const files = await generate();
const check = process.argv.includes('--check');
let stale = [];
for (const [rel, content] of Object.entries(files)) {
  const path = join(root, rel);
  let current = null;
  try { current = readFileSync(path, 'utf8'); } catch { /* missing counts as stale */ }
  if (current !== content) {
    stale.push(rel);
    if (!check) writeFileSync(path, content);
  }
}
if (check && stale.length) {
  console.error(`stale generated files (run npm run generate): ${stale.join(', ')}`);
  process.exit(1);
}
if (!check) console.log(stale.length ? `wrote ${stale.join(', ')}` : 'generated files are up to date');
