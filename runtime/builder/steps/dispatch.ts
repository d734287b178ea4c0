// One instruction of a stage (FROM excluded) to its step handler.
import type { DockerfileAst, Instruction } from '../../../dockerfile/syntax/ast.js';
import { viewInstruction } from '../../../dockerfile/syntax/instructions.js';
import { InvalidError } from '../../errdefs.js';
import {
  argStep, cmdStep, envStep, exposeStep, healthcheckStep, labelStep, maintainerStep, onbuildStep, shellStep, stopsignalStep,
  userStep, volumeStep,
} from './config-steps.js';
import { copyStep } from './copy-step.js';
import { runStep } from './run-step.js';
import type { StepEnv } from './step-env.js';
import { workdirStep } from './workdir-step.js';

/**
 * The instruction as Docker prints it after `Step N/M :`: the logical line as written (keyword,
 * flags and arguments, continuation lines joined, comments inside it dropped), heredoc bodies left out.
 */
export function originalText(lines: readonly string[], ins: Instruction, escape: '\\' | '`'): string {
  const last = ins.heredocs.length ? ins.startLine : ins.argsRange?.end.line ?? ins.startLine;
  const start = ins.keywordToken.range.start;
  let text = '';
  for (let l = ins.startLine; l <= last; l++) {
    let line = l === start.line ? lines[l].slice(start.character) : lines[l];
    if (l !== start.line && /^\s*#/.test(line)) continue;
    if (l !== start.line && line.trim() === '') continue;
    const trimmed = line.replace(/[ \t]+$/, '');
    if (l < last && trimmed.endsWith(escape)) line = trimmed.slice(0, -1);
    text += line;
  }
  return text.replace(/[ \t\r]+$/, '');
}

/** The text after `ONBUILD ` that an image keeps as the trigger. */
export function onbuildExpression(lines: readonly string[], ins: Instruction, escape: '\\' | '`'): string {
  const full = originalText(lines, ins, escape);
  return full.slice(ins.keywordToken.value.length).trim();
}

export async function dispatch(env: StepEnv, ast: Pick<DockerfileAst, 'lines'>, ins: Instruction): Promise<void> {
  const v = viewInstruction(ins);
  if (v.errors.length) throw new InvalidError(`Dockerfile parse error on line ${v.errors[0].range.start.line + 1}: ${v.errors[0].message}`);
  switch (v.keyword) {
    case 'ENV': return envStep(env, v);
    case 'LABEL': return labelStep(env, v);
    case 'MAINTAINER': return maintainerStep(env, v);
    case 'EXPOSE': return exposeStep(env, v);
    case 'USER': return userStep(env, v);
    case 'VOLUME': return volumeStep(env, v);
    case 'STOPSIGNAL': return stopsignalStep(env, v);
    case 'ARG': return argStep(env, v);
    case 'SHELL': return shellStep(env, v);
    case 'CMD':
    case 'ENTRYPOINT': return cmdStep(env, v);
    case 'HEALTHCHECK': return healthcheckStep(env, v);
    case 'ONBUILD': return onbuildStep(env, v, onbuildExpression(ast.lines, ins, env.escape));
    case 'WORKDIR': return workdirStep(env, v);
    case 'RUN': return runStep(env, v);
    case 'COPY':
    case 'ADD': return copyStep(env, v);
    case 'FROM': throw new InvalidError(`Dockerfile parse error on line ${ins.startLine + 1}: FROM starts a new stage here`);
    default: throw new InvalidError(`Dockerfile parse error on line ${ins.startLine + 1}: unknown instruction: ${ins.keyword}`);
  }
}
