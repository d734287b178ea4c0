import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { isDockerfileDocument, isDockerfileName } from '../../extension/dockerfile-names.js';
import { DockerfileLanguageClient } from '../../extension/language-client.js';
import { messages, workspace } from './fake-vscode.js';

const log = { warn: () => undefined, error: () => undefined, info: () => undefined, show: () => undefined } as unknown as vscode.LogOutputChannel;

test('Dockerfiles by name, whatever VS Code calls their language', () => {
  for (const name of ['Dockerfile', 'Containerfile', 'Dockerfile.dev', 'api.dockerfile', 'web.Dockerfile', 'x.containerfile']) {
    assert.equal(isDockerfileName(`/w/${name}`), true, name);
  }
  for (const name of ['Dockerfile-notes.md', 'dockerfile.ts', 'README.md']) assert.equal(isDockerfileName(`/w/${name}`), false, name);
  assert.equal(isDockerfileDocument({ languageId: 'dockerfile', fileName: '/w/build.txt', uri: { scheme: 'untitled' } }), true);
  assert.equal(isDockerfileDocument({ languageId: 'plaintext', fileName: '/w/Dockerfile', uri: { scheme: 'file' } }), true);
  assert.equal(isDockerfileDocument({ languageId: 'plaintext', fileName: '/w/Dockerfile', uri: { scheme: 'git' } }), false);
});

test('without dist/language-server.js the client says so once, and nothing throws', async () => {
  const extensionPath = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lc-'));
  const docs = (workspace as unknown as { textDocuments: unknown[] }).textDocuments;
  docs.push({ languageId: 'dockerfile', fileName: path.join(extensionPath, 'Dockerfile'), uri: { scheme: 'file' } });
  const before = messages.length;
  const client = new DockerfileLanguageClient(extensionPath, log);
  try {
    client.startForDockerfiles();
    await client.start();
    await client.stop();
    // Started again (a reload of the engine connection, a second Dockerfile): still one message.
    await client.start();
    await client.setImageNames(['busybox:latest']);
    const missing = messages.slice(before).filter((m) => /language server is missing/.test(m.text));
    assert.equal(missing.length, 1, JSON.stringify(messages.slice(before)));
    assert.equal(missing[0].level, 'warning');
    assert.match(missing[0].text, /dist\/language-server\.js/);
  } finally {
    docs.splice(0);
    await client.stop();
  }
});
