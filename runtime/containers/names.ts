// Container names: what the user may choose, and Docker-style generated ones (adjective_scientist)
// for containers created without a name, unique among the names in use.
import { randomInt } from 'node:crypto';
import { InvalidError } from '../errdefs.js';

export const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const ADJECTIVES = [
  'admiring', 'agitated', 'amazing', 'awesome', 'blissful', 'bold', 'brave', 'busy', 'calm', 'charming', 'clever',
  'compassionate', 'competent', 'cool', 'dazzling', 'determined', 'eager', 'ecstatic', 'elastic', 'elegant', 'epic',
  'festive', 'focused', 'friendly', 'frosty', 'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'happy', 'hopeful',
  'hungry', 'inspiring', 'intelligent', 'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical',
  'modest', 'musing', 'nice', 'nifty', 'nostalgic', 'optimistic', 'peaceful', 'pensive', 'practical', 'quirky',
  'quizzical', 'relaxed', 'reverent', 'romantic', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange',
  'sweet', 'tender', 'thirsty', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'wizardly', 'wonderful', 'youthful', 'zealous', 'zen',
];

const SCIENTISTS = [
  'agnesi', 'archimedes', 'babbage', 'bardeen', 'bell', 'bohr', 'boole', 'cerf', 'curie', 'darwin', 'dijkstra',
  'einstein', 'euclid', 'euler', 'faraday', 'fermat', 'fermi', 'feynman', 'franklin', 'galileo', 'gauss', 'goldberg',
  'goodall', 'hamilton', 'hawking', 'heisenberg', 'hopper', 'hypatia', 'johnson', 'kepler', 'knuth', 'lamarr',
  'leakey', 'liskov', 'lovelace', 'maxwell', 'meitner', 'mendel', 'newton', 'nobel', 'noether', 'pascal', 'pasteur',
  'planck', 'ritchie', 'rubin', 'sammet', 'shannon', 'thompson', 'tesla', 'torvalds', 'turing', 'wilson', 'wozniak', 'yalow',
];

/** "/name" for a requested name, with Docker's rule for the characters. */
export function checkedName(name: string): string {
  if (!NAME_RE.test(name)) throw new InvalidError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return `/${name.replace(/^\//, '')}`;
}

/** A generated "/adjective_scientist" not in `taken`; a number is appended when a pair is in use. */
export function generatedName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const base = `/${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SCIENTISTS[randomInt(SCIENTISTS.length)]}`;
    const name = attempt < 3 ? base : `${base}${randomInt(1000)}`;
    if (!taken(name)) return name;
  }
}
