import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { DockerfileAst } from '../../dockerfile/syntax/ast';
import { parseDockerfile } from '../../dockerfile/syntax/parser';
import { DocumentStore } from '../../language-server/documents';
import { COMPOSE_LANGUAGE_ID } from '../../language-server/protocol';

type Handler = (e: unknown) => void;

/** The notifications TextDocuments listens to, fired by the test. */
function fakeConnection() {
  const handlers = new Map<string, Handler>();
  const on = (name: string) => (h: Handler) => {
    handlers.set(name, h);
    return { dispose: () => handlers.delete(name) };
  };
  return {
    connection: {
      onDidOpenTextDocument: on('open'), onDidChangeTextDocument: on('change'), onDidCloseTextDocument: on('close'),
      onWillSaveTextDocument: on('willSave'), onWillSaveTextDocumentWaitUntil: on('willSaveWaitUntil'), onDidSaveTextDocument: on('save'),
    },
    open: (uri: string, text: string, languageId = 'dockerfile') => handlers.get('open')!({ textDocument: { uri, languageId, version: 1, text } }),
    change: (uri: string, version: number, text: string) => handlers.get('change')!({ textDocument: { uri, version }, contentChanges: [{ text }] }),
    close: (uri: string) => handlers.get('close')!({ textDocument: { uri } }),
  };
}

function store(treesKept: number) {
  const parses: string[] = [];
  const s = new DocumentStore((text): DockerfileAst => {
    parses.push(text);
    return parseDockerfile(text);
  }, treesKept);
  const c = fakeConnection();
  // Only the handlers above are used by TextDocuments.listen.
  s.documents.listen(c.connection as unknown as Parameters<typeof s.documents.listen>[0]);
  return { s, c, parses };
}

test('a version is parsed once while its tree is kept; an edit parses the new version', () => {
  const { s, c, parses } = store(2);
  c.open('file:///a/Dockerfile', 'FROM a\n');
  const first = s.get('file:///a/Dockerfile')!;
  assert.equal(s.get('file:///a/Dockerfile'), first);
  assert.equal(parses.length, 1);
  c.change('file:///a/Dockerfile', 2, 'FROM b\n');
  const second = s.get('file:///a/Dockerfile')!;
  assert.equal(second.version, 2);
  assert.equal(second.ast.stages[0].base?.value, 'b');
  assert.equal(parses.length, 2);
});

test('only the trees of the documents used last are kept; an older one is parsed again when asked for', () => {
  const { s, c, parses } = store(2);
  for (const n of ['a', 'b', 'c']) c.open(`file:///${n}/Dockerfile`, `FROM ${n}\n`);
  const a = s.get('file:///a/Dockerfile')!;
  s.get('file:///b/Dockerfile');
  s.get('file:///a/Dockerfile'); // a is used again: b is now the oldest
  s.get('file:///c/Dockerfile'); // b's tree goes
  assert.equal(parses.length, 3);
  assert.equal(s.get('file:///a/Dockerfile'), a, 'a was used lately: the same tree');
  const b = s.get('file:///b/Dockerfile')!;
  assert.equal(parses.length, 4, 'b is parsed again');
  assert.equal(b.ast.stages[0].base?.value, 'b');
  assert.equal(b.version, 1);
});

test('a closed document has no tree and a Compose file is not parsed as a Dockerfile', () => {
  const { s, c, parses } = store(4);
  c.open('file:///a/Dockerfile', 'FROM a\n');
  s.get('file:///a/Dockerfile');
  c.close('file:///a/Dockerfile');
  assert.equal(s.get('file:///a/Dockerfile'), undefined);
  c.open('file:///a/compose.yaml', 'services: {}\n', COMPOSE_LANGUAGE_ID);
  assert.equal(s.get('file:///a/compose.yaml'), undefined);
  assert.deepEqual(s.all().map((d) => d.uri), []);
  assert.equal(parses.length, 1);
});
