// Uses the REST Proxy with Node.js's own fetch, no Kafka client: v3 to
// create and list a topic, produce three records and describe the consumer
// group and its lag; v2 to consume them as a consumer instance (create,
// subscribe, records, commit, delete). Prints one JSON object with what
// each call answered.
//
// usage: node rest.js <rest-proxy-url> <topic> <group>
'use strict';
const [base, topic, group] = process.argv.slice(2);
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 60000).unref();

const V2 = 'application/vnd.kafka.v2+json';
const JSONV2 = 'application/vnd.kafka.json.v2+json';

async function call(method, url, { body, contentType, accept } = {}) {
  const headers = {};
  if (contentType) headers['Content-Type'] = contentType;
  if (accept) headers.Accept = accept;
  const resp = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      fail(`${method} ${url}: ${resp.status} not JSON: ${text}`);
    }
  }
  return { status: resp.status, json };
}

(async () => {
  const out = {};
  const clusters = await call('GET', `${base}/v3/clusters`);
  const cluster = clusters.json.data[0].cluster_id;
  const topics = `${base}/v3/clusters/${cluster}/topics`;

  const created = await call('POST', topics, { contentType: 'application/json', body: { topic_name: topic, partitions_count: 1 } });
  out.create_status = created.status;
  out.listed = false;
  for (let i = 0; i < 50 && !out.listed; i++) {
    const list = await call('GET', topics);
    out.listed = list.json.data.some((t) => t.topic_name === topic);
  }

  out.produced = [];
  for (let i = 0; i < 3; i++) {
    const r = await call('POST', `${topics}/${topic}/records`, {
      contentType: 'application/json',
      body: { key: { type: 'JSON', data: `k${i}` }, value: { type: 'JSON', data: { n: i } } },
    });
    out.produced.push({ status: r.status, error_code: r.json.error_code, partition_id: r.json.partition_id, offset: r.json.offset });
  }

  const inst = await call('POST', `${base}/consumers/${group}`, {
    contentType: V2,
    body: { name: 'kafkajs-rest', format: 'json', 'auto.offset.reset': 'earliest' },
  });
  out.instance_status = inst.status;
  const uri = inst.json.base_uri;
  out.subscribe_status = (await call('POST', `${uri}/subscription`, { contentType: V2, body: { topics: [topic] } })).status;
  out.records = [];
  for (let i = 0; i < 30 && out.records.length < 3; i++) {
    const r = await call('GET', `${uri}/records`, { accept: JSONV2 });
    if (r.status !== 200) fail(`records: ${r.status} ${JSON.stringify(r.json)}`);
    for (const rec of r.json) out.records.push({ topic: rec.topic, key: rec.key, value: rec.value, partition: rec.partition, offset: rec.offset });
  }
  out.commit_status = (await call('POST', `${uri}/offsets`, { contentType: V2 })).status;

  const groupURL = `${base}/v3/clusters/${cluster}/consumer-groups/${group}`;
  out.group_state = (await call('GET', groupURL)).json.state;
  const summary = (await call('GET', `${groupURL}/lag-summary`)).json;
  out.total_lag = summary.total_lag;
  out.lags = (await call('GET', `${groupURL}/lags`)).json.data.map((l) => ({
    topic_name: l.topic_name,
    partition_id: l.partition_id,
    current_offset: l.current_offset,
    log_end_offset: l.log_end_offset,
    lag: l.lag,
  }));

  out.delete_status = (await call('DELETE', uri, { contentType: V2 })).status;
  const gone = await call('GET', `${uri}/records`, { accept: JSONV2 });
  out.after_delete = { status: gone.status, error_code: gone.json && gone.json.error_code };
  console.log(JSON.stringify(out));
})().catch((e) => fail(String(e && e.stack ? e.stack : e)));
