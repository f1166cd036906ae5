// Reads every partition named in a bounds file from its start to its
// bound, as a kafkajs consumer group member (read_committed, kafkajs's
// default), and prints per topic the record count and digests the Go side
// computes the same way: all_digest over "partition:offset:key=value"
// lines in offset order, state_digest over the sorted
// "partition:key=value" lines of each key's latest live value, keys and
// values as lower-case hex or "null".
//
// usage: node readall.js <broker> <bounds.json> <group>
// bounds.json: {"topic": {"partition": {"end": n, "last": n}}}
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { Kafka, logLevel } = require('kafkajs');

const [broker, boundsPath, group] = process.argv.slice(2);
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 90000).unref();

const bounds = JSON.parse(fs.readFileSync(boundsPath, 'utf8'));
const hexOrNull = (b) => (b === null || b === undefined ? 'null' : b.toString('hex'));
const sha = (lines) => crypto.createHash('sha256').update(lines.join('\n')).digest('hex');

(async () => {
  const kafka = new Kafka({ clientId: 'readall', brokers: [broker], logLevel: logLevel.ERROR, retry: { retries: 5 } });
  const records = {}; // topic -> [{p, o, k, v}]
  const waiting = new Set(); // "topic/partition" still to reach its last data record
  for (const [topic, parts] of Object.entries(bounds)) {
    records[topic] = [];
    for (const [p, b] of Object.entries(parts)) {
      if (b.last >= 0) waiting.add(`${topic}/${p}`);
    }
  }
  const topics = Object.keys(bounds);
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  consumer.on(consumer.events.CRASH, (e) => fail('consumer crashed: ' + e.payload.error));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise((resolve, reject) => {
    if (waiting.size === 0) resolve();
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const b = bounds[topic][String(partition)];
          const offset = Number(message.offset);
          if (offset >= b.end) return;
          records[topic].push({ p: partition, o: offset, k: message.key, v: message.value });
          if (offset >= b.last && waiting.delete(`${topic}/${partition}`) && waiting.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  const out = {};
  for (const topic of topics) {
    const recs = records[topic].sort((a, b) => a.p - b.p || a.o - b.o);
    const all = recs.map((r) => `${r.p}:${r.o}:${hexOrNull(r.k)}=${hexOrNull(r.v)}`);
    const latest = new Map();
    for (const r of recs) {
      if (r.k !== null && r.k !== undefined) latest.set(`${r.p}:${hexOrNull(r.k)}`, hexOrNull(r.v));
    }
    const state = [...latest].filter(([, v]) => v !== 'null').map(([k, v]) => `${k}=${v}`).sort();
    out[topic] = { count: recs.length, all_digest: sha(all), keys: state.length, state_digest: sha(state) };
  }
  console.log(JSON.stringify(out));
})().catch((e) => fail(String(e && e.stack ? e.stack : e)));
