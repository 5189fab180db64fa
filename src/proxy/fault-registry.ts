/**
 * @module proxy/fault-registry
 * Active fault rules per keystore: seeded from the config file, changed at runtime by the admin API.
 */
import { randomUUID } from "node:crypto";
import type { XksOperation } from "../xks/index.js";
import { FaultRule, type FaultRuleInput } from "./fault-rule.js";

export interface ActiveFault {
  id: string;
  keystore: string;
  source: "config" | "admin";
  rule: FaultRule;
  /** Uses left when the rule has `times`. */
  remaining?: number;
}

const NO_RULES: readonly FaultRule[] = Object.freeze([]);

/** At most this many rules at once: every request scans them. */
const MAX_RULES = 256;

export class FaultRegistry {
  #faults: ActiveFault[] = [];

  /** Replaces the rules that came from the config file; rules added through the admin API stay. All or nothing. */
  setConfigFaults(byKeystore: ReadonlyMap<string, readonly FaultRule[]>): void {
    this.planConfigFaults(byKeystore)();
  }

  /**
   * Checks that these config rules fit beside the admin ones and returns the swap, so that a reload can check
   * everything before it changes anything. Throws, changing nothing, when they do not fit. Call the swap in the
   * same tick (no admin change in between).
   */
  planConfigFaults(byKeystore: ReadonlyMap<string, readonly FaultRule[]>): () => void {
    const fromConfig: ActiveFault[] = [];
    for (const [keystore, rules] of byKeystore) for (const rule of rules) fromConfig.push(newFault(keystore, rule, "config"));
    const fromAdmin = this.#faults.filter((f) => f.source === "admin").length;
    if (fromAdmin + fromConfig.length > MAX_RULES) {
      throw new RangeError(
        `the configuration's ${fromConfig.length} fault rules and the ${fromAdmin} added through the admin API exceed ${MAX_RULES} active rules. Fix: remove admin rules (DELETE /faults) or config rules, then reload`,
      );
    }
    return () => void (this.#faults = [...this.#faults.filter((f) => f.source === "admin"), ...fromConfig]);
  }

  add(keystore: string, input: FaultRuleInput): ActiveFault {
    return this.#push(keystore, FaultRule.parse(input), "admin");
  }

  /** Removes the rule with this id, if it belongs to this keystore. */
  remove(id: string, keystore: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id || f.keystore !== keystore);
    return this.#faults.length !== before;
  }

  clear(keystore?: string): number {
    const before = this.#faults.length;
    this.#faults = keystore === undefined ? [] : this.#faults.filter((f) => f.keystore !== keystore);
    return before - this.#faults.length;
  }

  list(): readonly ActiveFault[] {
    return this.#faults;
  }

  /** The rules of these types that apply to this request, each use counted. */
  take(keystore: string, operation: XksOperation, types: ReadonlySet<FaultRule["type"]>): readonly FaultRule[] {
    // The hot path: most requests meet no rule at all, so allocate nothing for them.
    if (this.#faults.length === 0) return NO_RULES;
    const hits = this.#faults.filter((f) => types.has(f.rule.type) && f.keystore === keystore && (f.rule.operation === "*" || f.rule.operation === operation));
    if (hits.length === 0) return NO_RULES;
    let spent = false;
    for (const f of hits) {
      if (f.remaining === undefined) continue;
      f.remaining -= 1;
      spent ||= f.remaining <= 0;
    }
    if (spent) this.#faults = this.#faults.filter((f) => f.remaining === undefined || f.remaining > 0);
    return hits.map((f) => f.rule);
  }

  #push(keystore: string, rule: FaultRule, source: ActiveFault["source"]): ActiveFault {
    if (this.#faults.length >= MAX_RULES) throw new RangeError(`at most ${MAX_RULES} fault rules can be active`);
    const fault = newFault(keystore, rule, source);
    this.#faults.push(fault);
    return fault;
  }
}

function newFault(keystore: string, rule: FaultRule, source: ActiveFault["source"]): ActiveFault {
  return { id: randomUUID(), keystore, source, rule, ...(rule.times ? { remaining: rule.times } : {}) };
}
