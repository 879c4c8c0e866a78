// The layer rule of the source tree, as data and a checker, for test/architecture.test.ts and its
// fixture. A module may import from a lower layer or from its own unit (folder); never upward,
// never sideways into another unit of its own layer. Only cli/adapters/ (and bin/) may reach the
// file system, processes, the network and the AWS SDK; below cli/, packages come from an
// allowlist, so a new dependency is a decision, not an accident.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

export interface Layer {
  readonly name: string;
  /** Units of the layer: a folder ('spec/') or a single file ('compiler/stacks.ts'). */
  readonly units: readonly string[];
  /** Packages and node: builtins the layer may import (besides lower layers' ones, which do not carry over). */
  readonly packages: readonly string[];
}

/** Lowest first. README.md's architecture table says the same. */
export const LAYERS: readonly Layer[] = [
  { name: 'spec', units: ['spec/'], packages: ['yaml', 'ajv', 'fastest-levenshtein', 'ipaddr.js'] },
  { name: 'model', units: ['compiler/model/'], packages: ['yaml'] },
  { name: 'checks and monitoring configuration', units: ['compiler/checks/', 'compiler/monitoring/'], packages: ['node:crypto', 'fflate'] },
  { name: 'building blocks', units: ['services/'], packages: [] },
  { name: 'model readers', units: ['compiler/stacks.ts', 'compiler/compliance/', 'compiler/pricing/'], packages: ['node:crypto'] },
  { name: 'diff', units: ['compiler/diff/'], packages: ['yaml'] },
  { name: 'emitters', units: ['emitters/'], packages: ['yaml', 'handlebars', 'node:crypto', 'node:path'] },
  { name: 'pipeline', units: ['pipeline/'], packages: [] },
  { name: 'cli', units: ['cli/'], packages: ['commander', 'chalk', 'handlebars', '@babel/code-frame', 'node:path', 'node:url', 'node:util'] },
];

/** Modules that touch the outside world: only cli/adapters/ may import them. */
export const OUTSIDE_WORLD = [/^node:(fs|fs\/promises|child_process|net|http|https|http2|tls|dgram|dns|os|worker_threads|cluster)$/, /^@aws-sdk\//, /^@octokit\//];
export const ADAPTERS = 'cli/adapters/';

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly line: number;
  readonly why: string;
}

export interface ImportSite {
  readonly specifier: string;
  readonly line: number;
}

/** Every module specifier a file names: import/export declarations (type-only too), import(), import types. */
export function importsOf(fileName: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: ImportSite[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined) => {
    if (literal && ts.isStringLiteralLike(literal)) out.push({ specifier: literal.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal as ts.Expression);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Where a repository-relative path sits: its layer's index and unit, or undefined outside the layers. */
export function unitOf(path: string): { layer: number; unit: string } | undefined {
  for (const [layer, l] of LAYERS.entries()) {
    for (const unit of l.units) if (unit.endsWith('/') ? path.startsWith(unit) : path === unit) return { layer, unit };
  }
  return undefined;
}

const BUILTINS = new Set(builtinModules);

/** The package an external specifier names: 'yaml', '@aws-sdk/client-pricing', 'node:fs'. */
export function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) return `node:${specifier}`;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The violations of one import of `file` (repository-relative, '/' separators). */
export function checkImport(file: string, specifier: string, line = 0): Violation[] {
  const from = unitOf(file);
  if (!from) return [];
  const v = (why: string): Violation[] => [{ file, specifier, line, why }];
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
    const to = unitOf(target);
    if (!to) return v(`imports ${target}, which is in no layer`);
    if (to.unit === from.unit) return [];
    if (to.layer > from.layer) return v(`upward import: ${LAYERS[from.layer]!.name} (${from.unit}) may not import ${LAYERS[to.layer]!.name} (${to.unit})`);
    if (to.layer === from.layer) return v(`sideways import: ${from.unit} and ${to.unit} are both in layer ${LAYERS[from.layer]!.name}`);
    return [];
  }
  const pkg = packageOf(specifier);
  if (OUTSIDE_WORLD.some((re) => re.test(pkg))) {
    return file.startsWith(ADAPTERS) ? [] : v(`${pkg} touches the outside world: only ${ADAPTERS} may import it`);
  }
  if (file.startsWith(ADAPTERS)) return [];
  const allowed = LAYERS[from.layer]!.packages;
  return allowed.includes(pkg) ? [] : v(`${pkg} is not on layer ${LAYERS[from.layer]!.name}'s list of packages (${allowed.join(', ') || 'none'})`);
}

/** Every .ts source file under the layers' folders of `root`, repository-relative. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (/\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(rel);
    }
  };
  for (const top of new Set(LAYERS.flatMap((l) => l.units.map((u) => u.split('/')[0]!)))) walk(top);
  return out.filter((f) => unitOf(f) !== undefined).sort();
}

export function checkTree(root: string): Violation[] {
  return sourceFiles(root).flatMap((file) => importsOf(file, readFileSync(join(root, file.split('/').join(sep)), 'utf8')).flatMap((i) => checkImport(file, i.specifier, i.line)));
}

export const describeViolation = (v: Violation): string => `${v.file}:${v.line}: ${v.specifier}: ${v.why}`;
export const relativePath = (root: string, path: string): string => relative(root, path).split(sep).join('/');
