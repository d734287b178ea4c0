// Show Stats: a live view of one container's CPU, memory (with its limit), network and block IO and
// pids, fed by the streaming stats endpoint. The stream is open only while the panel is visible; a
// hidden panel costs nothing, and showing it again resumes.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { humanSize } from '../views/format.js';
import { followStats, type StatsSample } from './stats-sample.js';

export class StatsPanels implements vscode.Disposable {
  private readonly open = new Map<string, StatsPanel>();

  show(docker: Dockerode, id: string, name: string): void {
    const existing = this.open.get(id);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = new StatsPanel(docker, id, name, () => this.open.delete(id));
    this.open.set(id, panel);
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
  }
}

/** What the webview shows for one sample: formatted here, so the page only places text. */
export function statsRows(s: StatsSample): [string, string][] {
  return [
    ['CPU', `${s.cpuPercent.toFixed(1)} %`],
    ['Memory', `${humanSize(s.memoryBytes)} of ${s.memoryLimitBytes ? humanSize(s.memoryLimitBytes) : 'no limit'} (${s.memoryPercent.toFixed(1)} %)`],
    ['Network', `${humanSize(s.netRxBytes)} in, ${humanSize(s.netTxBytes)} out`],
    ['Block IO', `${humanSize(s.blockReadBytes)} read, ${humanSize(s.blockWriteBytes)} written`],
    ['PIDs', String(s.pids)],
  ];
}

class StatsPanel {
  private readonly panel: vscode.WebviewPanel;
  private follower: { stop(): void } | undefined;
  private disposed = false;

  constructor(
    private readonly docker: Dockerode,
    private readonly id: string,
    private readonly name: string,
    private readonly onGone: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel('berth.stats', `Stats: ${name}`, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    this.panel.webview.html = page(this.panel.webview.cspSource, name);
    this.panel.onDidChangeViewState(() => (this.panel.visible ? this.start() : this.stop()));
    this.panel.onDidDispose(() => {
      this.disposed = true;
      this.stop();
      this.onGone();
    });
    this.start();
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private start(): void {
    if (this.follower || this.disposed) return;
    const post = (m: unknown): void => void this.panel.webview.postMessage(m);
    post({ kind: 'status', text: 'Reading stats...' });
    const placeholder = { stop: () => undefined };
    this.follower = placeholder;
    this.docker.getContainer(this.id).stats({ stream: true }).then(
      (stream) => {
        if (this.follower !== placeholder) {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          return;
        }
        this.follower = followStats(stream as unknown as NodeJS.ReadableStream, (s) => post({ kind: 'sample', rows: statsRows(s), cpu: s.cpuPercent, mem: s.memoryBytes, at: s.at }), (err) => {
          this.follower = undefined;
          post({ kind: 'status', text: err ? `The stats stream broke: ${err.message}` : `${this.name} is not running; its stats resume when it runs and this panel is shown again.` });
        });
      },
      (err: unknown) => {
        this.follower = undefined;
        post({ kind: 'status', text: `Could not read the stats of ${this.name}: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  }

  private stop(): void {
    this.follower?.stop();
    this.follower = undefined;
  }
}

function page(cspSource: string, name: string): string {
  const nonce = Array.from({ length: 24 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
  const esc = (t: string): string => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
 body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 12px; }
 table { border-collapse: collapse; margin-top: 8px; }
 td { padding: 4px 16px 4px 0; font-variant-numeric: tabular-nums; }
 td:first-child { color: var(--vscode-descriptionForeground); }
 svg { width: 360px; height: 48px; border: 1px solid var(--vscode-panel-border); margin-right: 12px; }
 polyline { fill: none; stroke-width: 1.5; }
 .cpu { stroke: var(--vscode-charts-blue); } .mem { stroke: var(--vscode-charts-green); }
 #status { color: var(--vscode-descriptionForeground); margin-top: 8px; }
</style></head>
<body>
<h3>Stats of ${esc(name)}</h3>
<table id="rows" aria-label="Container stats"></table>
<div><svg viewBox="0 0 60 100" preserveAspectRatio="none" aria-label="CPU, last minute"><polyline class="cpu" id="cpu"/></svg><svg viewBox="0 0 60 100" preserveAspectRatio="none" aria-label="Memory, last minute"><polyline class="mem" id="mem"/></svg></div>
<div id="status"></div>
<script nonce="${nonce}">
 const cpu = [], mem = [];
 const line = (id, values) => {
   const max = Math.max(1, ...values);
   document.getElementById(id).setAttribute('points', values.map((v, i) => (60 - values.length + i) + ',' + (100 - (v / max) * 95)).join(' '));
 };
 window.addEventListener('message', (e) => {
   const m = e.data;
   if (m.kind === 'status') { document.getElementById('status').textContent = m.text; return; }
   document.getElementById('status').textContent = 'Live, one reading a second.';
   const table = document.getElementById('rows');
   table.replaceChildren(...m.rows.map(([k, v]) => { const tr = document.createElement('tr'); for (const t of [k, v]) { const td = document.createElement('td'); td.textContent = t; tr.append(td); } return tr; }));
   cpu.push(m.cpu); mem.push(m.mem);
   if (cpu.length > 60) { cpu.shift(); mem.shift(); }
   line('cpu', cpu); line('mem', mem);
 });
</script>
</body></html>`;
}
