// The `# check=` parser directive: BuildKit runs its build checks and, with `error=true`, fails the
// build on a violation. A Dockerfile with the directive gets the same checks here, from the linter
// the editor runs (dockerfile/lint), so the build and the editor agree; `skip=` applies there.
// Without the directive nothing is checked, as with Docker Engine's legacy builder.
// The linter (its rule catalogue is a fifth of the daemon's code) is loaded on the first build that
// asks for checks, not at start: the idle daemon stays smaller.
import { readCheckDirective } from '../../dockerfile/lint/suppression.js';
import type { DockerfileAst } from '../../dockerfile/syntax/ast.js';
import { InvalidError } from '../errdefs.js';

/** Warning lines for the build output; throws when the directive asks violations to fail the build. */
export async function runBuildChecks(ast: DockerfileAst, dockerfileName: string): Promise<string[]> {
  const directive = readCheckDirective(ast);
  if (!directive) return [];
  if (directive.problem) {
    throw new InvalidError(`Dockerfile parse error on line ${directive.range.start.line + 1}: ${directive.problem}`);
  }
  const [{ buildkitCheckNames, isBuildkitCheck, rules }, { lint }] = await Promise.all([
    import('../../dockerfile/lint/catalogue.js'), import('../../dockerfile/lint/linter.js'),
  ]);
  const CHECKS = new Map(rules.filter(isBuildkitCheck).map((r) => [r.info.id, r.info]));
  const checkName = (ruleId: string): string => {
    const info = CHECKS.get(ruleId);
    return info ? [info.id, ...info.aliases].find((n) => buildkitCheckNames.has(n)) ?? info.id : ruleId;
  };
  const findings = lint(ast).filter((f) => CHECKS.has(f.ruleId));
  const lines = findings.map((f) => `${checkName(f.ruleId)}: ${f.message} (${dockerfileName} line ${f.range.start.line + 1})`);
  if (findings.length && directive.error) {
    const names = [...new Set(findings.map((f) => checkName(f.ruleId)))];
    throw new InvalidError(`lint violation found for rules: ${names.join(', ')}\n${lines.join('\n')}`);
  }
  return lines.map((l) => `[Warning] ${l}\n`);
}
