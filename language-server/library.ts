// The Dockerfile library (dockerfile/) as the server's dependencies: parser, linter, ShellCheck
// runner, the "ignore on this line" fix, the rule catalogue and the .hadolint.yaml reader.
import { buildkitCheckNames, ruleInfos } from '../dockerfile/lint/catalogue';
import { lint } from '../dockerfile/lint/linter';
import { parseDockerfile } from '../dockerfile/syntax/parser';
import type { CompletionInputs } from './features/completion';
import type { ServerDeps } from './server';

/** Every id and alias, for `# hadolint ignore=`; BuildKit's names also for `# check=skip=`. */
function ruleNames(): CompletionInputs['ruleNames'] {
  const out: { name: string; title: string; buildkit: boolean }[] = [];
  const seen = new Set<string>();
  for (const r of ruleInfos) {
    for (const name of [r.id, ...r.aliases]) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push({ name, title: r.title, buildkit: buildkitCheckNames.has(name) });
    }
  }
  return out;
}

export function dockerfileLibrary(): ServerDeps {
  return {
    parse: parseDockerfile,
    linters: {
      lint: (ast, options, onRuleError) => lint(ast, { ...options, onRuleError }),
      // Pending: dockerfile/lint/shellcheck.ts (being written); until then no ShellCheck findings.
      shellcheck: async () => [],
    },
    // Pending: the linter's "ignore on this line" fix.
    ignoreFix: () => null,
    ruleNames: ruleNames(),
    // Pending: the linter's .hadolint.yaml reader.
    parseHadolintConfig: () => ({ config: {}, problems: [] }),
  };
}
