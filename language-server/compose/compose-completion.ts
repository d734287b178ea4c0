// Completion in Compose files: the keys the schema allows where the cursor is (snippets open a block
// for mappings and lists), enum and boolean values, the project's service, network and volume names
// where a name is expected, and the engine's image names for `image:`.
import { CompletionItemKind, InsertTextFormat, InsertTextMode, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { isMap } from 'yaml';
import type { ComposeDocument } from './compose-documents';
import { cursorContext, type CursorContext } from './cursor-context';
import type { NameKind } from './names';
import { keysAt, typesOf, valuesAt, type KeyInfo } from './schema-lookup';
import { entryAt, keyText, type KeyPath } from './yaml-tree';

export interface ComposeCompletionInputs {
  readonly imageNames: readonly string[];
  /** Names defined in this file and the rest of its project. */
  names(kind: NameKind): string[];
}

/** Values the schema leaves as free strings but Compose knows. */
const KNOWN_VALUES: Record<string, readonly string[]> = {
  restart: ['no', 'always', 'on-failure', 'unless-stopped'],
  pull_policy: ['always', 'never', 'missing', 'build', 'if_not_present'],
};

function matchPath(path: KeyPath, pattern: readonly (string | number | '*' | '#')[]): boolean {
  return path.length === pattern.length && pattern.every((p, i) => p === '*' ? typeof path[i] === 'string' : p === '#' ? typeof path[i] === 'number' : p === path[i]);
}

export function composeCompletion(d: ComposeDocument, pos: Position, inputs: ComposeCompletionInputs): CompletionItem[] {
  const lines = d.text.getText().split(/\r?\n/);
  const ctx = cursorContext(lines, pos);
  if (!ctx) return [];
  const indentUnit = detectIndent(lines);
  const items: CompletionItem[] = [];
  if (ctx.kind === 'key' || ctx.kind === 'item') items.push(...keyItems(d, ctx, indentUnit, inputs));
  if (ctx.kind === 'value' || ctx.kind === 'item') items.push(...valueItems(ctx, inputs));
  return items;
}

function detectIndent(lines: readonly string[]): number {
  for (const l of lines) {
    const m = /^( +)\S/.exec(l);
    if (m) return m[1].length;
  }
  return 2;
}

function keyItems(d: ComposeDocument, ctx: CursorContext, unit: number, inputs: ComposeCompletionInputs): CompletionItem[] {
  const p = ctx.path;
  const svc = typeof p[1] === 'string' ? p[1] : undefined;
  // Mappings keyed by a name: offer the names.
  if (matchPath(p, ['services', '*', 'depends_on'])) return names(inputs.names('service').filter((n) => n !== svc), 'service', ctx, ':');
  if (matchPath(p, ['services', '*', 'networks'])) return names(inputs.names('network'), 'network', ctx, ':');
  if (matchPath(p, ['services'])) return [];
  const present = new Set<string>();
  const existing = entryAt(d.doc, p)?.value;
  if (isMap(existing)) for (const pair of existing.items) { const k = keyText(pair); if (k !== undefined) present.add(k); }
  const pad = ' '.repeat(ctx.column + unit);
  return keysAt(p).filter((k) => !present.has(k.name)).map((k) => keyItem(k, ctx, pad));
}

function keyItem(k: KeyInfo, ctx: CursorContext, pad: string): CompletionItem {
  const types = typesOf(k.schema);
  const only = (t: string) => types.size === 1 && types.has(t);
  const snippet = only('object') ? `${k.name}:\n${pad}$0` : only('array') ? `${k.name}:\n${pad}- $0` : `${k.name}: $0`;
  return {
    label: k.name,
    kind: CompletionItemKind.Property,
    sortText: `1${k.name}`,
    detail: [...types].join(' | ') || undefined,
    documentation: k.description ? { kind: MarkupKind.Markdown, value: k.description } : undefined,
    tags: k.deprecated ? [1] : undefined,
    insertTextFormat: InsertTextFormat.Snippet,
    insertTextMode: InsertTextMode.asIs,
    textEdit: { range: ctx.replace, newText: snippet },
  };
}

function names(list: readonly string[], kind: NameKind, ctx: CursorContext, suffix = ''): CompletionItem[] {
  return [...new Set(list)].map((n) => ({
    label: n,
    kind: kind === 'service' ? CompletionItemKind.Class : CompletionItemKind.Reference,
    detail: kind,
    // Before the keys of a long form offered at the same place (a volume item may be either).
    sortText: `0${n}`,
    textEdit: { range: ctx.replace, newText: `${n}${suffix}` },
  }));
}

function plain(list: readonly string[], ctx: CursorContext, kind: CompletionItemKind, detail?: string): CompletionItem[] {
  return list.map((v) => ({ label: v, kind, detail, textEdit: { range: ctx.replace, newText: v } }));
}

function valueItems(ctx: CursorContext, inputs: ComposeCompletionInputs): CompletionItem[] {
  const p = ctx.path;
  const svc = typeof p[1] === 'string' ? p[1] : undefined;
  const services = () => inputs.names('service').filter((n) => n !== svc);
  if (matchPath(p, ['services', '*', 'depends_on', '#']) || matchPath(p, ['services', '*', 'links', '#']) || matchPath(p, ['services', '*', 'volumes_from', '#'])
    || matchPath(p, ['services', '*', 'extends']) || matchPath(p, ['services', '*', 'extends', 'service'])) {
    return names(services(), 'service', ctx);
  }
  if (matchPath(p, ['services', '*', 'networks', '#'])) return names(inputs.names('network'), 'network', ctx);
  if (matchPath(p, ['services', '*', 'volumes', '#'])) return names(inputs.names('volume'), 'volume', ctx, ':');
  if (matchPath(p, ['services', '*', 'volumes', '#', 'source'])) return names(inputs.names('volume'), 'volume', ctx);
  if (matchPath(p, ['services', '*', 'secrets', '#'])) return names(inputs.names('secret'), 'secret', ctx);
  if (matchPath(p, ['services', '*', 'configs', '#'])) return names(inputs.names('config'), 'config', ctx);
  if (matchPath(p, ['services', '*', 'image'])) return plain(inputs.imageNames, ctx, CompletionItemKind.Value, 'image');
  if (matchPath(p, ['services', '*', 'network_mode'])) {
    return [...plain(['bridge', 'host', 'none'], ctx, CompletionItemKind.EnumMember), ...plain(services().map((s) => `service:${s}`), ctx, CompletionItemKind.Class, 'service')];
  }
  const last = p[p.length - 1];
  const known = p.length === 3 && p[0] === 'services' && typeof last === 'string' ? KNOWN_VALUES[last] : undefined;
  return plain([...valuesAt(p), ...(known ?? [])], ctx, CompletionItemKind.EnumMember);
}
