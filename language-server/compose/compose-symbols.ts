// The outline of a Compose file: services, networks, volumes, configs and secrets, each entry with its keys.
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import { isMap, type Node } from 'yaml';
import type { ComposeDocument } from './compose-documents';
import { SECTION_OF, type NameKind } from './names';
import { entryAt, keyText, nodeRange } from './yaml-tree';

const KIND: Record<NameKind, SymbolKind> = {
  service: SymbolKind.Class, network: SymbolKind.Interface, volume: SymbolKind.Struct, config: SymbolKind.File, secret: SymbolKind.Key,
};

function span(d: ComposeDocument, key: Node, value: Node | null): Range {
  const start = key.range?.[0] ?? 0;
  let end = Math.max(key.range?.[1] ?? start, value?.range?.[1] ?? start);
  // A block value ends past its last line break: the symbol ends with its last line.
  const source = d.text.getText();
  while (end > start && (source[end - 1] === '\n' || source[end - 1] === '\r')) end--;
  return { start: d.text.positionAt(start), end: d.text.positionAt(end) };
}

export function composeSymbols(d: ComposeDocument): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const kind of Object.keys(SECTION_OF) as NameKind[]) {
    const section = SECTION_OF[kind];
    const e = entryAt(d.doc, [section]);
    if (!e?.key) continue;
    const children: DocumentSymbol[] = d.definitions.filter((x) => x.kind === kind).map((def) => ({
      name: def.name,
      kind: KIND[kind],
      range: span(d, def.key, def.value),
      selectionRange: nodeRange(d.text, def.key),
      children: isMap(def.value) ? def.value.items.flatMap((p) => {
        const k = keyText(p);
        return k === undefined ? [] : [{ name: k, kind: SymbolKind.Property, range: span(d, p.key as Node, p.value as Node | null), selectionRange: nodeRange(d.text, p.key as Node) }];
      }) : [],
    }));
    out.push({ name: section, kind: SymbolKind.Module, range: span(d, e.key, e.value), selectionRange: nodeRange(d.text, e.key), children });
  }
  return out;
}
