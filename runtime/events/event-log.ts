// Engine events in Docker's format: kept in a bounded history (for `since`) and fanned out to subscribers.
export type EventType = 'image' | 'container' | 'network' | 'volume' | 'daemon' | 'builder';

export interface EngineEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

export type EventListener = (event: EngineEvent) => void;

const HISTORY_LIMIT = 1024;

export class EventLog {
  private readonly history: EngineEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private lastNano = 0n;

  emit(type: EventType, action: string, actorId: string, attributes: Record<string, string> = {}): EngineEvent {
    let nano = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    // Strictly increasing, so `since`/`until` replays keep order.
    if (nano <= this.lastNano) nano = this.lastNano + 1n;
    this.lastNano = nano;
    const event: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: actorId, Attributes: attributes },
      scope: 'local',
      time: Number(nano / 1_000_000_000n),
      timeNano: Number(nano),
    };
    // The legacy fields Docker still sends for containers and images.
    if (type === 'image' || type === 'container') {
      event.status = action;
      event.id = actorId;
      if (type === 'container' && attributes.image) event.from = attributes.image;
    }
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others.
      }
    }
    return event;
  }

  /** Past events with sinceNano <= timeNano <= untilNano. */
  replay(sinceNano: bigint, untilNano?: bigint): EngineEvent[] {
    return this.history.filter((e) => {
      const t = BigInt(e.timeNano);
      return t >= sinceNano && (untilNano === undefined || t <= untilNano);
    });
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
