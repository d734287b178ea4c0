// Stage names and every place that refers to a stage: FROM <stage>, COPY/ADD --from=<stage> and
// RUN --mount from=<stage>. Names compare case-insensitively, as BuildKit lower-cases them.
import type { DockerfileAst, Stage, Token } from '../dockerfile/syntax/ast';
import { mountFromValues } from './mount-options';

export type StageRefKind = 'from' | 'copy-from' | 'mount-from';

export interface StageReference {
  readonly token: Token;
  readonly kind: StageRefKind;
  /** The stage it names; null when no stage has that name (then it is an image). */
  readonly stage: Stage | null;
}

export function stageNames(ast: DockerfileAst): Set<string> {
  return new Set(ast.stages.flatMap((s) => (s.name ? [s.name.value.toLowerCase()] : [])));
}

/** Stages by lower-cased name, in file order; built once per parse. */
const byNameCache = new WeakMap<DockerfileAst, Map<string, Stage[]>>();

function stagesNamed(ast: DockerfileAst, lower: string): readonly Stage[] {
  let index = byNameCache.get(ast);
  if (!index) {
    index = new Map();
    for (const s of ast.stages) {
      const key = s.name?.value.toLowerCase();
      if (!key) continue;
      const list = index.get(key);
      if (list) list.push(s);
      else index.set(key, [s]);
    }
    byNameCache.set(ast, index);
  }
  return index.get(lower) ?? [];
}

/** The stage a name (or `--from` index) denotes, seen from stage `fromIndex`. */
export function resolveStage(ast: DockerfileAst, name: string, fromIndex: number, kind: StageRefKind): Stage | null {
  if (kind !== 'from' && /^\d+$/.test(name)) {
    const s = ast.stages[Number(name)];
    return s && s.index < fromIndex ? s : null;
  }
  const named = stagesNamed(ast, name.toLowerCase());
  // FROM may only name an earlier stage; --from prefers an earlier one but BuildKit accepts any.
  let earlier: Stage | null = null;
  for (const s of named) if (s.index < fromIndex) earlier = s;
  if (earlier || kind === 'from') return earlier;
  return named.find((s) => s.index !== fromIndex) ?? null;
}

export function stageReferences(ast: DockerfileAst): StageReference[] {
  const out: StageReference[] = [];
  for (const stage of ast.stages) {
    if (stage.base) out.push({ token: stage.base, kind: 'from', stage: resolveStage(ast, stage.base.value, stage.index, 'from') });
  }
  for (const ins of ast.instructions) {
    // ONBUILD COPY --from names a stage of the downstream build, not of this file.
    const target = ins;
    if (target.keyword === 'COPY' || target.keyword === 'ADD') {
      for (const f of target.flags) {
        if (f.name.toLowerCase() === 'from' && f.value && f.valueRange) {
          const token = { value: f.value, range: f.valueRange };
          out.push({ token, kind: 'copy-from', stage: resolveStage(ast, f.value, ins.stageIndex, 'copy-from') });
        }
      }
    }
    for (const token of mountFromValues(target)) {
      out.push({ token, kind: 'mount-from', stage: resolveStage(ast, token.value, ins.stageIndex, 'mount-from') });
    }
  }
  return out;
}
