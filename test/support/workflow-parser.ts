// Loads GitHub's own workflow parser (@actions/workflow-parser) in tests.
//
// Why not a plain import: its ESM build does `import schema from "./workflow-v1.0.min.json"`
// without `with { type: 'json' }`, which Node 20 rejects ("needs an import attribute of type
// json"), and vitest leaves node_modules to Node's own loader. The package ships no CJS build, so
// createRequire is no way out. Instead a tiny module-customization hook (node:module register,
// Node >= 20.6) adds the missing attribute for JSON files of that package only, then the
// package is imported as it is. No config change, no copy of the package, works under vitest
// and plain Node alike.
import { register } from 'node:module';

const HOOK = `export async function load(url, context, next) {
  if (url.endsWith('.json') && url.includes('/@actions/') && !(context.importAttributes && context.importAttributes.type)) {
    return next(url, { ...context, importAttributes: { ...(context.importAttributes || {}), type: 'json' } });
  }
  return next(url, context);
}`;

let loaded: Promise<typeof import('@actions/workflow-parser')> | undefined;

export function workflowParser(): Promise<typeof import('@actions/workflow-parser')> {
  if (!loaded) {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    loaded = import('@actions/workflow-parser');
  }
  return loaded;
}

/** Errors GitHub's parser reports for a workflow file (syntax, schema, expressions), as messages. */
export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await workflowParser();
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value === undefined) return errors.length ? errors : ['workflow did not parse'];
  const template = await convertWorkflowTemplate(result.context, result.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

let actionsLoaded: Promise<typeof import('@actions/workflow-parser/actions/index')> | undefined;

/** An action.yml through GitHub's parser: its errors (syntax, schema, expressions) and the converted action. */
export async function parseActionFile(name: string, content: string): Promise<{ errors: string[]; action: import('@actions/workflow-parser/actions/index').ActionTemplate | undefined }> {
  const { NoOperationTraceWriter } = await workflowParser();
  actionsLoaded ??= import('@actions/workflow-parser/actions/index');
  const { parseAction, convertActionTemplate } = await actionsLoaded;
  const result = parseAction({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value === undefined) return { errors: errors.length ? errors : ['action did not parse'], action: undefined };
  if (errors.length) return { errors, action: undefined };
  const action = convertActionTemplate(result.context, result.value);
  return { errors: result.context.errors.getErrors().map((e) => e.message), action };
}
