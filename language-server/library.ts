// The Dockerfile library (dockerfile/) as the server's dependencies: parser, linter, ShellCheck's
// scripts and process, the "ignore on this line" fix, the rule catalogue and the .hadolint.yaml reader.
import { buildkitCheckNames, ruleInfos } from '../dockerfile/lint/catalogue';
import { baseImageReferences } from '../dockerfile/lint/base-image';
import { factsOf, releaseFacts } from '../dockerfile/lint/facts';
import { parseHadolintConfig } from '../dockerfile/lint/hadolint-config';
import { ignoreFixes } from '../dockerfile/lint/ignore-fix';
import { lint } from '../dockerfile/lint/linter';
import { shellcheckScripts } from '../dockerfile/lint/shellcheck';
import { locateExecutable, runShellcheckProcess, shellcheckNotFound, ShellcheckUnavailable } from '../dockerfile/lint/shellcheck-process';
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
      shellcheckScripts,
      release: releaseFacts,
      isUnavailable: (e) => e instanceof ShellcheckUnavailable,
      baseImageReferences: (ast, options) => baseImageReferences(factsOf(ast, options.shellParses, options.baseImages).scopes),
    },
    shellcheck: {
      run: (scripts, options) => runShellcheckProcess(scripts, { ...options, lowPriority: true }),
      locate: (executable) => {
        const file = locateExecutable(executable);
        return file ? { path: file } : { error: shellcheckNotFound(executable) };
      },
    },
    ignoreFixes,
    ruleNames: ruleNames(),
    parseHadolintConfig,
  };
}
