import { DispatchOrder } from '../../src/runner/dispatch-order.js';
import type { Rng } from '../../src/stats/rng.js';
import { outageWindow } from '../../src/targets/outage.js';
import { normal } from './helpers.js';

// A model of how the runner measures latency, to simulate thousands of runs in seconds.
//
// Two lanes (baseline, candidate) of `concurrency` calls each send to one endpoint they share or
// to one each. An endpoint serves `slots` requests at once and queues the rest in arrival order;
// a request's server-side time is drawn by the scenario. What the client measures on top:
//
// - client time: every call the client sends costs it `dispatchMs` of its one thread, and the
//   requests of one synchronous batch only go out once the whole batch is built;
// - connection set-up: a lane's first `concurrency` calls each open a connection, which takes
//   `setupMs` before the request reaches the endpoint.
//
// Two runners: `before`, as the runner was (the baseline lane fills its window, then the
// candidate's; each answer refills its own lane; the clock starts when the call is built), and
// `after`, the runner now (DispatchOrder, the real module, picks every call; the clock starts
// when the request leaves on a connected socket).

export type Policy = 'before' | 'after';
export type SideName = 'baseline' | 'candidate';

export interface Endpoints {
  /** One endpoint for both sides (its queue and slots shared), or one per side. */
  shared: boolean;
  slots: number;
}

export interface MeasurementModel {
  n: number;
  concurrency: number;
  endpoints: Endpoints;
  setupMs: number;
  dispatchMs: number;
  /**
   * Server-side time of a call, log-normal: a case's own cost (its prompt and answer lengths,
   * the same on both sides; σ `caseSpread` of its logarithm around `medianMs`) times the call's
   * own noise (σ `callSpread`), times `candidateFactor` on the candidate's side.
   */
  medianMs: number;
  caseSpread: number;
  callSpread: number;
  candidateFactor: number;
  /** Share of the server-side time spent before the first token (prefill). */
  prefill: number;
}

export interface Measured {
  /** Per case, per side: what the client measured. */
  latency: Record<SideName, Float64Array>;
  ttft: Record<SideName, Float64Array>;
  /** Per case, per side: the server-side time alone (no queueing, no client time). */
  server: Record<SideName, Float64Array>;
}

const SIDES: SideName[] = ['baseline', 'candidate'];

/** A binary min-heap of events by time, ties in the order they were pushed. */
class Events {
  private readonly items: { t: number; seq: number; run: () => void }[] = [];
  private seq = 0;

  push(t: number, run: () => void): void {
    const items = this.items;
    items.push({ t, seq: this.seq++, run });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }

  pop(): { t: number; run: () => void } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}

class Endpoint {
  private busy = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  /** `serve` runs when a slot is free; call `release` when it is done. */
  arrive(serve: () => void): void {
    if (this.busy < this.slots) {
      this.busy++;
      serve();
    } else this.queue.push(serve);
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.busy--;
  }
}

interface LaneSim {
  side: SideName;
  cursor: number;
  inFlight: number;
  endpoint: Endpoint;
}

/**
 * One simulated run: the case order is the identity (the runner's shuffle does not change what
 * is measured), and `rng` draws the server times, then the runner's per-case coins.
 */
export function simulateRun(m: MeasurementModel, policy: Policy, rng: Rng): Measured {
  const make = () => ({ baseline: new Float64Array(m.n), candidate: new Float64Array(m.n) });
  const out: Measured = { latency: make(), ttft: make(), server: make() };
  for (let i = 0; i < m.n; i++) {
    const perCase = m.medianMs * Math.exp(m.caseSpread * normal(rng));
    for (const side of SIDES) {
      const factor = side === 'candidate' ? m.candidateFactor : 1;
      out.server[side][i] = perCase * factor * Math.exp(m.callSpread * normal(rng));
    }
  }

  const events = new Events();
  const one = new Endpoint(m.endpoints.slots);
  const lanes: LaneSim[] = SIDES.map((side) => ({
    side,
    cursor: 0,
    inFlight: 0,
    endpoint: m.endpoints.shared ? one : new Endpoint(m.endpoints.slots),
  }));
  // As the runner sets them, with the default run.max_consecutive_errors (5).
  const slack = outageWindow(5, m.concurrency);
  const lead = m.endpoints.shared ? 1 : slack;
  const order = new DispatchOrder({ jobs: m.n, lanes: 2, lead, slack, rng });

  // One synchronous pump: the calls it starts are built one after another on the client's
  // thread, and go out together once it is done.
  const pump = (now: number, pick: () => LaneSim | undefined) => {
    const batch: { lane: LaneSim; i: number; built: number }[] = [];
    let t = now;
    for (let lane = pick(); lane; lane = pick()) {
      t += m.dispatchMs;
      batch.push({ lane, i: lane.cursor, built: t });
      lane.cursor++;
      lane.inFlight++;
    }
    for (const call of batch) send(call.lane, call.i, call.built, t);
  };

  const send = (lane: LaneSim, i: number, built: number, out_: number) => {
    const fresh = i < m.concurrency; // a lane's first window opens its connections
    const connected = out_ + (fresh ? m.setupMs : 0);
    const clock = policy === 'before' ? built - m.dispatchMs : connected;
    events.push(connected, () =>
      lane.endpoint.arrive(() => {
        const start = now; // at once, or when a slot came free
        const s = out.server[lane.side][i]!;
        out.ttft[lane.side][i] = start + m.prefill * s - clock;
        events.push(start + s, () => {
          lane.endpoint.release();
          out.latency[lane.side][i] = now - clock;
          lane.inFlight--;
          pump(now, policy === 'before' ? beforeNext(lane) : afterNext);
        });
      }),
    );
  };

  // Before: only the lane whose call came back sends again.
  const beforeNext = (lane: LaneSim) => () =>
    lane.cursor < m.n && lane.inFlight < m.concurrency ? lane : undefined;
  const afterNext = () => {
    const next = order.next(
      lanes.map((l) => ({ cursor: l.cursor, room: l.inFlight < m.concurrency, failing: false })),
    );
    return next < 0 ? undefined : lanes[next];
  };

  let now = 0;
  if (policy === 'before') {
    pump(0, () => beforeNext(lanes[0]!)() ?? beforeNext(lanes[1]!)());
  } else pump(0, afterNext);
  for (let e = events.pop(); e; e = events.pop()) {
    now = e.t;
    e.run();
  }
  return out;
}
