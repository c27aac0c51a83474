/**
 * producer-consumer: a bounded queue (Go's buffered channel) between bursty
 * producer goroutines and steady consumer goroutines.
 *
 *   queue (global 0)   a ring buffer: `capacity` pointer slots; head and
 *                      count are the channel's indices (kept by the host)
 *   item               [payload] + sequence number (u32) and producer (u32)
 *   payload            `item-bytes` of scalar data; its first word repeats the sequence number
 *
 * Every turn one goroutine, chosen at random, runs. A producer alternates
 * between bursts of up to 2 × `burst` items, one per turn, and idle spells
 * as long; it builds each item on its own stack and sends it. When the queue
 * is full the send blocks: the item stays on the producer's stack (a root)
 * until a later turn finds room. A consumer receives the oldest item onto its
 * stack, checks it, allocates a short-lived result and drops both; on an
 * empty queue it waits. Production and consumption balance on average, so
 * bursts fill the queue, block the producers, and idle spells drain it.
 *
 * Invariants: the queue never holds more than `capacity` items (checked
 * every turn), items arrive in send order (FIFO), and by the end everything
 * produced — `items` in all — has been consumed exactly once and the queue
 * is empty.
 */
import type { Scenario, ScenarioContext } from "../scenario/scenario.js";
import { progressMeter } from "../scenario/toolkit.js";

const QUEUE = 0;
const ITEM_SCALAR = 8;
const RESULT_BYTES = 32;

interface Producer {
  g: number;
  quota: number;
  made: number;
  burstLeft: number;
  idleLeft: number;
  pending: boolean;
  id: number;
}

export const producerConsumer: Scenario = {
  name: "producer-consumer",
  description: "bounded ring-buffer queue between bursty producers and consumers: length ≤ capacity",
  params: [
    { name: "items", description: "items produced (and consumed) in all", type: "int", default: 200_000, min: 0, max: 1e9 },
    { name: "capacity", description: "queue capacity (a buffered channel's size)", type: "int", default: 1024, min: 1, max: 1_000_000 },
    { name: "producers", description: "producer goroutines", type: "int", default: 4, min: 1, max: 10_000 },
    { name: "consumers", description: "consumer goroutines", type: "int", default: 2, min: 1, max: 10_000 },
    { name: "burst", description: "mean items per burst (and idle turns between bursts)", type: "int", default: 256, min: 1, max: 1_000_000 },
    { name: "item-bytes", description: "scalar bytes of each item's payload", type: "int", default: 128, min: 4, max: 1 << 20 },
  ],
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const p = ctx.params;
    const capacity = p.capacity;
    const items = p.items;
    const rnd = (n: number) => ctx.randomInt(n);
    const itemSite = e.site("producer-consumer.item");
    const payloadSite = e.site("producer-consumer.payload");
    const resultSite = e.site("producer-consumer.result");

    const g0 = e.spawn();
    e.allocPush(g0, capacity, 0, 0, e.site("producer-consumer.queue"));
    e.setGlobal(QUEUE, e.pop(g0));
    e.exit(g0);
    const queue = () => e.getGlobal(QUEUE);

    const producers: Producer[] = [];
    for (let k = 0; k < p.producers; k++) {
      const quota = Math.floor(items / p.producers) + (k < items % p.producers ? 1 : 0);
      producers.push({ g: e.spawn("producer-consumer.producer"), quota, made: 0, burstLeft: 0, idleLeft: rnd(2 * p.burst), pending: false, id: k });
    }
    const consumers = Array.from({ length: p.consumers }, () => e.spawn("producer-consumer.consumer"));
    const nextSeq = new Array<number>(p.producers).fill(0); // per producer: FIFO check
    const lastSeen = new Array<number>(p.producers).fill(-1);

    let head = 0;
    let count = 0;
    let produced = 0;
    let consumed = 0;
    let maxCount = 0;
    let blockedSends = 0;
    let emptyReceives = 0;
    let turns = 0;
    let checksum = 0;

    const send = (pr: Producer): boolean => {
      if (count === capacity) return false;
      e.writeField(queue(), (head + count) % capacity, e.peek(pr.g));
      e.drop(pr.g);
      count++;
      maxCount = Math.max(maxCount, count);
      pr.pending = false;
      return true;
    };
    const produce = (pr: Producer): void => {
      const seq = nextSeq[pr.id]++;
      const payload = e.allocPush(pr.g, 0, p["item-bytes"], 0, payloadSite);
      e.setUint32(payload, 0, seq);
      const item = e.allocPush(pr.g, 1, ITEM_SCALAR, 1, itemSite); // pops the payload
      e.setUint32(item, 0, seq);
      e.setUint32(item, 4, pr.id);
      pr.made++;
      produced++;
      pr.pending = true;
    };
    const consume = (c: number): void => {
      const q = queue();
      e.push(c, e.field(q, head)); // v := <-ch: now on the consumer's stack
      e.writeField(q, head, 0);
      head = (head + 1) % capacity;
      count--;
      const item = e.peek(c);
      const seq = e.word(item, 1);
      const from = e.word(item, 2);
      const payload = e.field(item, 0);
      if (e.word(payload, 0) !== seq || seq !== lastSeen[from] + 1) {
        throw new Error(`producer-consumer: item ${seq} of producer ${from} out of order or damaged`);
      }
      lastSeen[from] = seq;
      checksum += seq;
      e.allocPush(c, 0, RESULT_BYTES, 0, resultSite); // the result of processing it
      e.drop(c, 2);
      consumed++;
    };

    const all = producers.length + consumers.length;
    const progress = progressMeter(ctx, items); // turns are not known in advance: progress by items consumed
    while (consumed < items) {
      turns++;
      const k = rnd(all);
      if (k < producers.length) {
        const pr = producers[k];
        if (pr.pending) {
          if (!send(pr)) blockedSends++;
          continue;
        }
        if (pr.made === pr.quota) continue;
        if (pr.burstLeft === 0) {
          if (pr.idleLeft > 0) {
            pr.idleLeft--;
            e.yield(pr.g, 1);
            continue;
          }
          pr.burstLeft = 1 + rnd(2 * p.burst);
          pr.idleLeft = rnd(2 * p.burst);
        }
        pr.burstLeft--;
        produce(pr);
        if (!send(pr)) blockedSends++;
      } else {
        const c = consumers[k - producers.length];
        if (count === 0) {
          emptyReceives++;
          e.yield(c, 1);
          continue;
        }
        consume(c);
        progress(consumed);
      }
      if (count > capacity) throw new Error(`producer-consumer: queue length ${count} exceeds capacity ${capacity}`);
    }

    const expectedSum = producers.reduce((a, pr) => a + (pr.quota * (pr.quota - 1)) / 2, 0);
    if (produced !== items || count !== 0 || checksum !== expectedSum || producers.some((pr) => pr.pending)) {
      throw new Error(`producer-consumer: produced ${produced}, consumed ${consumed}, ${count} left in the queue`);
    }
    for (const pr of producers) e.exit(pr.g);
    for (const c of consumers) e.exit(c);

    ctx.print(`producer-consumer: ${p.producers} producers → queue of capacity ${capacity} → ${p.consumers} consumers, ${turns} turns`);
    ctx.print(`produced ${produced}, consumed ${consumed} in order; queue length now ${count}`);
    ctx.print(`max queue length ${maxCount} ≤ capacity ${capacity}; sends blocked ${blockedSends} times, receives found it empty ${emptyReceives} times`);
    ctx.result({ producers: p.producers, consumers: p.consumers, capacity, turns, produced, consumed, queueLength: count, maxQueueLength: maxCount, blockedSends, emptyReceives });
  },
};
