// Hover in Compose files: a key's documentation from the Compose Specification's schema; on a service
// (where it is defined or named), what it runs: its image or what it builds.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { isMap, type Node } from 'yaml';
import type { ComposeDocument } from './compose-documents';
import { nameAt } from './compose-navigation';
import { describe } from './schema-lookup';
import { locate, nodeRange, scalarText } from './yaml-tree';

function serviceSummary(name: string, body: Node | null): string {
  const lines = [`**service ${name}**`];
  if (isMap(body)) {
    const image = scalarText(body.get('image', true) as Node | undefined);
    if (image) lines.push(`image: \`${image}\``);
    const build = body.get('build', true) as Node | undefined;
    const context = scalarText(build) ?? (isMap(build) ? scalarText(build.get('context', true) as Node | undefined) ?? '.' : undefined);
    if (context !== undefined) {
      const dockerfile = isMap(build) ? scalarText(build.get('dockerfile', true) as Node | undefined) : undefined;
      lines.push(`build: \`${context}\`${dockerfile ? ` (Dockerfile \`${dockerfile}\`)` : ''}`);
    }
  }
  return lines.join('\n\n');
}

export function composeHover(d: ComposeDocument, pos: Position, project: () => readonly ComposeDocument[]): Hover | null {
  const name = nameAt(d, pos);
  if (name?.kind === 'service') {
    const def = [d, ...project()].flatMap((x) => x.definitions).find((x) => x.kind === 'service' && x.name === name.name);
    const node = name.definition?.key ?? name.reference?.node;
    if (def) return { contents: { kind: MarkupKind.Markdown, value: serviceSummary(def.name, def.value) }, range: node ? nodeRange(d.text, node) : undefined };
  }
  const at = locate(d.doc, d.text.offsetAt(pos));
  if (!at) return null;
  const key = at.path[at.path.length - 1];
  if (typeof key !== 'string') return null;
  const doc = describe(at.path);
  if (!doc) return null;
  return { contents: { kind: MarkupKind.Markdown, value: `**${key}**\n\n${doc}` }, range: nodeRange(d.text, at.node) };
}
