// The shared corpus of real-world Dockerfiles (../shared/corpus/dockerfiles beside the repository)
// for crash tests. It is not part of the repository, so a clone elsewhere may not have it: tests
// that use it skip with a message then, and keep their own fixtures for what they must prove.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const candidates = [
  process.env.BERTH_DOCKERFILE_CORPUS,
  path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'dockerfiles'),
  '/work/shared/corpus/dockerfiles',
].filter((d): d is string => !!d);

/** The corpus folder, or undefined with the places looked at in `corpusSearched`. */
export const corpusDir: string | undefined = candidates.find((d) => existsSync(d));
export const corpusSearched = candidates.join(', ');
