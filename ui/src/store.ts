// What several screens share: the catalog, the connections, each run's live state and the
// challenges waiting for the user. Loaded by query, patched by engine events.

import { ipc, type AppInfo, type ConnectionRow, type EngineEvent, type InstitutionView, type RunState } from "./ipc";
import type { ChallengeView } from "./ipc";

export interface OpenChallenge {
  id: number;
  connectionId: number;
  challenge: ChallengeView;
}

type Listener = () => void;

class Store {
  info: AppInfo | null = null;
  institutions = new Map<string, InstitutionView>();
  connections: ConnectionRow[] = [];
  /** Live state of runs in progress (or just finished), by connection id. */
  runs = new Map<number, RunState>();
  challenges: OpenChallenge[] = [];
  /** True while a refresh command (one or all) is in flight. */
  refreshing = 0;
  private listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  async loadCatalog(): Promise<void> {
    const all = await ipc.institutions("", null);
    this.institutions = new Map(all.map((i) => [i.id, i]));
  }

  async loadConnections(): Promise<void> {
    this.connections = await ipc.connections();
    this.changed();
  }

  /** Calls `reload` each time a refresh (one or all) ends: a screen's figures may have changed. */
  onRefreshEnd(reload: () => void): () => void {
    let last = this.refreshing;
    return this.subscribe(() => {
      if (this.refreshing < last) reload();
      last = this.refreshing;
    });
  }

  connectionName(id: number): string {
    return this.connections.find((c) => c.id === id)?.display_name ?? `#${id}`;
  }

  apply(event: EngineEvent): void {
    switch (event.event) {
      case "run_state":
        this.runs.set(event.connection_id, event.state);
        // A run that moved on no longer waits for an answer, even if no `challenge_closed`
        // came (a connector that polls drops its question once the approval is seen).
        if (event.state !== "awaiting_user") {
          this.challenges = this.challenges.filter((c) => c.connectionId !== event.connection_id);
        }
        break;
      case "challenge_asked":
        this.challenges.push({ id: event.challenge_id, connectionId: event.connection_id, challenge: event.challenge });
        break;
      case "challenge_closed":
        this.challenges = this.challenges.filter((c) => c.id !== event.challenge_id);
        break;
    }
    this.changed();
  }
}

export const store = new Store();

/** Reached through its statement files (`file`), or by the user's own login in the institution
 * window (`window`): GIMS keeps no login for it, and a statement downloaded by hand imports into it. */
export function fedByFiles(institution: InstitutionView | undefined): boolean {
  return institution?.auth.kind === "file" || institution?.auth.kind === "window";
}
