// Consumes the first records of a topic with kafkajs, as a consumer group
// reading committed records only, and prints them as one JSON object:
// {"records": [{"key": hex or null, "value": text or null, "timestamp": ms}]}.
//
// usage: node consume.js <broker> <topic> <count>
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [broker, topic, count] = process.argv.slice(2);
const want = Number(count);
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 30000).unref();

(async () => {
  const kafka = new Kafka({
    clientId: 'kafkajs-consume',
    brokers: [broker],
    logLevel: logLevel.ERROR,
    retry: { retries: 2 },
  });
  const consumer = kafka.consumer({
    groupId: `kafkajs-consume-${process.pid}-${Date.now()}`,
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  consumer.on(consumer.events.CRASH, (e) => fail('consumer crashed: ' + e.payload.error));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const got = [];
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          if (got.length < want) {
            got.push({
              key: message.key === null ? null : message.key.toString('hex'),
              value: message.value === null ? null : message.value.toString('utf8'),
              timestamp: Number(message.timestamp),
            });
          }
          if (got.length >= want) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  console.log(JSON.stringify({ records: got }));
})().catch((e) => fail(String(e && e.stack ? e.stack : e)));
