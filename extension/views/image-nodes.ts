// Images view nodes from GET /images/json: one node per repository, its tags below, with size and age.
import { age, escapeMarkdown, humanSize } from './format.js';
import type { ImageRef, ViewNode } from './view-node.js';

/** The fields of an /images/json entry the view reads. */
export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: number;
  Size?: number;
  Labels?: Record<string, string> | null;
}

export const DANGLING_GROUP = '<none>';

/** `registry:5000/team/app:1.2` -> [`registry:5000/team/app`, `1.2`]: the tag follows the last colon after the last slash. */
export function splitRepoTag(repoTag: string): [string, string] {
  const slash = repoTag.lastIndexOf('/');
  const colon = repoTag.lastIndexOf(':');
  if (colon > slash) return [repoTag.slice(0, colon), repoTag.slice(colon + 1)];
  return [repoTag, 'latest'];
}

export function realTags(img: ImageSummary): string[] {
  return (img.RepoTags ?? []).filter((t) => t && t !== '<none>:<none>');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function imageTree(list: readonly ImageSummary[], opts: { showDangling: boolean; nowMs: number }): ViewNode[] {
  const repos = new Map<string, { tag: string; img: ImageSummary }[]>();
  const dangling: ImageSummary[] = [];
  for (const img of list) {
    const tags = realTags(img);
    if (!tags.length) {
      dangling.push(img);
      continue;
    }
    for (const t of tags) {
      const [repo, tag] = splitRepoTag(t);
      let entries = repos.get(repo);
      if (!entries) repos.set(repo, (entries = []));
      entries.push({ tag, img });
    }
  }
  const nodes: ViewNode[] = [...repos.keys()].sort().map((repo) => {
    const entries = repos.get(repo)!.sort((a, b) => (b.img.Created ?? 0) - (a.img.Created ?? 0) || a.tag.localeCompare(b.tag));
    return {
      id: `repo:${repo}`,
      label: repo,
      description: entries.length === 1 ? entries[0].tag : `${entries.length} tags`,
      icon: 'repo',
      contextValue: 'image.repository',
      tooltip: () => `**${escapeMarkdown(repo)}**: ${entries.map((e) => `\`${e.tag}\``).join(', ')}`,
      children: entries.map(({ tag, img }) => tagNode(repo, tag, img, opts.nowMs)),
    };
  });
  if (opts.showDangling && dangling.length) {
    dangling.sort((a, b) => (b.Created ?? 0) - (a.Created ?? 0));
    nodes.push({
      id: 'repo:<none>',
      label: DANGLING_GROUP,
      description: `${dangling.length} dangling`,
      icon: 'repo',
      contextValue: 'image.danglingGroup',
      tooltip: () => 'Images without a tag: left over from rebuilds or untagging. **Prune Images** removes them.',
      children: dangling.map((img) => danglingNode(img, opts.nowMs)),
    });
  }
  return nodes;
}

function tagNode(repo: string, tag: string, img: ImageSummary, nowMs: number): ViewNode {
  const ref: ImageRef = { kind: 'image', id: img.Id, ref: `${repo}:${tag}`, repoTags: realTags(img) };
  return {
    id: `image:${repo}:${tag}`,
    label: tag,
    description: sizeAndAge(img, nowMs),
    ariaLabel: [`${repo}:${tag}`, sizeAndAge(img, nowMs)].filter(Boolean).join(', '),
    icon: 'tag',
    contextValue: 'image.tag',
    tooltip: () => imageTooltip(img, ref, nowMs),
    resource: ref,
  };
}

function danglingNode(img: ImageSummary, nowMs: number): ViewNode {
  const ref: ImageRef = { kind: 'image', id: img.Id, repoTags: [] };
  return {
    id: `image:${img.Id}`,
    label: shortId(img.Id),
    description: sizeAndAge(img, nowMs),
    ariaLabel: [`dangling image ${shortId(img.Id)}`, sizeAndAge(img, nowMs)].filter(Boolean).join(', '),
    icon: 'circle-slash',
    contextValue: 'image.dangling',
    tooltip: () => imageTooltip(img, ref, nowMs),
    resource: ref,
  };
}

function sizeAndAge(img: ImageSummary, nowMs: number): string {
  return [img.Size !== undefined ? humanSize(img.Size) : '', img.Created ? age(img.Created, nowMs) : ''].filter(Boolean).join('  ·  ');
}

function imageTooltip(img: ImageSummary, ref: ImageRef, nowMs: number): string {
  const lines = [`**${escapeMarkdown(ref.ref ?? '<none>')}**  `, `ID: \`${shortId(img.Id)}\`  `];
  if (img.Size !== undefined) lines.push(`Size: ${humanSize(img.Size)}  `);
  if (img.Created) lines.push(`Created: ${new Date(img.Created * 1000).toLocaleString()} (${age(img.Created, nowMs)})  `);
  if (ref.repoTags.length > 1) lines.push(`Tags: ${ref.repoTags.map((t) => `\`${t}\``).join(', ')}  `);
  for (const d of img.RepoDigests ?? []) if (!d.startsWith('<none>')) lines.push(`Digest: \`${d}\`  `);
  return lines.join('\n');
}
