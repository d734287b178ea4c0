// Which stages a build runs: the target (the last stage without one) and, transitively, the earlier
// stages it is built FROM, copies --from or mounts (RUN --mount=from=). Other stages are skipped, as BuildKit does.
import type { Lookup } from '../../dockerfile/expansion/lexer.js';
import type { DockerfileAst } from '../../dockerfile/syntax/ast.js';
import { viewInstruction } from '../../dockerfile/syntax/instructions.js';
import { InvalidError } from '../errdefs.js';
import { expand, type EscapeChar } from './expand.js';

export interface StagePlan {
  /** Stage indexes to build, in Dockerfile order. */
  stages: number[];
  /** FROM's image of each stage, expanded with the global args. */
  bases: Map<number, string>;
}

export function stageIndexByName(ast: DockerfileAst, name: string, before: number): number | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < before && i < ast.stages.length; i++) {
    if (ast.stages[i].name?.value.toLowerCase() === lower) return i;
  }
  return undefined;
}

export function planStages(ast: DockerfileAst, target: string | undefined, meta: Lookup, escape: EscapeChar): StagePlan {
  const stages = ast.stages;
  let top = stages.length - 1;
  if (target) {
    const i = stages.findIndex((s) => s.name?.value.toLowerCase() === target.toLowerCase());
    if (i < 0) throw new InvalidError(`failed to reach build target ${target} in Dockerfile`);
    top = i;
  }
  const bases = new Map<number, string>();
  for (const s of stages) {
    const v = viewInstruction(s.from);
    const image = v.keyword === 'FROM' ? v.image?.value ?? '' : '';
    const name = expand(image, meta, escape);
    if (name === '') throw new InvalidError(`base name (${image}) should not be blank`);
    bases.set(s.index, name);
  }
  const needed = new Set<number>();
  const visit = (i: number): void => {
    if (needed.has(i)) return;
    needed.add(i);
    const base = stageIndexByName(ast, bases.get(i) as string, i);
    if (base !== undefined) visit(base);
    for (const ins of stages[i].instructions) {
      const v = viewInstruction(ins);
      const refs = v.keyword === 'RUN' ? v.mounts.map((m) => m.mount?.from ?? '') : (v.keyword === 'COPY' || v.keyword === 'ADD') ? [v.from?.value ?? ''] : [];
      for (const ref of refs) {
        if (!ref) continue;
        const from = ref.includes('$') ? expand(ref, meta, escape) : ref;
        const dep = /^\d+$/.test(from) ? Number(from) : stageIndexByName(ast, from, i);
        if (dep !== undefined && dep < i) visit(dep);
      }
    }
  };
  visit(top);
  return { stages: [...needed].sort((a, b) => a - b), bases };
}
