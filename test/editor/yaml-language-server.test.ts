// Editor support, checked through the real yaml-language-server (the server behind the VS Code
// YAML extension, Neovim's yamlls, Helix, Zed…): one server process spoken to over stdio as an
// editor does, with in-memory documents that point at schema.json by modeline or by setting.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompletionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type MarkupContent,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { analyzeSpec } from '../../pipeline/analyze.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schemaUri = pathToFileURL(`${root}schema.json`).href;
const serverBin = `${root}node_modules/yaml-language-server/bin/yaml-language-server`;
const modeline = `# yaml-language-server: $schema=${schemaUri}`;

/** Generous per-step bound: the whole suite takes a couple of seconds, a hang must fail clearly. */
const STEP_MS = 8_000;

interface YamlSettings {
  yaml: Record<string, unknown>;
  http: Record<string, unknown>;
  '[yaml]': Record<string, unknown>;
  editor: Record<string, unknown>;
}

const settings: YamlSettings = {
  yaml: { validate: true, hover: true, completion: true, schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, schemas: {} },
  http: {},
  '[yaml]': {},
  editor: {},
};

let server: ChildProcessWithoutNullStreams;
let connection: ProtocolConnection;
let stderr = '';
/** Every publishDiagnostics, by document URI, and who is waiting for the next one. */
const published = new Map<string, { version?: number; diagnostics: Diagnostic[] }[]>();
const waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];

function within<T>(promise: Promise<T>, what: string, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`yaml-language-server: no answer to ${what} within ${ms} ms${stderr ? `\nserver stderr:\n${stderr.slice(-2000)}` : ''}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first diagnostics for uri (already published or still to come) that satisfy test. */
function diagnosticsFor(uri: string, test: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]> {
  const seen = published.get(uri) ?? [];
  const done = seen.find((p) => test(p.diagnostics));
  if (done) return Promise.resolve(done.diagnostics);
  const promise = new Promise<Diagnostic[]>((resolve) => waiters.push({ uri, test, resolve }));
  return within(promise, `${what} (diagnostics seen so far: ${JSON.stringify(seen.map((p) => p.diagnostics.map(messageOf)))})`);
}

let docCount = 0;
/** Opens an in-memory document (nothing is written to disk); each test gets its own URI. */
async function open(text: string, name = 'dex.yaml', dir = `virtual/doc-${++docCount}`): Promise<string> {
  const uri = `file:///${dir}/${name}`;
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  return uri;
}

/** The position `after` characters into the first occurrence of needle (0-based line/character, as LSP counts). */
function positionOf(text: string, needle: string, after = needle.length): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset === -1) throw new Error(`test text has no ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset + after).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

async function complete(uri: string, position: { line: number; character: number }): Promise<CompletionItem[]> {
  const result = await within(connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }), `completion at ${position.line}:${position.character}`);
  if (!result) return [];
  return Array.isArray(result) ? result : (result as CompletionList).items;
}

/** LSP 3.18 allows markup in diagnostic messages; yaml-language-server sends plain strings. */
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

function docText(item: CompletionItem | undefined): string {
  const doc = item?.documentation;
  return typeof doc === 'string' ? doc : (doc as MarkupContent | undefined)?.value ?? '';
}

const schema = JSON.parse(readFileSync(`${root}schema.json`, 'utf8')) as { definitions: Record<string, { properties: Record<string, { description?: string; markdownDescription?: string }> }> };
const serviceProps = schema.definitions['Service']!.properties;

beforeAll(async () => {
  server = spawn(process.execPath, [serverBin, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  server.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
  const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`yaml-language-server exited with ${code}\n${stderr}`))));
  exited.catch(() => undefined);
  connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  // The server pulls its settings (workspace/configuration) whenever told they changed.
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section && item.section in settings ? settings[item.section as keyof YamlSettings] : null)),
  );
  for (const method of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'window/showMessageRequest']) {
    connection.onRequest(method, () => null);
  }
  connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, version, diagnostics }) => {
    const list = published.get(uri) ?? [];
    list.push({ version, diagnostics });
    published.set(uri, list);
    for (const w of [...waiters]) {
      if (w.uri === uri && w.test(diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(diagnostics);
      }
    }
  });
  for (const method of ['window/logMessage', 'window/showMessage', 'telemetry/event', '$/progress']) connection.onNotification(method, () => undefined);
  connection.listen();

  await Promise.race([
    exited,
    within(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            publishDiagnostics: { relatedInformation: true },
          },
        },
      }),
      'initialize',
    ),
  ]);
  await connection.sendNotification(InitializedNotification.type, {});
  await connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
});

afterAll(async () => {
  if (!server) return;
  try {
    await within(connection.sendRequest(ShutdownRequest.type), 'shutdown', 2_000);
    await connection.sendNotification(ExitNotification.type);
  } catch {
    // the kill below ends it either way
  }
  connection?.dispose();
  if (server.exitCode === null) server.kill();
});

const serviceDoc = [
  modeline,
  'dex: 1',
  'name: demo',
  'region: ap-south-1',
  'network:',
  '  natGateways: ',
  'services:',
  '  web:',
  '    port: 8080',
  '    placement: ',
  '    ',
  '',
].join('\n');

describe('yaml-language-server with schema.json', () => {
  it('completes the property names of a service, with their documentation from the schema', async () => {
    const text = [modeline, 'dex: 1', 'name: demo', 'region: ap-south-1', 'services:', '  web:', '    port: 8080', '    ', ''].join('\n');
    const uri = await open(text);
    const items = await complete(uri, { line: 7, character: 4 });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['placement', 'scaling', 'resources', 'expose', 'health', 'uses', 'secrets', 'language']));
    // Keys already written are not offered again; keys from other sections are not offered at all.
    expect(labels).not.toContain('port');
    expect(labels).not.toContain('natGateways');
    const scaling = items.find((i) => i.label === 'scaling');
    const expected = serviceProps['scaling']!.markdownDescription ?? serviceProps['scaling']!.description!;
    expect(expected.length).toBeGreaterThan(10);
    expect(docText(scaling)).toContain(expected.split('\n')[0]);
  });

  it('completes enum values: placement and natGateways', async () => {
    const uri = await open(serviceDoc);
    const placement = await complete(uri, positionOf(serviceDoc, '    placement: '));
    expect(placement.map((i) => i.label).sort()).toEqual(['auto', 'ec2', 'ecs', 'eks']);
    const nat = await complete(uri, positionOf(serviceDoc, '  natGateways: '));
    expect(nat.map((i) => i.label).sort()).toEqual(['none', 'perAz', 'single']);
  });

  it('shows the description of a key on hover', async () => {
    const uri = await open(serviceDoc);
    const hover = await within(connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(serviceDoc, '  natGa', 5) }), 'hover on natGateways');
    const value = (hover as Hover | null)?.contents as MarkupContent | undefined;
    expect(value?.kind).toBe('markdown');
    expect(value?.value).toContain('NAT gateways for private subnets');
    expect(value?.value).toContain('`perAz`');

    const onPlacement = await within(connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(serviceDoc, '    placem', 8) }), 'hover on placement');
    const expected = serviceProps['placement']!.markdownDescription ?? serviceProps['placement']!.description!;
    expect(((onPlacement as Hover | null)?.contents as MarkupContent | undefined)?.value).toContain(expected.split('\n')[0]);
  });

  it('reports an unknown key at its line, and clears it once fixed', async () => {
    const text = [modeline, 'dex: 1', 'name: demo', 'region: ap-south-1', 'services:', '  web:', '    port: 8080', '    placment: ecs', ''].join('\n');
    const uri = await open(text);
    const diagnostics = await diagnosticsFor(uri, (d) => d.length > 0, 'diagnostics for placment:');
    const unknown = diagnostics.filter((d) => /placment/.test(messageOf(d)));
    expect(unknown, JSON.stringify(diagnostics)).toHaveLength(1);
    expect(unknown[0]!.range.start).toEqual({ line: 7, character: 4 }); // 0-based: line 8, column 5 of the file
    expect(unknown[0]!.range.end).toEqual({ line: 7, character: 12 });
    expect(unknown[0]!.severity).toBe(1);
    expect(diagnostics).toHaveLength(1);

    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: text.replace('placment', 'placement') }],
    });
    await diagnosticsFor(uri, (d) => d.length === 0, 'diagnostics to clear after the fix');
  });

  it('flags the same lines as dex itself (patterns, bounds, unicode property names)', async () => {
    const body = [
      'dex: 1',
      'name: Demo', // pattern
      'region: ap-south-1',
      'tags: { aws:reserved: a, équipe: b }', // propertyNames with \p{L} (needs a unicode-aware regex)
      'services:',
      '  web:',
      '    port: 70000', // maximum
      '    resources: { memory: 2GB }', // pattern
      '    storageGiB: 0', // minimum
      '    placement: ecz', // enum
      '',
    ].join('\n');
    const uri = await open(`${modeline}\n${body}`);
    const editor = await diagnosticsFor(uri, (d) => d.length > 0, 'diagnostics for schema errors');
    const dex = analyzeSpec(new TextEncoder().encode(body), 'dex.yaml');
    // The editor's lines are 0-based and count the modeline; dex's are 1-based without it.
    const editorLines = [...new Set(editor.map((d) => d.range.start.line))].sort((a, b) => a - b);
    const dexLines = [...new Set(dex.diagnostics.map((d) => d.line!))].sort((a, b) => a - b);
    expect(editorLines, JSON.stringify(editor.map(messageOf))).toEqual([2, 4, 7, 8, 9, 10]);
    expect(dexLines).toEqual(editorLines);
  });

  it('finds nothing to complain about in the reference spec (schema.json and the editor agree)', async () => {
    const reference = readFileSync(`${root}test/fixtures/reference/dex-mobile-v6.dex.yaml`, 'utf8');
    const uri = await open(`${modeline}\n${reference}`);
    // A first empty publish can precede schema loading; wait for the settled state, then for quiet.
    await diagnosticsFor(uri, () => true, 'diagnostics for the reference spec');
    // The schema did apply: a hover answers from it.
    const hover = await within(connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: reference.split('\n').findIndex((l) => l.startsWith('services:')) + 1, character: 2 } }), 'hover on services');
    expect(((hover as Hover | null)?.contents as MarkupContent | undefined)?.value).toContain('The microservices, by name');
    await new Promise((r) => setTimeout(r, 300));
    const last = published.get(uri)!.at(-1)!.diagnostics;
    expect(last.map((d) => `${d.range.start.line}: ${messageOf(d)}`)).toEqual([]);
  });

  it('resolves the relative modeline of the shipped examples', async () => {
    for (const example of ['minimal', 'dex-mobile-v6']) {
      const text = readFileSync(`${root}examples/${example}/dex.yaml`, 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema.json');
      // The document's URI is where the file is, so ../../schema.json resolves to the real schema.
      const uri = pathToFileURL(`${root}examples/${example}/dex.yaml`).href;
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      const marker = positionOf(text, '\nservices:\n', 1);
      // A hover on services: answers from the schema only if ../../schema.json was found.
      const hover = await within(connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: marker.line, character: 2 } }), `hover in ${example}`);
      expect(((hover as Hover | null)?.contents as MarkupContent | undefined)?.value, `hover in examples/${example}`).toContain('The microservices, by name');
      await diagnosticsFor(uri, () => true, `diagnostics for examples/${example}`);
      await new Promise((r) => setTimeout(r, 200));
      expect(published.get(uri)!.at(-1)!.diagnostics.map(messageOf), `examples/${example}`).toEqual([]);
    }
  });

  // Last: it changes the server's settings for every document.
  it('applies schema.json to dex.yaml by a yaml.schemas setting, without a modeline', async () => {
    const text = ['dex: 1', 'name: demo', 'region: ap-south-1', 'services:', '  web:', '    placment: ecs', ''].join('\n');
    const uri = await open(text, 'dex.yaml', 'virtual/associated');
    const other = await open(text, 'values.yaml', 'virtual/associated');
    // Without a schema the file is plain YAML: nothing to report.
    await diagnosticsFor(uri, (d) => d.length === 0, 'schema-less diagnostics');

    // What .vscode/settings.json would say: "yaml.schemas": { "<schema>": "dex.yaml" }.
    settings.yaml = { ...settings.yaml, schemas: { [schemaUri]: ['dex.yaml', '*.dex.yaml'] } };
    await connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
    const diagnostics = await diagnosticsFor(uri, (d) => d.some((x) => /placment/.test(messageOf(x))), 'diagnostics after associating the schema');
    expect(diagnostics.find((d) => /placment/.test(messageOf(d)))!.range.start).toEqual({ line: 5, character: 4 });
    const items = await complete(uri, positionOf(text, '    placment: ', 4));
    expect(items.map((i) => i.label)).toContain('placement');
    // Other YAML files are left alone.
    await new Promise((r) => setTimeout(r, 200));
    expect(published.get(other)!.at(-1)!.diagnostics).toEqual([]);
  });
});
