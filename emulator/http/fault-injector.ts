import {
  type EventsFault,
  type FaultRule,
  type Faults,
  type FaultsInput,
  FaultsSchema,
} from "../world/world-schema";

/** What the faults decided for one request. */
export interface FaultPlan {
  latencyMs: number;
  /** Answer with this error instead of handling. */
  error?: FaultRule;
  dropBefore: boolean;
  dropAfter: boolean;
  /** Send the body over this many ms. */
  slowMs?: number;
  malformed: boolean;
}

/** A small seeded generator (mulberry32): the same seed gives the same faults in every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fault knobs, replaceable at runtime; `count` limits are consumed per matching request. */
export class FaultInjector {
  private faults!: Faults;
  private remaining = new Map<FaultRule, number>();
  private patterns = new Map<FaultRule, RegExp>();
  private random!: () => number;

  constructor(faults: FaultsInput) {
    this.set(faults);
  }

  set(faults: FaultsInput): void {
    this.faults = FaultsSchema.parse(faults);
    this.random = seeded(this.faults.seed);
    this.remaining = new Map(this.faults.rules.flatMap((r) => (r.count === undefined ? [] : [[r, r.count]])));
    this.patterns = new Map(this.faults.rules.map((r) => [r, new RegExp(r.path)]));
  }

  /** How the events endpoints behave now. */
  events(): EventsFault {
    return { events: this.faults.events, eventsAheadMs: this.faults.eventsAheadMs };
  }

  plan(method: string, path: string): FaultPlan {
    const plan: FaultPlan = {
      latencyMs: this.faults.latencyMs,
      dropBefore: false,
      dropAfter: false,
      malformed: false,
    };
    for (const rule of this.faults.rules) {
      if (rule.method !== "*" && rule.method !== method) continue;
      if (!this.patterns.get(rule)?.test(path)) continue;
      const left = this.remaining.get(rule);
      if (left === 0) continue;
      if (rule.rate < 1 && this.random() >= rule.rate) continue;
      if (left !== undefined) this.remaining.set(rule, left - 1);
      switch (rule.action) {
        case "latency":
          plan.latencyMs += rule.ms;
          break;
        case "error":
          plan.error ??= rule;
          break;
        case "drop":
          if (rule.afterHandling) plan.dropAfter = true;
          else plan.dropBefore = true;
          break;
        case "slow":
          plan.slowMs = rule.ms;
          break;
        case "malformed":
          plan.malformed = true;
          break;
      }
    }
    return plan;
  }
}
