// The API's fast path from "stored" to "in the loan's workflow", bounded. The webhook answers as
// soon as the payment is stored; delivery happens here, a few at a time. When the workflows fall
// behind (a burst of notifications), the queue stops taking more instead of piling thousands of
// open updates and database waits into the process that must answer bKash quickly: what it does not
// take stays stored as 'received', and the delivery sweeper (workflows/payment-delivery.ts) hands it
// over shortly after. Either way the loan counts each trxId once.

export interface DeliveryQueueOptions {
  /**
   * Deliveries in flight at once (default 8). More moves the ledger only a little on a small machine
   * and slows the answers to bKash: at 32, 200/s for 60 s went from 31 to 39 payments/s into the
   * ledger but the HTTP p99 from 101 to 850 ms (2 cores, 2026-12-02).
   */
  concurrency?: number;
  /** Waiting deliveries beyond which new ones are left to the sweeper (default 200). */
  maxWaiting?: number;
  onError?: (paymentId: string, err: unknown) => void;
}

export class DeliveryQueue {
  private readonly waiting: string[] = [];
  private active = 0;
  private readonly idle: (() => void)[] = [];
  readonly concurrency: number;
  readonly maxWaiting: number;
  /** Deliveries left to the sweeper because the queue was full. */
  overflowed = 0;

  constructor(
    private readonly deliver: (paymentId: string) => Promise<unknown>,
    private readonly opts: DeliveryQueueOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? 8);
    this.maxWaiting = Math.max(0, opts.maxWaiting ?? 200);
  }

  /** Queues a delivery; false when it is left to the sweeper instead. */
  offer(paymentId: string): boolean {
    if (this.active < this.concurrency) {
      this.run(paymentId);
      return true;
    }
    if (this.waiting.length >= this.maxWaiting) {
      this.overflowed += 1;
      return false;
    }
    this.waiting.push(paymentId);
    return true;
  }

  get size(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Resolves when nothing is queued or in flight (for shutdown and tests). */
  drained(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private run(paymentId: string): void {
    this.active += 1;
    this.deliver(paymentId)
      .catch((err: unknown) => this.opts.onError?.(paymentId, err))
      .finally(() => {
        this.active -= 1;
        const next = this.waiting.shift();
        if (next !== undefined) this.run(next);
        else if (this.active === 0) this.idle.splice(0).forEach((r) => r());
      });
  }
}
