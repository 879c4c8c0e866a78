// `dex completion bash|zsh|fish`: a completion script for the shell, generated from the command
// tree itself (commander's definitions), so a new command or option completes without anyone
// editing a script. Every word in a script goes through that shell's quoting (compiler/model/quote.ts).
// `--env` completes the environments of the spec on the line (or ./dex.yaml), read with awk from
// the block-style `environments:` map at the top level, as `dex init` writes it.
import type { Command, Option } from 'commander';
import { fishQuote, shellArg, shellQuote } from '../../compiler/model/quote.js';
import { EXIT, type CliIO } from '../io.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface OptionNode {
  readonly short?: string;
  readonly long: string;
  readonly description: string;
  /** Whether it takes a value, and what completes it. */
  readonly value: 'none' | 'choices' | 'environment' | 'file' | 'directory' | 'free';
  readonly choices: readonly string[];
}

interface CommandNode {
  /** The words that reach it: '' for dex itself, 'pricing refresh' for a subcommand. */
  readonly path: string;
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionNode[];
  /** What its first argument is: the spec, a directory, one of some words, or nothing to complete. */
  readonly argument: { readonly kind: 'spec' | 'directory' | 'none' } | { readonly kind: 'choices'; readonly choices: readonly string[] };
  readonly subcommands: readonly CommandNode[];
}

/** `regions` completes the value of every --region option. */
export function runCompletion(shell: CompletionShell, program: Command, regions: readonly string[], io: CliIO): number {
  const tree = commandTree(program, '', regions);
  io.stdout.write(shell === 'bash' ? bashScript(tree) : shell === 'zsh' ? zshScript(tree) : fishScript(tree));
  return EXIT.ok;
}

export function commandTree(command: Command, path: string, regions: readonly string[]): CommandNode {
  const options: OptionNode[] = (command.options as readonly Option[])
    .filter((o) => !o.hidden && o.long)
    .map((o) => ({
      ...(o.short ? { short: o.short } : {}),
      long: o.long!,
      description: summary(o.description),
      value: o.long === '--region' && regions.length ? 'choices' : valueKind(o),
      choices: o.long === '--region' ? regions : (o.argChoices ?? []),
    }));
  options.push({ short: '-h', long: '--help', description: 'show help', value: 'none', choices: [] });
  const subcommands = command.commands.filter((c) => c.name() !== 'help').map((c) => commandTree(c, path ? `${path} ${c.name()}` : c.name(), regions));
  const first = command.registeredArguments[0];
  return {
    path,
    name: command.name(),
    summary: summary(command.description()),
    options,
    argument: !first ? { kind: 'none' } : first.argChoices?.length ? { kind: 'choices', choices: first.argChoices } : first.name() === 'file' ? { kind: 'spec' } : first.name() === 'dir' ? { kind: 'directory' } : { kind: 'none' },
    subcommands,
  };
}

function valueKind(o: Option): OptionNode['value'] {
  if (!o.required && !o.optional) return 'none';
  if (o.argChoices?.length) return 'choices';
  if (o.long === '--env') return 'environment';
  if (/<(file|path)>/.test(o.flags) || ['--from-file', '--snapshot', '--spec', '--output'].includes(o.long ?? '')) return 'file';
  if (/<dir>/.test(o.flags) || o.long === '--out') return 'directory';
  return 'free';
}

/** The first clause of a description: what fits beside a completion candidate. */
/** The first clause of a description: what fits beside a completion candidate. */
const summary = (text: string): string => text.split(/(?<=[a-z)])[.:;] | \(|: /)[0]!.replace(/\s+/g, ' ').replace(/\.$/, '').trim();

const all = (node: CommandNode): CommandNode[] => [node, ...node.subcommands.flatMap(all)];
const optionWords = (node: CommandNode): string[] => node.options.flatMap((o) => (o.short ? [o.short, o.long] : [o.long]));
const ENV_AWK = String.raw`/^environments:[ \t]*(#.*)?$/ { e = 1; next } e && /^[^ \t#]/ { e = 0 } e && /^  [A-Za-z0-9_.-]+:/ { sub(/^  /, ""); sub(/:.*/, ""); print }`;

function bashScript(tree: CommandNode): string {
  const nodes = all(tree);
  const paths = nodes.filter((n) => n.path).map((n) => shellQuote(n.path)).join('|');
  const valueCases: string[] = [];
  for (const n of nodes) {
    for (const o of n.options) {
      if (o.value === 'none') continue;
      const flags = (o.short ? [o.short, o.long] : [o.long]).map((f) => shellQuote(`${n.path}|${f}`)).join('|');
      const reply =
        o.value === 'choices' ? `COMPREPLY=($(compgen -W ${shellQuote(o.choices.join(' '))} -- "$cur"))`
        : o.value === 'environment' ? 'COMPREPLY=($(compgen -W "$(_dex_environments)" -- "$cur"))'
        : o.value === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))'
        : o.value === 'directory' ? 'COMPREPLY=($(compgen -d -- "$cur"))'
        : 'COMPREPLY=()';
      valueCases.push(`    ${flags}) ${reply}; return ;;`);
    }
  }
  const wordCases = nodes.map((n) => {
    const words = n.subcommands.length ? n.subcommands.map((s) => s.name) : [];
    const a = n.argument;
    const reply = n.subcommands.length
      ? `COMPREPLY=($(compgen -W ${shellQuote(words.join(' '))} -- "$cur"))`
      : a.kind === 'spec' ? `COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))`
      : a.kind === 'directory' ? 'COMPREPLY=($(compgen -d -- "$cur"))'
      : a.kind === 'choices' ? `COMPREPLY=($(compgen -W ${shellQuote(a.choices.join(' '))} -- "$cur"))`
      : 'COMPREPLY=()';
    return `    ${shellQuote(n.path)}) if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${shellQuote(optionWords(n).join(' '))} -- "$cur")); else ${reply}; fi ;;`;
  });
  return `# bash completion for dex, generated by \`dex completion bash\`.
# Load it now with: source <(dex completion bash)
# or for every shell: dex completion bash > ~/.local/share/bash-completion/completions/dex
_dex_environments() {
  local spec=dex.yaml w
  for w in "\${COMP_WORDS[@]:1}"; do case "$w" in *.yaml|*.yml) spec="$w"; break ;; esac; done
  [ -r "$spec" ] && awk ${shellQuote(ENV_AWK)} "$spec"
}
_dex() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "\${path:+$path }$w" in
      ${paths}) path="\${path:+$path }$w" ;;
    esac
  done
  case "$path|$prev" in
${valueCases.join('\n')}
  esac
  case "$path" in
${wordCases.join('\n')}
  esac
}
shopt -s extglob 2>/dev/null
complete -o filenames -F _dex dex
`;
}

function zshScript(tree: CommandNode): string {
  const nodes = all(tree);
  const zq = shellQuote; // zsh reads POSIX single quotes the same way
  const functions = nodes.map((n) => {
    const fn = zshFunction(n);
    if (n.subcommands.length) {
      const described = n.subcommands.map((s) => zq(`${s.name}:${s.summary}`)).join(' ');
      return `${fn}() {
  local -a commands; commands=(${described})
  local i=2
  while (( i < CURRENT )) && [[ \${words[i]} == -* ]]; do (( i++ )); done
  if (( i == CURRENT )); then
    _arguments ${n.options.map(zshOption).join(' ')} && return
    _describe -t commands 'dex command' commands
    return
  fi
  local next=\${words[i]}
  (( CURRENT -= i - 1 )); words=("\${(@)words[i,-1]}")
  case $next in
${n.subcommands.map((s) => `    ${shellArg(s.name)}) ${zshFunction(s)} ;;`).join('\n')}
  esac
}`;
    }
    const a = n.argument;
    const file =
      a.kind === 'spec' ? ` ${zq("1:spec:_files -g '*.(yaml|yml)'")}`
      : a.kind === 'directory' ? ` ${zq('1:directory:_files -/')}`
      : a.kind === 'choices' ? ` ${zq(`1:${n.name === 'completion' ? 'shell' : 'value'}:(${a.choices.join(' ')})`)}`
      : '';
    return `${fn}() {
  _arguments -s ${n.options.map(zshOption).join(' ')}${file}
}`;
  });
  return `#compdef dex
# zsh completion for dex, generated by \`dex completion zsh\`.
# Load it now with: source <(dex completion zsh)
# or for every shell: dex completion zsh > "\${fpath[1]}/_dex" (then start a new shell)
_dex_environments() {
  local spec=dex.yaml w
  for w in "\${words[@]}"; do case $w in (*.yaml|*.yml) spec=$w; break ;; esac; done
  [[ -r $spec ]] || return 1
  local -a envs; envs=(\${(f)"$(awk ${zq(ENV_AWK)} "$spec")"})
  _describe -t environments 'environment' envs
}
${functions.join('\n')}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _dex "$@"
else
  compdef _dex dex
fi
`;
}

const zshFunction = (n: CommandNode): string => `_dex${n.path ? `_${n.path.replace(/[^a-z0-9]+/g, '_')}` : ''}`;

function zshOption(o: OptionNode): string {
  const names = o.short ? `{${o.short},${o.long}}` : o.long;
  const exclusive = o.short ? `(${o.short} ${o.long})` : '';
  const description = o.description.replace(/[[\]\\:]/g, '\\$&');
  const action =
    o.value === 'none' ? ''
    : o.value === 'choices' ? `:value:(${o.choices.join(' ')})`
    : o.value === 'environment' ? ':environment:_dex_environments'
    : o.value === 'file' ? ':file:_files'
    : o.value === 'directory' ? ':directory:_files -/'
    : ':value: ';
  // The names stay outside the quotes when braced, so zsh expands {-e,--env} into two specs.
  return o.short ? `${shellQuote(exclusive)}${names}${shellQuote(`[${description}]${action}`)}` : shellQuote(`${names}[${description}]${action}`);
}

function fishScript(tree: CommandNode): string {
  const lines: string[] = [
    '# fish completion for dex, generated by `dex completion fish`.',
    '# Load it now with: dex completion fish | source',
    '# or for every shell: dex completion fish > ~/.config/fish/completions/dex.fish',
    'function __dex_environments',
    '    set -l spec dex.yaml',
    '    for w in (commandline -opc)',
    `        if string match -qr ${fishQuote('\\.ya?ml$')} -- $w`,
    '            set spec $w',
    '            break',
    '        end',
    '    end',
    `    test -r $spec; and awk ${fishQuote(ENV_AWK)} $spec`,
    'end',
    '# the words of the command line that name dex commands, joined by spaces',
    'function __dex_path',
    '    set -l path',
    '    for w in (commandline -opc)[2..-1]',
    `        if contains -- (string join -- ' ' $path $w) ${all(tree).filter((n) => n.path).map((n) => fishQuote(n.path)).join(' ')}`,
    '            set path $path $w',
    '        end',
    '    end',
    "    string join -- ' ' $path",
    'end',
    'function __dex_at',
    '    set -l path (__dex_path)',
    '    test "$path" = "$argv[1]"',
    'end',
    'complete -c dex -f',
  ];
  for (const n of all(tree)) {
    const when = fishQuote(`__dex_at ${fishQuote(n.path)}`);
    for (const s of n.subcommands) lines.push(`complete -c dex -n ${when} -a ${fishQuote(s.name)} -d ${fishQuote(s.summary)}`);
    const a = n.argument;
    if (a.kind === 'spec' || a.kind === 'directory') lines.push(`complete -c dex -n ${when} -F`);
    if (a.kind === 'choices') lines.push(`complete -c dex -n ${when} -a ${fishQuote(a.choices.join(' '))}`);
    for (const o of n.options) {
      const names = [...(o.short ? [`-s ${fishQuote(o.short.slice(1))}`] : []), `-l ${fishQuote(o.long.slice(2))}`].join(' ');
      const value =
        o.value === 'none' ? ''
        : o.value === 'choices' ? ` -x -a ${fishQuote(o.choices.join(' '))}`
        : o.value === 'environment' ? ` -x -a ${fishQuote('(__dex_environments)')}`
        : o.value === 'file' || o.value === 'directory' ? ' -r -F'
        : ' -x';
      lines.push(`complete -c dex -n ${when} ${names}${value} -d ${fishQuote(o.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
