// Drives a ksqlDB server with the ksqldb-client package (npm; HTTP/2
// cleartext: /ksql, /query-stream, /inserts-stream, /close-query) through
// a word count, and prints what the client reported as one JSON object.
//
// usage: node ksqldbclient.js <host> <port>
'use strict';
const KsqldbClient = require('ksqldb-client');

const [host, port] = process.argv.slice(2);
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 45000).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errorOf = (e) => (e === undefined ? null : { code: e.error_code, message: e.message });

(async () => {
  const client = new KsqldbClient({ host: `http://${host}`, port, timeout: 10000 });
  await client.connect();
  const out = {};
  const t0 = Date.now();
  const step = (s) => process.env.DEBUG && console.error(Date.now() - t0, s);

  const create = await client.executeStatement(
    "CREATE STREAM ${STREAM} (word VARCHAR) WITH (kafka_topic='${TOPIC}', partitions=1, value_format='JSON');",
    { sessionVariables: { STREAM: 'words', TOPIC: 'words_topic' } },
  );
  out.createStream = { status: create.status, error: errorOf(create.error) };
  const ctas = await client.executeStatement('CREATE TABLE counts AS SELECT word, COUNT(*) AS n FROM words GROUP BY word EMIT CHANGES;', {
    streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
  });
  out.createTable = { status: ctas.status, error: errorOf(ctas.error) };

  // a push query on the table, ended with /close-query once it has seen
  // the last count
  const pushed = [];
  let pushId;
  let pushMeta;
  const push = client.streamQuery(
    'SELECT word, n FROM counts EMIT CHANGES;',
    ({ metadata, rows }) => {
      if (metadata && metadata.queryId) {
        pushId = metadata.queryId;
        pushMeta = { columnNames: metadata.columnNames, columnTypes: metadata.columnTypes };
      }
      // the client hands each row over as an object by column name
      for (const r of rows || []) pushed.push([r.WORD, r.N]);
    },
    { streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } },
  );
  step('push started');
  while (pushId === undefined) await sleep(20);
  step('push id ' + pushId);

  out.inserts = [];
  for (const word of ['tree', 'wind', 'tree']) {
    const res = await client.insertInto('words', { WORD: word });
    out.inserts.push({ status: res.status, rows: res.data && res.data.rows, error: errorOf(res.error) });
  }

  step('inserted');
  // pull queries until the table has both counts
  let pull;
  for (let i = 0; i < 200; i++) {
    pull = await client.query("SELECT * FROM counts WHERE word = 'tree';");
    if (pull.data && pull.data.rows && pull.data.rows.length === 1 && pull.data.rows[0].N === 2) break;
    await sleep(50);
  }
  out.pull = { status: pull.status, columnNames: pull.data.metadata.columnNames, columnTypes: pull.data.metadata.columnTypes, rows: pull.data.rows };

  step('pulled');
  while (!pushed.some((r) => r[0] === 'tree' && r[1] === 2)) await sleep(20);
  const closed = await client.terminatePushQuery(pushId);
  const pushEnd = await push;
  out.push = { metadata: pushMeta, rows: pushed, closeStatus: closed.status, endStatus: pushEnd.status, endError: errorOf(pushEnd.error) };
  const again = await client.terminatePushQuery(pushId);
  out.closeAgain = { status: again.status, error: errorOf(again.error) };

  out.streams = (await client.listStreams()).map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat]);
  out.tables = (await client.listTables()).map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat]);
  out.queries = (await client.listQueries()).map((q) => [q.queryType, q.sinks]);
  const desc = await client.describeSource('counts');
  out.describe = { name: desc.name, type: desc.type, fields: desc.fields.map((f) => [f.name, f.schema.type, f.type || null]) };

  const missing = await client.query('SELECT * FROM nothing_here;');
  out.missing = { status: missing.status, error: errorOf(missing.error) };

  const dropTable = await client.executeStatement('DROP TABLE counts;');
  out.dropTable = { status: dropTable.status, error: errorOf(dropTable.error) };
  out.queriesAfterDrop = (await client.listQueries()).length;
  const dropStream = await client.executeStatement('DROP STREAM words DELETE TOPIC;');
  out.dropStream = { status: dropStream.status, error: errorOf(dropStream.error) };

  await client.disconnect();
  console.log(JSON.stringify(out));
  process.exit(0);
})().catch((e) => fail(String(e && e.stack ? e.stack : e)));
