import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { isDockerfileDocument, isDockerfileName } from '../../extension/dockerfile-names.js';
import { BaseImageResolver } from '../../extension/engine/base-image-facts.js';
import { DOCUMENT_SELECTOR, DockerfileLanguageClient, isServedDocument } from '../../extension/language-client.js';
import { messages, workspace } from './fake-vscode.js';
import { tempDir } from '../helpers/temp-dir.js';

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
  const extensionPath = tempDir('berth-lc-');
  const docs = (workspace as unknown as { textDocuments: unknown[] }).textDocuments;
  docs.push({ languageId: 'dockerfile', fileName: path.join(extensionPath, 'Dockerfile'), uri: { scheme: 'file' } });
  const before = messages.length;
  const client = new DockerfileLanguageClient(extensionPath, log, new BaseImageResolver(() => undefined));
  try {
    client.startOnFirstDocument();
    await client.start();
    await client.stop();
    // Started again (a reload of the engine connection, a second Dockerfile): still one message.
    await client.start();
    await client.setImageNames(['busybox:latest']);
    await client.baseImagesChanged();
    const missing = messages.slice(before).filter((m) => /language server is missing/.test(m.text));
    assert.equal(missing.length, 1, JSON.stringify(messages.slice(before)));
    assert.equal(missing[0].level, 'warning');
    assert.match(missing[0].text, /dist\/language-server\.js/);
  } finally {
    docs.splice(0);
    await client.stop();
  }
});

test('the client serves Compose files (language dockercompose) with the same server', () => {
  assert.ok(DOCUMENT_SELECTOR.some((s) => 'language' in s && s.language === 'dockercompose'));
  assert.ok(DOCUMENT_SELECTOR.some((s) => 'language' in s && s.language === 'dockerfile'));
  assert.equal(isServedDocument({ languageId: 'dockercompose', fileName: '/w/compose.yaml', uri: { scheme: 'file' } }), true);
  assert.equal(isServedDocument({ languageId: 'dockercompose', fileName: '/w/x.yml', uri: { scheme: 'untitled' } }), true);
  assert.equal(isServedDocument({ languageId: 'yaml', fileName: '/w/config.yaml', uri: { scheme: 'file' } }), false);
});

test('a Compose file open at activation starts the server', async () => {
  const extensionPath = tempDir('berth-lc-');
  const docs = (workspace as unknown as { textDocuments: unknown[] }).textDocuments;
  docs.push({ languageId: 'dockercompose', fileName: path.join(extensionPath, 'compose.yaml'), uri: { scheme: 'file' } });
  const before = messages.length;
  const client = new DockerfileLanguageClient(extensionPath, log, new BaseImageResolver(() => undefined));
  try {
    client.startOnFirstDocument();
    await client.start();
    // No bundle here: the attempt to start is what shows, as the missing-server message.
    assert.equal(messages.slice(before).filter((m) => /language server is missing/.test(m.text)).length, 1);
  } finally {
    docs.splice(0);
    await client.stop();
  }
});

test('package.json contributes the dockercompose language and activates on it', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    activationEvents: string[];
    contributes: { languages: { id: string; aliases?: string[]; filenames?: string[]; filenamePatterns?: string[] }[] };
  };
  assert.ok(pkg.activationEvents.includes('onLanguage:dockercompose'));
  const lang = pkg.contributes.languages.find((l) => l.id === 'dockercompose');
  assert.ok(lang, 'dockercompose is contributed');
  assert.ok(lang.aliases?.includes('Compose'));
  for (const f of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'compose.override.yaml', 'docker-compose.override.yml']) {
    assert.ok(lang.filenames?.includes(f), f);
  }
  for (const p of ['compose.*.yaml', 'compose.*.yml', 'docker-compose.*.yml', 'docker-compose.*.yaml']) assert.ok(lang.filenamePatterns?.includes(p), p);
});
