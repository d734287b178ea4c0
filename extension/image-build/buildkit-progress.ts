// BuildKit's plain progress (`--progress=plain`) read line by line: which step each vertex is, which
// one failed and why, so a failure points at its Dockerfile line as the legacy builder's does.
// BuildKit numbers steps per stage (`[build 2/3] RUN ...`), counting only the instructions that make
// a vertex (FROM, RUN, COPY, ADD, WORKDIR), and may run steps of different stages at once.
import { dockerfileStages } from './build-options.js';
import { dockerfileInstructions } from './dockerfile-steps.js';

export interface BuildKitStep {
  /** The stage as BuildKit names it: its AS name, `stage-N`, or none in a one-stage build. */
  stage?: string;
  n: number;
  total: number;
  text: string;
}

export class BuildKitProgress {
  private readonly steps = new Map<number, BuildKitStep>();
  private failedVertex: number | undefined;
  private vertexError: string | undefined;
  private lastLine = '';

  /** One line of output; returns the step it starts, if it starts one. */
  line(raw: string): BuildKitStep | undefined {
    const text = raw.replace(/\r$/, '');
    if (text.trim()) this.lastLine = text.trim();
    const step = /^#(\d+) \[(?:(\S+) )?(\d+)\/(\d+)\] (.*)$/.exec(text);
    if (step) {
      const s: BuildKitStep = { stage: step[2], n: Number(step[3]), total: Number(step[4]), text: step[5].trim() };
      const known = this.steps.has(Number(step[1]));
      this.steps.set(Number(step[1]), s);
      return known ? undefined : s;
    }
    const err = /^#(\d+) ERROR: (.*)$/.exec(text);
    if (err && this.failedVertex === undefined) {
      this.failedVertex = Number(err[1]);
      this.vertexError = err[2].trim();
    }
    return undefined;
  }

  get failedStep(): BuildKitStep | undefined {
    return this.failedVertex === undefined ? undefined : this.steps.get(this.failedVertex);
  }

  /** The failure in BuildKit's words: the failing step's error, else the CLI's last line. */
  failureMessage(): string {
    const last = this.lastLine.replace(/^(ERROR|error):\s*/, '');
    return this.vertexError ?? (last || 'the build failed');
  }
}

const VERTEX_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

/** The 0-based Dockerfile line of a BuildKit step. */
export function buildKitStepLine(source: string, step: BuildKitStep): number | undefined {
  const stages = dockerfileStages(source);
  if (!stages.length) return undefined;
  const wanted = step.stage?.toLowerCase();
  const byName = wanted ? stages.find((s) => s.name === wanted) : undefined;
  const byIndex = step.stage ? /^stage-(\d+)$/.exec(step.stage) : null;
  const stage = byName ?? (byIndex ? stages[Number(byIndex[1])] : stages[stages.length - 1]);
  if (!stage) return undefined;
  const next = stages[stage.index + 1]?.line ?? Number.MAX_SAFE_INTEGER;
  const inStage = dockerfileInstructions(source).filter((i) => i.line >= stage.line && i.line < next && VERTEX_KEYWORDS.has(i.keyword));
  const keyword = (/^(\S+)/.exec(step.text)?.[1] ?? '').toUpperCase();
  const counted = inStage[step.n - 1];
  if (counted && counted.keyword === keyword) return counted.line;
  // The count and the instruction disagree (a BuildKit version that counts differently): the only
  // instruction of the stage with the same keyword and a text that starts alike.
  const alike = inStage.filter((i) => i.keyword === keyword && i.text.slice(0, 20) === step.text.slice(0, 20));
  return alike.length === 1 ? alike[0].line : counted?.line;
}
