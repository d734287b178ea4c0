// Go to definition, find references and highlights for the names a Compose project defines and uses:
// services (depends_on, links, extends, network_mode: service:X, volumes_from), networks and named
// volumes, across the file and the rest of its project.
import { DocumentHighlightKind, type DocumentHighlight, type Location, type Position } from 'vscode-languageserver';
import type { ComposeDocument } from './compose-documents';
import type { Definition, NameKind, Reference } from './names';
import { nodeRange, partRange } from './yaml-tree';

export interface NameAt {
  readonly kind: NameKind;
  readonly name: string;
  readonly definition?: Definition;
  readonly reference?: Reference;
}

/** The defined or mentioned name under the position, if any. */
export function nameAt(d: ComposeDocument, pos: Position): NameAt | undefined {
  const offset = d.text.offsetAt(pos);
  const inside = (start: number, end: number) => start <= offset && offset <= end;
  for (const def of d.definitions) {
    const r = def.key.range;
    if (r && inside(r[0], r[1])) return { kind: def.kind, name: def.name, definition: def };
  }
  for (const ref of d.references) {
    const r = ref.node.range;
    if (!r) continue;
    const range = partRange(d.text, ref.node, ref.from, ref.to);
    if (inside(d.text.offsetAt(range.start), d.text.offsetAt(range.end))) return { kind: ref.kind, name: ref.name, reference: ref };
  }
  return undefined;
}

export function composeDefinition(d: ComposeDocument, pos: Position, project: () => readonly ComposeDocument[]): Location | null {
  const at = nameAt(d, pos);
  if (!at) return null;
  for (const doc of [d, ...project()]) {
    const def = doc.definitions.find((x) => x.kind === at.kind && x.name === at.name);
    if (def) return { uri: doc.uri, range: nodeRange(doc.text, def.key) };
  }
  return null;
}

export function composeReferences(d: ComposeDocument, pos: Position, includeDeclaration: boolean, project: () => readonly ComposeDocument[]): Location[] {
  const at = nameAt(d, pos);
  if (!at) return [];
  const out: Location[] = [];
  for (const doc of [d, ...project()]) {
    if (includeDeclaration) {
      for (const def of doc.definitions) if (def.kind === at.kind && def.name === at.name) out.push({ uri: doc.uri, range: nodeRange(doc.text, def.key) });
    }
    for (const ref of doc.references) {
      if (ref.kind === at.kind && ref.name === at.name) out.push({ uri: doc.uri, range: partRange(doc.text, ref.node, ref.from, ref.to) });
    }
  }
  return out;
}

export function composeHighlights(d: ComposeDocument, pos: Position): DocumentHighlight[] {
  const at = nameAt(d, pos);
  if (!at) return [];
  return [
    ...d.definitions.filter((x) => x.kind === at.kind && x.name === at.name).map((x) => ({ range: nodeRange(d.text, x.key), kind: DocumentHighlightKind.Write })),
    ...d.references.filter((x) => x.kind === at.kind && x.name === at.name).map((x) => ({ range: partRange(d.text, x.node, x.from, x.to), kind: DocumentHighlightKind.Read })),
  ];
}
