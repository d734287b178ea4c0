// Where each instruction of a Dockerfile starts, to map a failing build step back to its line.
// Deliberately small (the extension does not import dockerfile/): comments, parser directives,
// line continuations (with the `escape` directive) and heredocs are enough to find instructions.

export interface InstructionLine {
  /** 0-based line where the instruction starts. */
  line: number;
  keyword: string;
  /** The instruction on one line, continuations joined with single spaces, as builders print it. */
  text: string;
}

export function dockerfileInstructions(source: string): InstructionLine[] {
  const lines = source.split(/\r?\n/);
  let escape = '\\';
  let directivesOpen = true;
  const out: InstructionLine[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (directivesOpen) {
      const d = /^#\s*escape\s*=\s*([\\`])\s*$/i.exec(trimmed);
      if (d) {
        escape = d[1];
        i++;
        continue;
      }
      if (!/^#\s*\w+\s*=/.test(trimmed)) directivesOpen = false;
    }
    if (!trimmed || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    const parts: string[] = [];
    let current = trimmed;
    // Join continuation lines; comment lines inside a continuation are dropped, as Docker does.
    while (current.endsWith(escape) && i + 1 < lines.length) {
      parts.push(current.slice(0, -1).trim());
      i++;
      while (i < lines.length && (lines[i].trim().startsWith('#') || (!lines[i].trim() && i + 1 < lines.length))) i++;
      current = (lines[i] ?? '').trim();
    }
    parts.push(current.endsWith(escape) ? current.slice(0, -1).trim() : current);
    const text = parts.filter(Boolean).join(' ');
    const keyword = (/^(\S+)/.exec(text)?.[1] ?? '').toUpperCase();
    out.push({ line: start, keyword, text });
    i++;
    // Heredocs (`RUN <<EOF` ... `EOF`) carry lines that are not instructions.
    for (const m of text.matchAll(/<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g)) {
      const end = m[1];
      while (i < lines.length && lines[i].trim() !== end) i++;
      i++;
    }
  }
  return out;
}

export interface BuildStep {
  n: number;
  total: number;
  /** The instruction as the builder printed it. */
  text: string;
}

/** `Step 3/7 : RUN make` (Docker's classic builder, and Berth's). */
export function parseStep(line: string): BuildStep | undefined {
  const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line.trim());
  return m ? { n: Number(m[1]), total: Number(m[2]), text: m[3].trim() } : undefined;
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The 0-based line a build failure points at: a line number in the message when the builder gives one
 * (parse errors), else the instruction of the last step it started.
 */
export function failingLine(source: string, lastStep: BuildStep | undefined, message: string): number | undefined {
  const byNumber = /(?:dockerfile(?:\s+parse\s+error)?\s*(?:on\s+)?line\s+|dockerfile:|\bline\s+)(\d+)/i.exec(message);
  const total = source.split(/\r?\n/).length;
  if (byNumber) {
    const n = Number(byNumber[1]);
    if (n >= 1 && n <= total) return n - 1;
  }
  if (!lastStep) return undefined;
  const instructions = dockerfileInstructions(source);
  const want = norm(lastStep.text);
  const exact = instructions.find((ins) => norm(ins.text) === want);
  if (exact) return exact.line;
  // Builders shorten long steps; a prefix still singles one out.
  const prefix = instructions.filter((ins) => norm(ins.text).startsWith(want) || want.startsWith(norm(ins.text)));
  if (prefix.length === 1) return prefix[0].line;
  // Fall back on counting: step N is the Nth instruction, skipping ARGs before the first FROM when the counts say so.
  const firstFrom = instructions.findIndex((ins) => ins.keyword === 'FROM');
  const steps = instructions.length - lastStep.total === firstFrom && firstFrom > 0 ? instructions.slice(firstFrom) : instructions;
  return steps[lastStep.n - 1]?.line;
}

/** The default tag for a build: the context folder's name, made a valid repository name. */
export function defaultTag(folderName: string): string {
  const repo = folderName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .replace(/[._-]{2,}/g, '-');
  return `${repo || 'image'}:latest`;
}

const REFERENCE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

/** Undefined when the text is a valid image reference; the reason otherwise (for an input box). */
export function checkImageReference(ref: string): string | undefined {
  const r = ref.trim();
  if (!r) return 'Enter a name such as myapp:latest.';
  if (/[A-Z]/.test(r.split(':')[0])) return 'Repository names must be lower case.';
  if (!REFERENCE.test(r)) return 'Not a valid image name: use lower-case letters, digits, and . _ - / separators, then an optional :tag.';
  return undefined;
}
