// The extension and the language server each keep a copy of Berth's LSP additions (neither part may
// import the other). These tests keep the two copies saying the same thing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as client from '../../extension/language-protocol';
import * as server from '../../language-server/protocol';

const repo = path.resolve(__dirname, '..', '..');

/** The exported interfaces of a file, whitespace and comments normalised away, by name. */
function interfaces(file: string): Map<string, string> {
  const text = fs.readFileSync(path.join(repo, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  const out = new Map<string, string>();
  const re = /export interface (\w+)\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = re.lastIndex;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    out.set(m[1], text.slice(re.lastIndex, i - 1).replace(/\s+/g, ' ').trim());
  }
  return out;
}

test('both sides export the same constants with the same values', () => {
  const constants = (mod: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(mod).filter(([, v]) => typeof v === 'string' || typeof v === 'number'));
  const c = constants(client as Record<string, unknown>);
  assert.ok(Object.keys(c).length >= 2, 'the extension protocol exports its constants');
  assert.deepEqual(constants(server as Record<string, unknown>), c);
});

test('both sides declare the same interfaces, field for field', () => {
  const c = interfaces('extension/language-protocol.ts');
  const s = interfaces('language-server/protocol.ts');
  assert.ok(c.size >= 2, 'the extension protocol declares its interfaces');
  assert.deepEqual([...s.keys()].sort(), [...c.keys()].sort());
  for (const [name, body] of c) assert.equal(s.get(name), body, `interface ${name} differs`);
});
