// ENV, ARG and LABEL definitions: secrets in build arguments, self references, the legacy
// `key value` form.
import type { Instruction } from '../../syntax/ast';
import { defineRule, fix, replace } from '../define';
import { pairsOf, type Pair } from '../views';

const knownSecrets = new Set([
  'ACCESS_TOKEN', 'APPLICATION_KEY', 'APP_SECRET', 'AUTH_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'BITTREX_API_KEY', 'BITTREX_API_SECRET', 'CF_PASSWORD', 'CF_USERNAME', 'CIRCLE_TOKEN', 'CI_DEPLOY_PASSWORD',
  'CI_DEPLOY_USER', 'DOCKERHUB_PASSWORD', 'DOCKER_EMAIL', 'DOCKER_PASSWORD', 'DOCKER_USERNAME', 'FACEBOOK_ACCESS_TOKEN',
  'FACEBOOK_APP_ID', 'FACEBOOK_APP_SECRET', 'FIREBASE_API_TOKEN', 'FIREBASE_TOKEN', 'FOSSA_API_KEY', 'GH_ENTERPRISE_TOKEN',
  'GH_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'GITHUB_TOKEN', 'HEROKU_API_KEY', 'HEROKU_API_USER', 'NPM_AUTH_TOKEN', 'NPM_TOKEN',
  'OKTA_AUTHN_GROUPID', 'OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN', 'OKTA_OAUTH2_CLIENTID', 'OKTA_OAUTH2_CLIENTSECRET',
  'OPENAI_API_KEY', 'OS_PASSWORD', 'OS_USERNAME', 'POSTGRES_PASSWORD', 'SLACK_TOKEN', 'STRIPE_API_KEY', 'VAULT_CLIENT_KEY', 'VAULT_TOKEN',
]);
const suspiciousParts = ['api_key', 'client_key', 'password', 'private', 'secret', 'token'];
const buildkitSecret = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const buildkitAllowed = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/** hadolint's list and substrings together with BuildKit's word pattern; BuildKit's allow-list wins. */
export function looksSecret(name: string): boolean {
  if (buildkitAllowed.test(name)) return false;
  if (knownSecrets.has(name.toUpperCase())) return true;
  const lower = name.toLowerCase();
  return suspiciousParts.some((p) => lower.includes(p)) || buildkitSecret.test(name);
}

// Public-key material: official images put the OpenPGP fingerprints they verify downloads with in
// ENV (GPG_KEY, RABBITMQ_PGP_KEY_ID, OPENSSL_PGP_KEY_IDS …). A fingerprint is public by design, and
// a check that flags every official image gets turned off, so these stay quiet.
const keyringWords = /(?:_|^)(?:gpg|pgp|gnupg|openpgp)(?:_|$)/i;
const keyIdWords = /(?:_|^)(?:key|keys|keyid|keyids|key_id|key_ids|fingerprint|fingerprints)(?:_|$)/i;
const idWords = /(?:_|^)(?:keyid|keyids|key_id|key_ids|fingerprint|fingerprints)(?:_|$)/i;
const secretWords = /(?:_|^)(?:private|secret|secrets|passphrase|password|passwd|pass|token|auth|credential|credentials)(?:_|$)/i;
/** `0x` + 8, 16, 40 or 64 hex digits: a short or long key id, or a v4 or v5 fingerprint, as GnuPG writes them. */
const gnupgKeyId = /^0x(?:[0-9a-f]{8}|[0-9a-f]{16}|[0-9a-f]{40}|[0-9a-f]{64})$/i;
const fingerprint = /^(?:0x)?(?:[0-9a-f]{16}|[0-9a-f]{40}|[0-9a-f]{64})$/i;

function allTokens(value: string, test: RegExp): boolean {
  const tokens = value.split(/[\s,;]+/).filter((t) => t !== '');
  return tokens.length > 0 && tokens.every((t) => test.test(t));
}

/** True for a variable holding public-key identifiers (OpenPGP fingerprints or key ids), by its name
 *  (GPG_KEY, *_PGP_KEY_IDS) or, for other key-like names, by a value that is nothing but key ids.
 *  A name with a secret word (PRIVATE, PASSPHRASE …) or a value holding a private key never is. */
export function isPublicKeyMaterial(name: string, value: string): boolean {
  if (secretWords.test(name) || /PRIVATE KEY/i.test(value)) return false;
  if (keyringWords.test(name) && keyIdWords.test(name)) return true;
  if (value === '') return false;
  // Other names: 0x-prefixed ids anywhere; bare hex only where the name says it is an id or fingerprint.
  return allTokens(value, gnupgKeyId) || (idWords.test(name) && allTokens(value, fingerprint));
}

export const DL3064 = defineRule({
  id: 'DL3064',
  aliases: ['SecretsUsedInArgOrEnv'],
  origin: 'hadolint',
  severity: 'warning',
  title: 'Do not put secrets in ARG or ENV',
  message: 'Potentially sensitive data should not be used in ARG or ENV',
  doc: {
    what: 'An ARG or ENV name looks like a secret: a known name (`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY` …), one containing `password`, `secret`, `token`, `api_key`, `private`, or a word like `KEY`, `AUTH`, `CREDENTIALS` between underscores. Names with `PUBLIC`, `FILE` or `VERSION` as a word are left alone. Public-key material is left alone too, where hadolint and BuildKit flag it: OpenPGP key ids and fingerprints, recognised by name (`GPG_KEY`, `RABBITMQ_PGP_KEY_ID`, `OPENSSL_PGP_KEY_IDS`: a `GPG`/`PGP` word with a `KEY`/`KEY_ID`/`FINGERPRINT` word) or by value (nothing but `0x`-prefixed key ids, or bare 16/40/64-digit hex fingerprints in a `*_KEY_ID`/`*_FINGERPRINT` variable) — unless the name also says `PRIVATE`, `SECRET`, `PASSPHRASE`, `PASSWORD`, `TOKEN` or `AUTH`, or the value holds a private key block. Official images verify their downloads with such fingerprints in ENV; they are public by design. BuildKit calls this check SecretsUsedInArgOrEnv.',
    why: 'Build arguments and environment variables are stored in the image history and config, readable by anyone who can pull the image. Use a build secret (`RUN --mount=type=secret`) instead.',
    bad: 'FROM node:22\nARG NPM_TOKEN\nRUN npm ci\n',
    good: 'FROM node:22\nRUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci\n',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      const e = i.keyword === 'ARG' || i.keyword === 'ENV' ? i : i.onbuild && (i.onbuild.keyword === 'ARG' || i.onbuild.keyword === 'ENV') ? i.onbuild : null;
      if (!e) continue;
      for (const p of pairsOf(e)) {
        if (looksSecret(p.key) && !isPublicKeyMaterial(p.key, p.value)) {
          ctx.report(self, p.keyRange, `Do not use ${e.keyword} for sensitive data ("${p.key}"): its value is stored in the image; use a build secret (RUN --mount=type=secret)`);
        }
      }
    }
  },
});

/** `$name` or `${name…}` in `text`, the name not continued by more name characters. */
function references(text: string, name: string): boolean {
  const re = new RegExp(`\\$(?:\\{${name}(?![A-Za-z0-9_])|${name}(?![A-Za-z0-9_]))`);
  return re.test(text);
}

export const DL3044 = defineRule({
  id: 'DL3044',
  origin: 'hadolint',
  severity: 'error',
  title: 'Do not refer to a variable in the ENV that defines it',
  message: 'Do not refer to an environment variable within the same ENV statement where it is defined',
  doc: {
    what: 'One ENV instruction defines a variable and uses it in another pair of the same instruction, while it was not defined before.',
    why: 'All pairs of one ENV are expanded with the values from before the instruction, so the reference is empty (or the old value), not the new one.',
    bad: 'FROM debian:12\nENV APP_HOME=/app APP_BIN=$APP_HOME/bin\n',
    good: 'FROM debian:12\nENV APP_HOME=/app\nENV APP_BIN=$APP_HOME/bin\n',
  },
  check(ctx, self) {
    const defined = new Set<string>();
    for (const i of ctx.ast.instructions) {
      if (i.keyword === 'ARG') { for (const p of pairsOf(i)) defined.add(p.key); continue; }
      if (i.keyword !== 'ENV') continue;
      const pairs = pairsOf(i);
      for (let k = 0; k < pairs.length; k++) {
        const name = pairs[k].key;
        if (defined.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
        const user = pairs.find((p, j) => j !== k && p.rawValue !== null && references(p.rawValue, name));
        if (user) ctx.report(self, user.range, `"${user.key}" uses $${name}, which this same ENV defines: split it into two ENV instructions`);
      }
      for (const p of pairs) defined.add(p.key);
    }
  },
});

function legacyFix(instr: Instruction, p: Pair) {
  const raw = p.rawValue ?? '';
  const single = instr.words.length === 2;
  const value = raw === '' ? '""' : single ? raw : `"${p.value.replace(/(["\\])/g, '\\$1')}"`;
  return fix(`Change to ${instr.keyword} ${p.key}=${value.length > 30 ? value.slice(0, 27) + '…' : value}`, [replace(p.range, `${p.key}=${value}`)], true);
}

export const LegacyKeyValueFormat = defineRule({
  id: 'LegacyKeyValueFormat',
  origin: 'buildkit',
  severity: 'warning',
  title: 'Use key=value in ENV and LABEL',
  message: 'The "ENV key value" form is deprecated: use ENV key=value',
  doc: {
    what: 'ENV or LABEL in the old whitespace form (`ENV PORT 8080`).',
    why: 'The whitespace form can set only one variable and its value is the whole rest of the line, quotes and all, which surprises; BuildKit deprecates it.',
    bad: 'FROM node:22\nENV PORT 8080\n',
    good: 'FROM node:22\nENV PORT=8080\n',
    fix: 'Rewrites it as `key=value`, quoting the value when it has spaces.',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      const e = i.keyword === 'ENV' || i.keyword === 'LABEL' ? i : i.onbuild && (i.onbuild.keyword === 'ENV' || i.onbuild.keyword === 'LABEL') ? i.onbuild : null;
      if (!e) continue;
      const pairs = pairsOf(e);
      if (pairs.length !== 1 || !pairs[0].legacy || e.words.length < 2) continue;
      const p = pairs[0];
      const fixes = p.range.start.line === p.range.end.line ? [legacyFix(e, p)] : [];
      ctx.report(self, e.argsRange ?? e.range, `"${e.keyword} key=value" should be used instead of the legacy "${e.keyword} key value" format`, fixes);
    }
  },
});

export const envArgRules = [DL3064, DL3044, LegacyKeyValueFormat];
