// Compose projects on disk for the compose-*.test.ts files, opened in a test client as `dockercompose`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { tempDir } from '../helpers/temp-dir';
import type { LspClient } from './lsp-client';

/** A temporary folder with `files` written into it (paths relative to it), removed when the process exits. */
export function project(files: Record<string, string>): string {
  const dir = tempDir('berth-compose-lsp-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function uriOf(dir: string, name: string): string {
  return pathToFileURL(path.join(dir, name)).href;
}

/** Opens `text` (or the file's content) as a Compose file; resolves with its first diagnostics. */
export function openCompose(client: LspClient, uri: string, text: string): Promise<PublishDiagnosticsParams> {
  return client.open(uri, text, 'dockercompose');
}

/** The position of the `n`th occurrence of `needle` in `text` (plus `offset` characters). */
export function posOf(text: string, needle: string, offset = 0, n = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, i + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** The text a range covers. */
export function textAt(text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}
