// Compose Logs: one terminal following every container of a project, each line prefixed with its
// container ("web-1  | ") and coloured per service, as `docker compose logs -f` prints them. With the
// engine's event stream it also follows the project's containers that start later (a restart, another Up).
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import type { ComposeEngine } from '../../compose/engine/engine';
import type { ComposeLib } from '../compose/compose-run.js';
import { PROJECT_LABEL } from '../compose/compose-target.js';
import type { EngineEvent } from '../engine/engine-connection.js';

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';
const SERVICE_LABEL = 'com.docker.compose.service';
const ONEOFF_LABEL = 'com.docker.compose.oneoff';

/** The part of the engine connection this terminal listens to. */
export interface EngineEvents {
  on(event: 'event', listener: (e: EngineEvent) => void): unknown;
  off(event: 'event', listener: (e: EngineEvent) => void): unknown;
}

export interface ComposeLogTerminalOptions {
  lib: ComposeLib;
  engine: ComposeEngine;
  project: string;
  /** Lines of history per container to show first. */
  tail?: number;
  /** Where containers starting later are learnt of; without it only the containers there now are followed. */
  events?: EngineEvents;
}

interface Followed {
  id: string;
  name: string;
  service: string;
}

export class ComposeLogTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly streams: Readable[] = [];
  /** Containers whose log is being read now. */
  private readonly following = new Set<string>();
  private closed = false;
  private readonly onEvent = (e: EngineEvent): void => this.handleEvent(e);
  /** The runner's own log reading, on an engine whose log streams this terminal can end when it closes. */
  private readonly tracked: ComposeEngine;

  constructor(private readonly opts: ComposeLogTerminalOptions) {
    const { engine } = opts;
    this.tracked = Object.create(engine, {
      containerLogs: {
        value: async (id: string, o: Parameters<ComposeEngine['containerLogs']>[1]) => {
          const s = await engine.containerLogs(id, o);
          if (this.closed) s.destroy();
          else this.streams.push(s);
          return s;
        },
      },
    }) as ComposeEngine;
  }

  open(): void {
    this.writeEmitter.fire('\x1b[?25l');
    this.opts.events?.on('event', this.onEvent);
    void this.start();
  }

  close(): void {
    this.closed = true;
    this.opts.events?.off('event', this.onEvent);
    for (const s of this.streams) s.destroy();
    this.writeEmitter.dispose();
  }

  handleInput(data: string): void {
    // Ctrl-C or q closes the view; the containers go on running.
    if (data === '\x03' || data === 'q') this.closeEmitter.fire();
  }

  private async start(): Promise<void> {
    const { lib, engine, project } = this.opts;
    try {
      const containers = await lib.projectContainers(engine, project, { all: true, oneoff: false });
      if (!containers.length) {
        this.note(`Project ${project} has no containers${this.opts.events ? ' yet; their logs show here when they start' : ''}.`);
        return;
      }
      await this.follow(containers, { tail: this.opts.tail ?? 1000 });
    } catch (err) {
      this.failed(err);
    }
  }

  private handleEvent(e: EngineEvent): void {
    const attrs = e.Actor?.Attributes ?? {};
    const id = e.Actor?.ID;
    if (this.closed || e.Type !== 'container' || e.Action !== 'start' || !id) return;
    if (attrs[PROJECT_LABEL] !== this.opts.project || attrs[ONEOFF_LABEL] === 'True' || this.following.has(id)) return;
    const c: Followed = { id, name: attrs.name ?? id.slice(0, 12), service: attrs[SERVICE_LABEL] ?? '' };
    // Only what this run writes: its start time, in whole seconds as every engine accepts.
    this.follow([c], { since: e.time ?? Math.floor(Date.now() / 1000) }).catch((err: unknown) => this.failed(err));
  }

  private async follow(containers: readonly Followed[], from: { tail?: number; since?: number }): Promise<void> {
    for (const c of containers) this.following.add(c.id);
    await this.opts.lib.streamLogs(
      this.tracked,
      this.opts.project,
      containers,
      { services: [], follow: true, tail: from.tail, since: from.since, timestamps: false, colour: true },
      (line) => this.write(line),
      async (c, name) => {
        this.following.delete(c.id);
        this.note(`${name} stopped`);
        if (this.following.size === 0) {
          this.note(`Every container of ${this.opts.project} has stopped.${this.opts.events ? ' Logs of containers that start again show here.' : ''}`);
        }
      },
    );
  }

  private failed(err: unknown): void {
    this.write(`${RED}Could not read the logs of project ${this.opts.project}: ${err instanceof Error ? err.message : String(err)}${RESET}\n`);
  }

  private write(text: string): void {
    if (!this.closed) this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  private note(text: string): void {
    this.write(`${DIM}── ${text} ──${RESET}\n`);
  }
}
