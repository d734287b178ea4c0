// The one build context packer (berth-compose builds, the extension's Build Image) against what the
// docker CLI sends. The expected lists were taken from Docker 20.10 (`DOCKER_BUILDKIT=0 docker
// build` of `FROM scratch` + `COPY . /` over the same folder, then `docker export`).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as tar from 'tar-stream';
import { packContext } from '../../compose/runner/build-context';

const made: string[] = [];
after(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

function folder(files: string[], dockerignore: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctx-'));
  made.push(dir);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), f);
  }
  fs.writeFileSync(path.join(dir, '.dockerignore'), dockerignore);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
  return dir;
}

async function packedFiles(dir: string, dockerfile = path.join(dir, 'Dockerfile')): Promise<string[]> {
  const packed = packContext({ dir, dockerfile });
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    if (header.type === 'file') names.push(header.name);
    stream.resume();
    stream.on('end', next);
  });
  const finished = new Promise<void>((resolve, reject) => { extract.on('finish', () => resolve()); extract.on('error', reject); });
  packed.stream.pipe(extract);
  await Promise.all([finished, packed.done]);
  return names.sort();
}

test('a .dockerignore read as the docker CLI reads it', async () => {
  const dir = folder(
    ['# x', 'a.log', 'keep.log', 'abs/f', 'dir/sub/ok.txt', 'dir/sub/no.txt', 'dir/top.txt', 'dot/x', 'dot/y', 'b',
      'spaced.txt', 'q/r/deep.tmp', 'deep.tmp', 'a.txt', 'c.txt', '#hash', 'other.txt', 'x y'],
    '# comment\n  # x\n*.log\n!keep.log\n/abs/\ndir/**\n!dir/sub/ok.txt\n./dot/x\na/../b\n spaced.txt \n**/deep.tmp\n[ab].txt\n\\#hash\n',
  );
  // `  # x` is a pattern (only a `#` in column 0 starts a comment), so the file `# x` stays out;
  // the @balena/dockerignore readers this replaced kept it.
  assert.deepEqual(await packedFiles(dir), ['.dockerignore', 'Dockerfile', 'c.txt', 'dir/sub/ok.txt', 'dot/y', 'keep.log', 'other.txt', 'x y']);
});

test('the Dockerfile and .dockerignore go in even when excluded; a Dockerfile outside the context too', async () => {
  const dir = folder(['src/app.js', 'notes.md'], '*\n!src\n');
  assert.deepEqual(await packedFiles(dir), ['.dockerignore', 'Dockerfile', 'src/app.js']);
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctx-'));
  made.push(outside);
  fs.writeFileSync(path.join(outside, 'Build.df'), 'FROM scratch\n');
  const packed = packContext({ dir, dockerfile: path.join(outside, 'Build.df') });
  packed.stream.resume();
  await packed.done;
  assert.match(packed.dockerfileInTar, /^\.berth-dockerfile-/);
});

test('a .dockerignore Docker refuses is refused naming the line, before anything is sent', () => {
  const dir = folder(['a'], 'ok\n[abc\n');
  assert.throws(() => packContext({ dir, dockerfile: path.join(dir, 'Dockerfile') }), /\.dockerignore:2: syntax error in pattern/);
  const bang = folder(['a'], '!\n');
  assert.throws(() => packContext({ dir: bang, dockerfile: path.join(bang, 'Dockerfile') }), /\.dockerignore:1: illegal exclusion pattern/);
});
