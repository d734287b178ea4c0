// Completion: instruction keywords with snippets, parser directives and their values, flags and
// their values per instruction (RUN --mount options per type, --network, --security, COPY --from
// stage names, --chmod, --link...), variables in scope after `$` / `${`, stage names, and in FROM the
// images (and tags) the engine has. Every item replaces exactly the text typed so far.
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import type { BaseImageLookup } from '../../dockerfile/lint/base-image';
import type { DockerfileAst, Instruction, Position, Range } from '../../dockerfile/syntax/ast';
import { DIRECTIVES, PREDEFINED_ARGS } from '../docs/directives';
import { flagsOf, MOUNT_TYPES, mountOptionsOf, type FlagDoc, type ValueDoc } from '../docs/flags';
import { INSTRUCTIONS } from '../docs/instructions';
import { parseImageReference } from '../image-reference';
import { instructionAt } from '../symbol-at';
import { visibleVariables } from '../variable-scope';

export interface CompletionInputs {
  /** Image references the engine has (`repo:tag`), from berth/imageNames. */
  readonly imageNames: readonly string[];
  /** Base images' facts the engine gave (their ENV is offered after `$`); undefined: none. */
  readonly baseImages?: BaseImageLookup;
  /** Rule ids (and aliases) for `# hadolint ignore=` and `# check=skip=`. */
  readonly ruleNames: readonly { readonly name: string; readonly title: string; readonly buildkit: boolean }[];
}

function replaceRange(pos: Position, length: number): Range {
  return { start: { line: pos.line, character: pos.character - length }, end: pos };
}

function item(label: string, kind: CompletionItemKind, range: Range, newText: string, extra: Partial<CompletionItem> = {}): CompletionItem {
  return { label, kind, textEdit: { range, newText }, ...extra };
}

function snippet(label: string, kind: CompletionItemKind, range: Range, text: string, extra: Partial<CompletionItem> = {}): CompletionItem {
  return item(label, kind, range, text, { insertTextFormat: InsertTextFormat.Snippet, ...extra });
}

function keywordItems(pos: Position, typed: string, exclude: ReadonlySet<string> = new Set()): CompletionItem[] {
  const range = replaceRange(pos, typed.length);
  return INSTRUCTIONS.filter((d) => !exclude.has(d.keyword)).map((d) => snippet(d.keyword, CompletionItemKind.Keyword, range, d.snippet, {
    detail: d.forms[0]?.label,
    documentation: { kind: 'markdown', value: d.summary },
    filterText: d.keyword,
    ...(d.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
  }));
}

/** Directives while still in the directive block (top of file, before any other line). */
function inDirectiveBlock(ast: DockerfileAst, line: number): boolean {
  for (let l = 0; l < line; l++) {
    const text = ast.lines[l] ?? '';
    if (!/^\s*#\s*[A-Za-z]+\s*=/.test(text)) return false;
  }
  return true;
}

function commentItems(ast: DockerfileAst, pos: Position, before: string, inputs: CompletionInputs): CompletionItem[] | null {
  const m = /^\s*#\s*(.*)$/.exec(before);
  if (!m) return null;
  const rest = m[1];
  const directiveArea = inDirectiveBlock(ast, pos.line);
  const name = /^([A-Za-z]*)$/.exec(rest);
  if (name) {
    const range = replaceRange(pos, rest.length);
    const out: CompletionItem[] = [];
    if (directiveArea) {
      for (const d of DIRECTIVES) {
        out.push(snippet(`${d.name}=`, CompletionItemKind.Property, range, d.snippet, { detail: 'parser directive', documentation: { kind: 'markdown', value: d.doc } }));
      }
    }
    out.push(snippet('hadolint ignore=', CompletionItemKind.Snippet, range, 'hadolint ignore=${1:rule}', { detail: 'Ignore rules on the next line' }));
    out.push(snippet('hadolint global ignore=', CompletionItemKind.Snippet, range, 'hadolint global ignore=${1:rule}', { detail: 'Ignore rules in the whole file' }));
    return out;
  }
  const value = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(rest);
  const ignore = /^hadolint\s+(?:global\s+|stage\s+)?ignore\s*=\s*(?:[\w-]+\s*,\s*)*([\w-]*)$/i.exec(rest);
  if (ignore) {
    const range = replaceRange(pos, ignore[1].length);
    return inputs.ruleNames.map((r) => item(r.name, CompletionItemKind.Value, range, r.name, { detail: r.title }));
  }
  if (!value || !directiveArea) return [];
  const dname = value[1].toLowerCase();
  const typed = value[2];
  if (dname === 'check') {
    const skip = /(?:^|;)\s*(?:skip|experimental)\s*=\s*(?:[\w]+\s*,\s*)*(\w*)$/i.exec(typed);
    if (skip) {
      const range = replaceRange(pos, skip[1].length);
      return [item('all', CompletionItemKind.Value, range, 'all', { detail: 'every check' }),
        ...inputs.ruleNames.filter((r) => r.buildkit).map((r) => item(r.name, CompletionItemKind.Value, range, r.name, { detail: r.title }))];
    }
    const part = /(?:^|;)\s*(\w*)$/.exec(typed);
    if (!part) return [];
    const range = replaceRange(pos, part[1].length);
    return [
      item('skip=', CompletionItemKind.Property, range, 'skip=', { detail: 'rules to skip', command: { title: 'suggest', command: 'editor.action.triggerSuggest' } }),
      item('error=', CompletionItemKind.Property, range, 'error=true', { detail: 'fail the build on a violation' }),
      item('experimental=', CompletionItemKind.Property, range, 'experimental=', { detail: 'experimental checks to run' }),
    ];
  }
  const doc = DIRECTIVES.find((d) => d.name === dname);
  if (!doc) return [];
  const range = replaceRange(pos, typed.length);
  return doc.values.map((v) => item(v.value, CompletionItemKind.Value, range, v.value, { detail: v.doc }));
}

function valueItems(values: readonly ValueDoc[], range: Range): CompletionItem[] {
  return values.map((v) => item(v.value, CompletionItemKind.EnumMember, range, v.value, { detail: v.doc }));
}

function stageItems(ast: DockerfileAst, ins: Instruction, range: Range): CompletionItem[] {
  const limit = ins.stageIndex < 0 ? 0 : ins.stageIndex;
  return ast.stages.slice(0, limit).flatMap((s) => (s.name ? [item(s.name.value, CompletionItemKind.Module, range, s.name.value, { detail: `stage ${s.index}${s.base ? `, FROM ${s.base.value}` : ''}` })] : []));
}

function mountItems(ast: DockerfileAst, ins: Instruction, pos: Position, typedValue: string): CompletionItem[] {
  const fields = typedValue.split(',');
  const current = fields[fields.length - 1];
  const type = fields.slice(0, -1).map((f) => /^\s*type\s*=\s*(\w+)/i.exec(f)?.[1]?.toLowerCase()).find(Boolean) ?? (/^type=/.test(current) ? '' : 'bind');
  const eq = current.indexOf('=');
  if (eq < 0) {
    const range = replaceRange(pos, current.length);
    const used = new Set(fields.slice(0, -1).map((f) => f.split('=')[0].trim().toLowerCase()));
    const out: CompletionItem[] = [];
    if (!used.has('type')) out.push(item('type=', CompletionItemKind.Property, range, 'type=', { detail: 'bind, cache, tmpfs, secret or ssh', command: { title: 'suggest', command: 'editor.action.triggerSuggest' } }));
    for (const o of mountOptionsOf(type || 'bind')) {
      if (!used.has(o.key)) out.push(item(`${o.key}=`, CompletionItemKind.Property, range, `${o.key}=`, { detail: o.doc, ...(o.values || o.stageValue ? { command: { title: 'suggest', command: 'editor.action.triggerSuggest' } } : {}) }));
    }
    return out;
  }
  const key = current.slice(0, eq).trim().toLowerCase();
  const range = replaceRange(pos, current.length - eq - 1);
  if (key === 'type') return valueItems(MOUNT_TYPES, range);
  const doc = mountOptionsOf(type || 'bind').find((o) => o.key === key);
  if (doc?.stageValue) return stageItems(ast, ins, range);
  return doc?.values ? valueItems(doc.values, range) : [];
}

function flagNameItems(ins: Instruction, pos: Position, typed: string): CompletionItem[] {
  const range = replaceRange(pos, typed.length);
  // The flag being typed is already in the parse: only the other flags count as used.
  const used = new Set(ins.flags.filter((f) => !(typed.length > 2 && `--${f.name}`.startsWith(typed))).map((f) => f.name.toLowerCase()));
  return flagsOf(ins.keyword).filter((f) => f.repeatable || !used.has(f.name)).map((f: FlagDoc) => {
    const text = f.placeholder ? `--${f.name}=` : `--${f.name}`;
    const wantsValue = !!(f.values || f.stageValue || f.name === 'mount');
    return item(text, CompletionItemKind.Property, range, f.placeholder ? `--${f.name}=${wantsValue ? '' : '${1:' + f.placeholder + '}'}` : `--${f.name}`, {
      insertTextFormat: InsertTextFormat.Snippet,
      filterText: `--${f.name}`,
      detail: f.placeholder ? `--${f.name}=${f.placeholder}` : `--${f.name}`,
      documentation: { kind: 'markdown', value: f.doc },
      ...(wantsValue ? { command: { title: 'suggest', command: 'editor.action.triggerSuggest' } } : {}),
    });
  });
}

function flagValueItems(ast: DockerfileAst, ins: Instruction, pos: Position, name: string, typedValue: string, inputs: CompletionInputs): CompletionItem[] {
  if (ins.keyword === 'RUN' && name === 'mount') return mountItems(ast, ins, pos, typedValue);
  const doc = flagsOf(ins.keyword).find((f) => f.name === name);
  if (!doc) return [];
  const range = replaceRange(pos, typedValue.length);
  if (doc.stageValue) return [...stageItems(ast, ins, range), ...imageItems(inputs, range, typedValue)];
  return doc.values ? valueItems(doc.values, range) : [];
}

function imageItems(inputs: CompletionInputs, range: Range, typed: string): CompletionItem[] {
  const colon = typed.lastIndexOf(':');
  const slash = typed.lastIndexOf('/');
  if (colon > slash) {
    // Tags of the image named so far.
    const repo = typed.slice(0, colon);
    const tagRange: Range = { start: { line: range.end.line, character: range.end.character - (typed.length - colon - 1) }, end: range.end };
    const tags = new Set<string>();
    for (const n of inputs.imageNames) {
      const ref = parseImageReference(n);
      if (ref?.tag && n.slice(0, ref.nameEnd) === repo) tags.add(ref.tag);
    }
    return [...tags].map((t) => item(t, CompletionItemKind.Constant, tagRange, t, { detail: `${repo}:${t} (in the engine)` }));
  }
  const names = new Set(inputs.imageNames);
  return [...names].map((n) => item(n, CompletionItemKind.Module, range, n, { detail: 'image in the engine', sortText: `1${n}` }));
}

/** Variables an instruction can use: declared before it in scope, plus the predefined build args in FROM. */
function variableItems(ast: DockerfileAst, ins: Instruction, pos: Position, typed: string, braced: boolean, base: BaseImageLookup | undefined): CompletionItem[] {
  const range = replaceRange(pos, typed.length);
  const out: CompletionItem[] = [];
  const seen = new Set<string>();
  const close = braced ? '}' : '';
  for (const v of visibleVariables(ast, ins, base)) {
    seen.add(v.name);
    const where = v.declaredBy ? ` (${v.kind === 'env' ? 'ENV' : 'ARG'}, line ${v.declaredBy.startLine + 1})` : v.kind === 'predefined' ? ' (predefined)' : v.kind === 'base-env' ? ' (base image ENV)' : '';
    out.push(item(v.name, CompletionItemKind.Variable, range, v.name + close, { detail: `${v.name}=${v.value}${where}` }));
  }
  const global = ins.stageIndex < 0 || ins.keyword === 'FROM';
  if (global) {
    for (const a of PREDEFINED_ARGS) if (!seen.has(a.name)) out.push(item(a.name, CompletionItemKind.Variable, range, a.name + close, { detail: 'predefined build argument', documentation: a.doc }));
  }
  return out;
}

/** The words before the cursor on this instruction that are arguments (not flags). */
function argumentIndex(ins: Instruction, pos: Position): number {
  let n = 0;
  for (const w of ins.words) {
    if (w.range.end.line < pos.line || (w.range.end.line === pos.line && w.range.end.character < pos.character)) n++;
  }
  return n;
}

export function completion(ast: DockerfileAst, pos: Position, inputs: CompletionInputs): CompletionItem[] {
  const line = ast.lines[pos.line] ?? '';
  const before = line.slice(0, Math.min(pos.character, line.length));
  const ins = instructionAt(ast, pos);
  const continuation = !!ins && ins.startLine < pos.line;
  const heredocs = ins ? [...ins.heredocs, ...(ins.onbuild?.heredocs ?? [])] : [];
  // Inside a heredoc body a `#` line is the script's, not a Dockerfile comment.
  const inBody = heredocs.some((h) => pos.line > h.markerRange.start.line);
  if (!inBody) {
    const c = commentItems(ast, pos, before, inputs);
    if (c) return c;
  }
  const firstWord = /^\s*([A-Za-z]*)$/.exec(before);
  if (firstWord && !continuation) return keywordItems(pos, firstWord[1]);
  if (!ins) return [];
  const onbuild = /^\s*onbuild\s+([A-Za-z]*)$/i.exec(before);
  if (onbuild && !continuation) return keywordItems(pos, onbuild[1], new Set(['ONBUILD', 'FROM', 'MAINTAINER']));
  const target = ins.onbuild ?? ins;
  if (inBody) return [];
  const word = /\S*$/.exec(before)![0];
  const dollar = word.lastIndexOf('$');
  if (dollar >= 0) {
    const after = word.slice(dollar + 1);
    const braced = after.startsWith('{');
    const name = braced ? after.slice(1) : after;
    if (/^[A-Za-z0-9_]*$/.test(name)) return variableItems(ast, target, pos, name, braced, inputs.baseImages);
  }
  const index = argumentIndex(target, pos);
  const wordStartsAt = pos.character - word.length;
  const inFlags = !target.words.some((w) => w.range.start.line < pos.line || (w.range.start.line === pos.line && w.range.start.character < wordStartsAt));
  if (word.startsWith('--') && inFlags) {
    const eq = word.indexOf('=');
    if (eq < 0) return flagNameItems(target, pos, word);
    return flagValueItems(ast, target, pos, word.slice(2, eq).toLowerCase(), word.slice(eq + 1), inputs);
  }
  if (target.keyword === 'FROM') {
    if (index === 0) {
      const range = replaceRange(pos, word.length);
      if (word.includes(':')) return imageItems(inputs, range, word);
      const stages = ast.stages.slice(0, Math.max(0, target.stageIndex)).flatMap((s) => (s.name ? [item(s.name.value, CompletionItemKind.Module, range, s.name.value, { detail: `stage ${s.index}`, sortText: `0${s.name.value}` })] : []));
      return [...stages, item('scratch', CompletionItemKind.Keyword, range, 'scratch', { detail: 'empty base image', sortText: '2scratch' }), ...imageItems(inputs, range, word)];
    }
    if (index === 1) return [snippet('AS', CompletionItemKind.Keyword, replaceRange(pos, word.length), 'AS ${1:name}', { detail: 'name this stage' })];
    return [];
  }
  if (target.keyword === 'HEALTHCHECK' && index === 0) {
    const range = replaceRange(pos, word.length);
    return [
      snippet('CMD', CompletionItemKind.Keyword, range, 'CMD ${1:command}', { detail: 'the check command' }),
      item('NONE', CompletionItemKind.Keyword, range, 'NONE', { detail: 'disable the inherited check' }),
    ];
  }
  if (inFlags && word === '' && flagsOf(target.keyword).length && index === 0) return flagNameItems(target, pos, '');
  return [];
}
