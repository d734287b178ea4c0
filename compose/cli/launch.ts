// dist/berth-compose.js: starts the berth-compose program (dist/lib/berth-compose-main.js) with V8's
// code cache. The program is a 3.5 MB bundle (dockerode with ssh2 and gRPC, ajv, yaml); compiling it
// took 180-330 ms of every command's start, which the cache brings to 20-35 ms. Node 22 caches by
// itself (module.enableCompileCache); on Node 20 the cache is V8's cachedData kept in the user's own
// cache folder (never a shared /tmp: cached code is code), keyed by the bundle, Node and V8.
// Anything wrong with the cache only costs the compile: the program runs the same.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

const program = path.join(__dirname, 'lib', 'berth-compose-main.js');

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME)
    ? process.env.XDG_CACHE_HOME
    : path.join(os.homedir(), '.cache');
  return path.join(base, 'berth', 'code-cache');
}

function cacheFile(source: string): string {
  const key = createHash('sha256').update(`${program}\0${process.version}\0${process.arch}\0${process.versions.v8}\0`).update(source).digest('hex');
  return path.join(cacheDir(), `berth-compose-${key.slice(0, 32)}.bin`);
}

function readCache(file: string): Buffer | undefined {
  try {
    const st = fs.statSync(file);
    // Only a file this user wrote, in a folder nobody else may write to.
    if (st.uid !== process.getuid?.() || (fs.statSync(path.dirname(file)).mode & 0o022) !== 0) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // A read-only home: every start compiles, as without a cache.
  }
}

function runWithCodeCache(): void {
  const source = fs.readFileSync(program, 'utf8').replace(/^#!.*/, '');
  const file = cacheFile(source);
  const cached = readCache(file);
  const script = new vm.Script(Module.wrap(source), { filename: program, cachedData: cached });
  if (cached === undefined || script.cachedDataRejected) {
    // After the run, so the functions the command compiled on the way are in the cache too.
    process.once('exit', () => writeCache(file, script.createCachedData()));
  }
  const mod = new Module(program, module);
  mod.filename = program;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(program));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(program), mod, program, path.dirname(program));
}

const builtin = (Module as unknown as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (builtin) {
  builtin(cacheDir());
  require(program);
} else {
  runWithCodeCache();
}
