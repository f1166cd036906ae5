// Produces to a topic with kafkajs (plain and gzip batches), then consumes
// that topic and another one, written by a stand-in, as a consumer group.
// Prints one JSON object: the keys=values read from the first topic and
// the number of records read from the second.
//
// usage: node roundtrip.js <broker> <topic> <other-topic> <other-count>
'use strict';
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const [broker, topic, other, otherWant] = process.argv.slice(2);
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 30000).unref();

(async () => {
  const kafka = new Kafka({
    clientId: 'kafkajs-spec',
    brokers: [broker],
    logLevel: logLevel.ERROR,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
  await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: [{ key: 'c', value: '3' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'kafkajs-spec', maxWaitTimeInMs: 100 });
  consumer.on(consumer.events.CRASH, (e) => fail('consumer crashed: ' + e.payload.error));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic, other], fromBeginning: true });
  const got = [];
  let otherGot = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ topic: t, message }) => {
          if (t === topic) {
            got.push(`${message.key}=${message.value}`);
          } else {
            otherGot++;
          }
          if (got.length >= 3 && otherGot >= Number(otherWant)) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  console.log(JSON.stringify({ records: got, other: otherGot }));
})().catch((e) => fail(String(e && e.stack ? e.stack : e)));
