// Crash test: every Dockerfile of the shared corpus (and mutated copies of them) parses without
// throwing, every range lies inside the document, and views and scopes can be computed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveScopes } from '../../../dockerfile/expansion/scope.js';
import type { DockerfileAst, Instruction, Range } from '../../../dockerfile/syntax/ast.js';
import { viewInstruction } from '../../../dockerfile/syntax/instructions.js';
import { parseDockerfile } from '../../../dockerfile/syntax/parser.js';
import { corpusDir, corpusSearched } from '../../helpers/dockerfile-corpus.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const dir = corpusDir;
const corpus = dir
  ? fs.readdirSync(dir).sort().map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }))
  : [];

function rangesOf(ast: DockerfileAst): [string, Range][] {
  const out: [string, Range][] = [];
  const ins = (i: Instruction, where: string): void => {
    out.push([`${where} range`, i.range], [`${where} keyword`, i.keywordToken.range]);
    if (i.argsRange) out.push([`${where} args`, i.argsRange]);
    for (const f of i.flags) {
      out.push([`${where} flag`, f.range], [`${where} flag name`, f.nameRange]);
      if (f.valueRange) out.push([`${where} flag value`, f.valueRange]);
    }
    for (const w of i.words) out.push([`${where} word`, w.range]);
    if (i.json) {
      out.push([`${where} json`, i.json.range]);
      for (const jr of i.json.ranges) out.push([`${where} json string`, jr]);
    }
    for (const h of i.heredocs) {
      out.push([`${where} heredoc marker`, h.markerRange], [`${where} heredoc content`, h.contentRange]);
      if (h.terminatorRange) out.push([`${where} heredoc terminator`, h.terminatorRange]);
    }
    if (i.onbuild) ins(i.onbuild, `${where} onbuild`);
    const v = viewInstruction(i);
    for (const e of v.errors) out.push([`${where} view error`, e.range]);
  };
  ast.instructions.forEach((i, n) => ins(i, `instruction ${n}`));
  for (const d of ast.directives) out.push(['directive', d.range], ['directive name', d.nameRange], ['directive value', d.valueRange]);
  for (const c of ast.comments) out.push(['comment', c.range]);
  for (const s of ast.stages) {
    out.push(['stage', s.range]);
    if (s.name) out.push(['stage name', s.name.range]);
    if (s.base) out.push(['stage base', s.base.range]);
  }
  for (const e of ast.errors) out.push([`error ${e.code}`, e.range]);
  return out;
}

function checkInside(ast: DockerfileAst, label: string): void {
  const lines = ast.lines;
  for (const [what, r] of rangesOf(ast)) {
    for (const p of [r.start, r.end]) {
      const ok = p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
      if (!ok) assert.fail(`${label}: ${what} ${JSON.stringify(r)} lies outside the document`);
    }
    const ordered = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
    if (!ordered) assert.fail(`${label}: ${what} ${JSON.stringify(r)} ends before it starts`);
  }
}

test('the corpus is there (set BERTH_DOCKERFILE_CORPUS to point elsewhere)', { skip: corpusDir ? false : `the shared Dockerfile corpus is not beside this clone (looked in ${corpusSearched})` }, () => {
  assert.ok(corpus.length > 0, `no Dockerfiles in ${corpusDir}`);
});

test('every corpus Dockerfile parses with ranges inside the document and no builder errors', () => {
  for (const { name, text } of corpus) {
    const ast = parseDockerfile(text);
    checkInside(ast, name);
    resolveScopes(ast);
    assert.ok(ast.instructions.length > 0, name);
    assert.deepEqual(ast.errors.map((e) => e.message), [], name);
  }
});

const NASTY = ['\\', '\\\n', '`', '"', "'", '<<EOF', '<<-"X"\n', '\n', '\r', '\r\n', '[', ']', '${', '}', '--', '--mount=', '#', ' ', '\t', '\uFEFF', '😀', '=', 'ONBUILD ', 'FROM ', '\n\\\n'];

test('mutated corpus files never throw and keep their ranges inside the document', () => {
  const rand = seededRandom(20240611);
  let inputs = 0;
  for (const { name, text } of corpus) {
    for (let k = 0; k < 4; k++) {
      let t = text;
      const edits = 1 + Math.floor(rand() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (t.length + 1));
        const choice = rand();
        if (choice < 0.4) t = t.slice(0, at) + NASTY[Math.floor(rand() * NASTY.length)] + t.slice(at);
        else if (choice < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 20));
        else if (choice < 0.85) t = t.slice(0, at);
        else t = t.slice(at) + t.slice(0, at);
      }
      const label = `${name} mutation ${k}`;
      const ast = parseDockerfile(t);
      checkInside(ast, label);
      resolveScopes(ast, { buildArgs: { X: '1' } });
      inputs++;
    }
  }
  assert.equal(inputs, corpus.length * 4);
});
