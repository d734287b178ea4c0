// A build context folder as the tar stream the engine's build API takes, minus what .dockerignore
// excludes (the Dockerfile and .dockerignore always in, as the docker CLI sends them).
import ignore from '@balena/dockerignore';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export function packBuildContext(dir: string, dockerfile: string): Readable {
  const ignorePath = path.join(dir, '.dockerignore');
  const rules = fs.existsSync(ignorePath)
    ? fs.readFileSync(ignorePath, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    : [];
  const ig = ignore().add(rules);
  const always = new Set([path.posix.normalize(dockerfile.split(path.sep).join('/')), '.dockerignore']);
  const pack = tar.pack();
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const excluded = ig.ignores(r) && !always.has(r);
      const full = path.join(dir, r);
      const st = fs.lstatSync(full);
      if (entry.isDirectory()) {
        // An excluded folder may still hold re-included files ("!dir/keep"), so descend anyway.
        if (!excluded) pack.entry({ name: `${r}/`, type: 'directory', mode: st.mode & 0o7777, mtime: st.mtime });
        walk(r);
      } else if (excluded) {
        continue;
      } else if (entry.isSymbolicLink()) {
        pack.entry({ name: r, type: 'symlink', linkname: fs.readlinkSync(full), mode: st.mode & 0o7777, mtime: st.mtime });
      } else if (entry.isFile()) {
        pack.entry({ name: r, mode: st.mode & 0o7777, mtime: st.mtime, size: st.size }, fs.readFileSync(full));
      }
    }
  };
  walk('');
  pack.finalize();
  return pack as unknown as Readable;
}
