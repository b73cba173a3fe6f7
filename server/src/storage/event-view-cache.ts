import type { EventView } from './ledger-store';

/**
 * A bounded cache of event views by sequence and by id. Ledger events never change once
 * appended, so a cached view never goes stale and needs no invalidation. When full, the oldest
 * entries are evicted first (insertion order), which keeps the most recently appended and read
 * events, the ones clients tail and page through.
 */
export class EventViewCache {
  private readonly bySeq = new Map<number, EventView>();
  private readonly byId = new Map<string, EventView>();

  constructor(private readonly maxEntries: number) {}

  getBySeq(seq: number): EventView | undefined {
    return this.bySeq.get(seq);
  }

  getById(id: string): EventView | undefined {
    return this.byId.get(id);
  }

  add(view: EventView): void {
    if (this.maxEntries === 0 || this.bySeq.has(view.seq)) return;
    this.bySeq.set(view.seq, view);
    this.byId.set(view.id, view);
    if (this.bySeq.size > this.maxEntries) {
      const oldest = this.bySeq.values().next().value as EventView;
      this.bySeq.delete(oldest.seq);
      this.byId.delete(oldest.id);
    }
  }

  get size(): number {
    return this.bySeq.size;
  }
}
