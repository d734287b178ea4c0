// What Berth's bundled builder refuses although BuildKit's Dockerfile syntax has it, in one place so
// the builder (runtime/builder) and the linter (rule BE0011) say the same thing at the same flag.
import type { Directive, Instruction, Range } from './ast.js';

export interface Refusal {
  readonly range: Range;
  readonly message: string;
}

// docker/dockerfile and docker/dockerfile-upstream, any registry spelling, tag or digest: the
// frontend the builder has built in. Any other image would have to run as a frontend.
const BUILTIN_FRONTEND = /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?docker\/dockerfile(?:-upstream)?(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/;

/** Why `# syntax=<value>` cannot be built here, or null when it is the built-in frontend. */
export function frontendProblem(value: string): string | null {
  if (BUILTIN_FRONTEND.test(value.trim())) return null;
  return `the syntax directive names the frontend "${value}": this builder has only the docker/dockerfile frontend built in and cannot run other frontends; remove the line or use # syntax=docker/dockerfile:1`;
}

/** The `# syntax=` refusal of a file, if any. */
export function directiveRefusals(directives: readonly Directive[]): Refusal[] {
  const syntax = directives.find((d) => d.name === 'syntax');
  const problem = syntax ? frontendProblem(syntax.value) : null;
  return syntax && problem ? [{ range: syntax.valueRange, message: problem }] : [];
}

export const INSECURE_MESSAGE = 'RUN --security=insecure is not allowed: the engine runs build steps confined unless it was started with --allow-insecure-entitlement security.insecure';

/**
 * Flags of one instruction the builder refuses: RUN --device (CDI devices), RUN --security=insecure
 * (unless the engine allows it; the linter cannot know, so it warns at error level as Docker's own
 * default does).
 */
export function flagRefusals(ins: Instruction, insecureAllowed = false): Refusal[] {
  const out: Refusal[] = [];
  for (const f of ins.flags) {
    const name = f.name.toLowerCase();
    if (ins.keyword === 'RUN' && name === 'device') {
      out.push({ range: f.range, message: 'RUN --device is not supported by this builder (no CDI devices in build steps)' });
    } else if (ins.keyword === 'RUN' && name === 'security' && f.value === 'insecure' && !insecureAllowed) {
      out.push({ range: f.range, message: INSECURE_MESSAGE });
    }
  }
  return out;
}
