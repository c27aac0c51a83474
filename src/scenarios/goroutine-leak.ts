/**
 * goroutine-leak: the textbook Go goroutine leak, and its one-line fix.
 *
 *   func handle(req *Request) (*Result, error) {
 *       ch := make(chan *Result)            // the bug: unbuffered
 *       go func() { ch <- compute(req) }()  // the worker
 *       select {
 *       case r := <-ch:                return r, nil
 *       case <-time.After(timeout):    return nil, errTimeout
 *       }
 *   }
 *
 * When the handler times out nobody ever receives from ch, so the worker
 * blocks on its send forever: its stack — frames that hold the request, the
 * channel and the result — stays a root, and everything it points at stays
 * live. With `fixed` = 1 the channel has a buffer of one (make(chan
 * *Result, 1)): the send completes into the buffer, the worker exits, and
 * the channel, the request and the result become garbage together.
 *
 * The model: `requests` requests, at most `concurrency` in flight. Each one
 * spawns a worker goroutine that calls `frames` frames (4 slots each, all
 * pointing at its request and channel), allocates the request (with a
 * `request-bytes` body) and the channel, then computes for `work` turns, each
 * allocating a short-lived temporary. The workers in flight take turns in
 * random order. When a worker finishes, its handler has already timed out
 * with probability `leak-percent`: then it blocks forever (fixed = 0) or
 * leaves its result in the channel's buffer and exits (fixed = 1); otherwise
 * the handler receives the result and the worker exits.
 *
 * Invariants: with fixed = 0 the number of goroutines and the stack bytes
 * grow with every timeout — exactly one blocked goroutine per timed-out
 * request remains at the end — and with fixed = 1 none remains, and the stack
 * bytes stay flat. The engine allows 65 535 goroutines at most: a leak that
 * large fails with too-many-goroutines, as a real leak ends in OOM.
 */
import type { Scenario, ScenarioContext } from "../scenario/scenario.js";
import { cycleTrend, kib, progressMeter } from "../scenario/toolkit.js";

const SLOTS = 4;
const CH_BUF = 0; // channel: [buffered value, waiting sender's value]
const CH_SENDQ = 1;
const REQ_BODY = 0; // request: [body]
const RESULT_BYTES = 64;
const TEMP_BYTES = 48;

interface Worker {
  g: number;
  turnsLeft: number;
}

export const goroutineLeak: Scenario = {
  name: "goroutine-leak",
  description: "workers blocked forever on a channel nobody reads (a goroutine leak), or fixed with a buffer",
  params: [
    { name: "requests", description: "requests served, each by its own worker goroutine", type: "int", default: 50_000, min: 1, max: 1e9 },
    { name: "leak-percent", description: "share of requests whose handler times out before the worker sends", type: "number", default: 5, min: 0, max: 100 },
    { name: "fixed", description: "1: the channel is buffered, so timed-out workers exit (no leak)", type: "int", default: 0, min: 0, max: 1 },
    { name: "concurrency", description: "workers in flight at once", type: "int", default: 64, min: 1, max: 4096 },
    { name: "frames", description: "frames (4 pointer slots each) on every worker's stack", type: "int", default: 4, min: 1, max: 1024 },
    { name: "work", description: "turns each worker computes, allocating a temporary per turn", type: "int", default: 4, min: 0, max: 1_000_000 },
    { name: "request-bytes", description: "scalar bytes of each request's body", type: "int", default: 512, min: 0, max: 1 << 20 },
  ],
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const p = ctx.params;
    const fixed = p.fixed === 1;
    const rnd = (n: number) => ctx.randomInt(n);
    const reqSite = e.site("goroutine-leak.request");
    const bodySite = e.site("goroutine-leak.body");
    const chanSite = e.site("goroutine-leak.chan");
    const resultSite = e.site("goroutine-leak.result");
    const tempSite = e.site("goroutine-leak.temp");

    const blocked: number[] = [];
    const inFlight: Worker[] = [];
    let started = 0;
    let served = 0;
    let timedOut = 0;
    let peakGoroutines = 0;

    /** go func() { … }(): the worker's frames, its request and its channel. */
    const start = (): void => {
      const g = e.spawn("goroutine-leak.worker");
      e.allocPush(g, 0, p["request-bytes"], 0, bodySite);
      e.allocPush(g, 1, 16, 1, reqSite); // request{body}
      e.allocPush(g, 2, 16, 0, chanSite); // ch: stack is [request, ch]
      for (let f = 0; f < p.frames; f++) {
        const req = e.peek(g, 1);
        const ch = e.peek(g, 0);
        e.pushFrame(g, SLOTS);
        for (let s = 0; s < SLOTS; s++) e.setLocal(g, s, s % 2 === 0 ? req : ch);
      }
      inFlight.push({ g, turnsLeft: p.work });
      started++;
    };
    /** The worker's send: received, buffered (fixed) or blocked forever. */
    const finish = (w: Worker): void => {
      const g = w.g;
      e.allocPush(g, 0, RESULT_BYTES, 0, resultSite); // r := compute(req)
      if (ctx.random() * 100 >= p["leak-percent"]) {
        served++; // the handler was waiting: it receives r
        e.exit(g);
        return;
      }
      timedOut++;
      const ch = e.getLocal(g, 1);
      if (fixed) {
        e.writeField(ch, CH_BUF, e.peek(g)); // ch <- r completes into the buffer
        e.exit(g);
      } else {
        e.writeField(ch, CH_SENDQ, e.peek(g)); // parked on ch's send queue, forever
        blocked.push(g);
      }
    };

    const progress = progressMeter(ctx, p.requests); // turns are not known in advance: progress by requests started
    while (started < p.requests || inFlight.length > 0) {
      while (inFlight.length < p.concurrency && started < p.requests) {
        start();
        progress(started);
      }
      peakGoroutines = Math.max(peakGoroutines, inFlight.length + blocked.length);
      const i = rnd(inFlight.length);
      const w = inFlight[i];
      if (w.turnsLeft > 0) {
        w.turnsLeft--;
        e.allocPush(w.g, 1, TEMP_BYTES, 0, tempSite); // a temporary of compute()
        e.writeField(e.peek(w.g), 0, e.field(e.getLocal(w.g, 0), REQ_BODY));
        e.drop(w.g);
        continue;
      }
      inFlight[i] = inFlight[inFlight.length - 1];
      inFlight.pop();
      finish(w);
    }

    const s = e.stats();
    const expected = fixed ? 0 : timedOut;
    if (s.goroutines !== expected || blocked.length !== expected) {
      throw new Error(`goroutine-leak: ${s.goroutines} goroutines left, expected ${expected}`);
    }
    const stacks = cycleTrend(e.cycles, "stackBytes");
    ctx.print(`goroutine-leak (${fixed ? "fixed: buffered channel" : "leaky: unbuffered channel"}): ${p.requests} requests, ${served} answered, ${timedOut} timed out`);
    ctx.print(`goroutines left blocked: ${s.goroutines} (peak ${peakGoroutines} alive), holding ${kib(s.stackBytes)} KiB of stacks`);
    if (stacks.length > 0) ctx.print(`stack KiB at each cycle: ${stacks.map(kib).join(" ")}`);
    ctx.result({ fixed, requests: p.requests, answered: served, timedOut, blockedGoroutines: s.goroutines, peakGoroutines, stackBytes: s.stackBytes, cycles: stacks.length });
    // The blocked workers stay blocked: a leak outlives the program's main loop.
  },
};
