// Which Dockerfile line made each layer of an image's history, for images Berth built from a workspace
// Dockerfile. The image records no Dockerfile, so the history is aligned with the built stage's
// instructions from the newest end: builders (the legacy one, Berth's, BuildKit) write one history
// entry per instruction of the stage, newest first, in the stage's order, with the instruction's
// keyword in CREATED BY. Entries before the stage's first instruction belong to its base image.
// No VS Code imports.
import { dockerfileStages } from '../image-build/build-options.js';
import { dockerfileInstructions } from '../image-build/dockerfile-steps.js';

/** The instruction keyword and text a history entry's CREATED BY stands for, as the builders write it. */
export function historyInstruction(createdBy: string): { keyword: string; text: string } {
  let t = createdBy.trim().replace(/\s+# buildkit$/, '');
  // The legacy builder: `/bin/sh -c #(nop)  CMD ["sh"]`, or a RUN as `/bin/sh -c make` (with `|2 A=1 B=2 ` for build args).
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(t);
  if (nop) t = t.slice(nop[0].length);
  else {
    t = t.replace(/^\|\d+(?:\s+\S+=\S*)*\s+/, '');
    if (/^\/bin\/sh -c /.test(t)) t = `RUN ${t.slice('/bin/sh -c '.length)}`;
    // BuildKit: `RUN |1 A=1 /bin/sh -c make`.
    t = t.replace(/^RUN \|\d+(?:\s+\S+=\S*)*\s+/, 'RUN ').replace(/^RUN \/bin\/sh -c /, 'RUN ');
  }
  const keyword = (/^([A-Za-z]+)/.exec(t)?.[1] ?? '').toUpperCase();
  return { keyword, text: t.trim() };
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A RUN's command without its flags (`--mount=...`, `--network=...`), as the history records it. */
function runCommand(text: string): string {
  return norm(text.replace(/^RUN\s+/i, '').replace(/^(?:--\S+\s+)*/, ''));
}

/**
 * For each history entry (newest first, as the engine lists them), the 0-based Dockerfile line of the
 * instruction that made it, or undefined (base image layers, or entries that do not line up).
 */
export function historyLines(createdBy: readonly string[], source: string, target?: string): (number | undefined)[] {
  const stages = dockerfileStages(source);
  if (!stages.length) return createdBy.map(() => undefined);
  const stage = (target ? stages.find((s) => s.name === target.toLowerCase()) : undefined) ?? stages[stages.length - 1];
  const next = stages[stage.index + 1]?.line ?? Number.MAX_SAFE_INTEGER;
  const inStage = dockerfileInstructions(source).filter((i) => i.line > stage.line && i.line < next);
  const out: (number | undefined)[] = createdBy.map(() => undefined);
  let j = inStage.length - 1;
  for (let i = 0; i < createdBy.length && j >= 0; i++) {
    const h = historyInstruction(createdBy[i]);
    const ins = inStage[j];
    if (h.keyword !== ins.keyword) {
      // Out of step: an instruction some builder writes no entry for (none known today), or a base layer.
      const skip = inStage.slice(0, j).map((x) => x.keyword).lastIndexOf(h.keyword);
      if (skip < 0) break;
      j = skip;
    }
    const match = inStage[j];
    if (match.keyword === 'RUN' && !runCommand(h.text).startsWith(runCommand(match.text).slice(0, 20)) && !runCommand(match.text).includes('$')) {
      // The same keyword but another command: the history is not this Dockerfile's (or not this build's).
      break;
    }
    out[i] = match.line;
    j--;
  }
  return out;
}
