// Which engine answered, from its /version reply.
export interface VersionReply {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
  Platform?: { Name?: string };
  Components?: { Name?: string; Version?: string }[];
}

export function productName(v: VersionReply): string {
  const platform = v.Platform?.Name ?? '';
  if (/berth/i.test(platform)) return 'Berth';
  if (/podman/i.test(platform) || v.Components?.some((c) => /podman/i.test(c.Name ?? ''))) return 'Podman';
  return 'Docker Engine';
}
