// Which files are Dockerfiles, in one place for the language client, Build Image and the menus'
// `when` clauses in package.json (which repeat the same patterns as regular expressions).
import * as path from 'node:path';

/** Workspace glob for Dockerfiles. */
export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.containerfile,Dockerfile.*,Containerfile.*}';

/** A file VS Code may not know as `dockerfile` (no built-in docker extension) but that is one. */
export function isDockerfileName(fileName: string): boolean {
  const base = path.basename(fileName);
  // `Dockerfile.dev` but not `dockerfile.ts`: the name part is case-sensitive, the extension is not.
  return /^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /\.(dockerfile|containerfile)$/i.test(base);
}

export function isDockerfileDocument(doc: { languageId: string; fileName: string; uri: { scheme: string } }): boolean {
  return doc.languageId === 'dockerfile' || (doc.uri.scheme === 'file' && isDockerfileName(doc.fileName));
}
