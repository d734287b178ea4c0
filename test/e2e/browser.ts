// Chromium through playwright-core, as the e2e tests and tools launch it: Debian's build, a fresh
// profile, nothing that reaches for the network.
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM } from './prerequisites.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
}
