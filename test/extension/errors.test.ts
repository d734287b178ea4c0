import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineErrorMessage, engineMessage, isNotModified, UserError, userMessage } from '../../extension/errors.js';

/** What dockerode rejects with for an HTTP error reply. */
function dockerodeError(statusCode: number, json: unknown, reason = 'server error'): Error {
  const cause = typeof json === 'object' && json && 'message' in json ? (json as { message: string }).message : String(json);
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${cause} `), { statusCode, json, reason });
}

test('the engine message comes from json.message, a JSON buffer, or the text after the HTTP prefix', () => {
  assert.equal(engineMessage(dockerodeError(404, { message: 'No such container: web' })), 'No such container: web');
  assert.equal(engineMessage(dockerodeError(500, Buffer.from('{"message":"driver failed"}'))), 'driver failed');
  assert.equal(engineMessage(new Error('(HTTP code 502) unexpected - bad gateway ')), 'bad gateway');
});

test('a running container cannot be removed: say to stop it or force', () => {
  const msg = engineErrorMessage(
    dockerodeError(409, { message: 'You cannot remove a running container abc. Stop the container before attempting removal or force remove' }, 'conflict'),
    'remove web',
  );
  assert.match(msg, /^Could not remove web: You cannot remove a running container abc\./);
  assert.match(msg, /Stop it first, or remove it with "Force"\.$/);
});

test('an image in use, a missing image, a taken port, a refused socket', () => {
  assert.match(engineErrorMessage(dockerodeError(409, { message: 'conflict: unable to delete 1234 (must be forced) - image is being used by stopped container 99' }), 'remove busybox'), /Remove the containers that use it first/);
  assert.match(engineErrorMessage(dockerodeError(404, { message: 'pull access denied for nope, repository does not exist' }), 'pull nope'), /Check the image name and tag/);
  assert.match(engineErrorMessage(dockerodeError(500, { message: 'driver failed programming external connectivity: Bind for 127.0.0.1:8080 failed: port is already allocated' }), 'start web'), /already uses that host port/);
  const refused = Object.assign(new Error('connect ECONNREFUSED /run/berth/engine.sock'), { code: 'ECONNREFUSED' });
  assert.match(engineErrorMessage(refused, 'list containers'), /^Could not list containers: connect ECONNREFUSED \/run\/berth\/engine\.sock\. The engine is not answering/);
  assert.match(engineErrorMessage(dockerodeError(401, { message: 'unauthorized: authentication required' }), 'push x'), /Berth: Log In to Registry/);
  // Refused inside a 200 stream: no status code, only the registry's words.
  const inStream = Object.assign(new Error('unauthorized: authentication required'), { json: { message: 'unauthorized: authentication required' } });
  assert.match(engineErrorMessage(inStream, 'pull x'), /log in with "Berth: Log In to Registry"/);
  assert.match(engineErrorMessage(new Error('Head "http://127.0.0.1:5000/v2/x/manifests/1": no basic auth credentials'), 'pull x'), /Berth: Log In to Registry/);
});

test('304 is not a failure; user errors keep their words', () => {
  assert.equal(isNotModified(dockerodeError(304, null, 'container already started')), true);
  assert.equal(isNotModified(dockerodeError(500, null)), false);
  assert.equal(userMessage(new UserError('web has no shell.'), 'attach'), 'web has no shell.');
  assert.equal(engineErrorMessage(dockerodeError(500, { message: '' }), 'start web'), 'Could not start web: the engine gave no reason.');
});

test('a route the engine does not have is not a removed resource', () => {
  const msg = engineErrorMessage(dockerodeError(404, { message: 'page not found' }, 'not found'), 'build web:latest');
  assert.equal(msg, 'Could not build web:latest: page not found. This engine does not offer that operation (its API has no such route).');
});
