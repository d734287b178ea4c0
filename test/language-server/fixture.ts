// A Dockerfile that exercises most features, and helpers to open documents in a test client.
import type { LspClient } from './lsp-client';

export const SAMPLE = [
  '# syntax=docker/dockerfile:1', // 0
  'ARG BASE=alpine', // 1
  'ARG VERSION=3.20', // 2
  'FROM ${BASE}:${VERSION} AS build', // 3
  'ARG VERSION', // 4
  'ENV APP_HOME=/app PATH=/app/bin:$PATH', // 5
  'WORKDIR $APP_HOME', // 6
  'RUN --mount=type=cache,target=/root/.cache \\', // 7
  '    echo building $VERSION', // 8
  'COPY <<EOF /etc/motd', // 9
  'hello   ', // 10
  'EOF', // 11
  '', // 12
  'FROM build AS test', // 13
  'RUN echo $APP_HOME', // 14
  '', // 15
  'FROM ubuntu:22.04', // 16
  'COPY --from=build /app /app', // 17
  'RUN --mount=type=bind,from=test,target=/t ls /t', // 18
  '',
].join('\n');

let counter = 0;

/** Opens `text` under a fresh URI and waits for its first diagnostics. */
export async function openDoc(client: LspClient, text: string): Promise<string> {
  const uri = `file:///test/${process.pid}/${++counter}/Dockerfile`;
  await client.open(uri, text);
  return uri;
}

export function at(uri: string, line: number, character: number) {
  return { textDocument: { uri }, position: { line, character } };
}
