// "Ignore on this line": the edit that puts `# hadolint ignore=ID` on the line above the
// instruction a finding is in, or adds ID to such a comment that is already there.
//
// The pragma names the rule by its Berth id. For BuildKit checks that id is the check name
// (`FromAsCasing`), which Berth honours in the pragma because ids and aliases are one
// namespace; hadolint itself skips such a pragma (its rule names are DL/SC codes only) and
// BuildKit does not read hadolint pragmas, so for BuildKit checks `skipCheckFix` also offers
// the file-wide `# check=skip=Name` directive that `docker build --check` honours too.
import type { DockerfileAst, Instruction } from '../syntax/ast';
import { buildkitCheckNames, findRule } from './catalogue';
import { fix, insert, replace } from './define';
import { parsePragma } from './suppression';
import type { Finding, Fix } from './types';

/** The top-level instruction whose lines contain `line`. */
function instructionAt(ast: DockerfileAst, line: number): Instruction | undefined {
  let lo = 0;
  let hi = ast.instructions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const i = ast.instructions[mid];
    if (line < i.startLine) hi = mid - 1;
    else if (line > i.endLine) lo = mid + 1;
    else return i;
  }
  return undefined;
}

/** The fix that suppresses `finding` on its instruction, or null when it is not inside one. */
export function ignoreFix(ast: DockerfileAst, finding: Finding): Fix | null {
  const instr = instructionAt(ast, finding.range.start.line);
  if (!instr) return null;
  const id = finding.ruleId;
  const above = instr.startLine - 1;
  const comment = ast.comments.find((c) => c.range.start.line === above);
  const pragma = comment ? parsePragma(comment.text) : null;
  if (comment && pragma && pragma.scope === 'next') {
    if (pragma.names.includes(id)) return null;
    // Extend the list in place: after the last name, before any trailing `# reason`.
    const line = ast.lines[above];
    const m = /ignore\s*=\s*[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*/.exec(line);
    if (m) {
      const at = { line: above, character: m.index + m[0].length };
      return fix(`Ignore ${id} for this instruction`, [insert(at, `,${id}`)]);
    }
  }
  const indent = (ast.lines[instr.startLine] ?? '').match(/^[ \t]*/)![0];
  return fix(`Ignore ${id} for this instruction`, [insert({ line: instr.startLine, character: 0 }, `${indent}# hadolint ignore=${id}\n`)]);
}

/** For BuildKit checks: add the check name to `# check=skip=` at the top of the file. */
export function skipCheckFix(ast: DockerfileAst, finding: Finding): Fix | null {
  const rule = findRule(finding.ruleId);
  if (!rule) return null;
  const name = [rule.info.id, ...rule.info.aliases].find((n) => buildkitCheckNames.has(n));
  if (!name) return null;
  const title = `Skip ${name} in this file (# check=skip=${name})`;
  const d = ast.directives.find((x) => x.name === 'check');
  if (!d) {
    // Directives must come first: put it above any existing ones' end, i.e. at the very top.
    return fix(title, [insert({ line: 0, character: 0 }, `# check=skip=${name}\n`)]);
  }
  const parts = d.value.split(';');
  const k = parts.findIndex((p) => /^\s*skip\s*=/i.test(p));
  if (k !== -1) {
    const list = parts[k].slice(parts[k].indexOf('=') + 1).split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.includes(name) || list.includes('all')) return null;
    parts[k] = `skip=${[...list, name].join(',')}`;
  } else {
    parts.unshift(`skip=${name}`);
  }
  return fix(title, [replace(d.valueRange, parts.map((p) => p.trim()).filter((p) => p !== '').join(';'))]);
}

/** Every suppression fix for a finding: the line pragma, and the check directive for BuildKit checks. */
export function ignoreFixes(ast: DockerfileAst, finding: Finding): Fix[] {
  return [ignoreFix(ast, finding), skipCheckFix(ast, finding)].filter((f): f is Fix => f !== null);
}
