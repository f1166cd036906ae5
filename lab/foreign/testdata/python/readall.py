"""Reads every partition named in a bounds file from its start to its
bound with confluent-kafka (librdkafka; read_committed, its default), by
assignment, and prints per topic the record count and digests the Go side
computes the same way: all_digest over "partition:offset:key=value" lines
in offset order, state_digest over the sorted "partition:key=value" lines
of each key's latest live value, keys and values as lower-case hex or
"null".

usage: python3 readall.py <broker> <bounds.json>
bounds.json: {"topic": {"partition": {"end": n, "last": n}}}
"""
import hashlib
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

broker, bounds_path = sys.argv[1], sys.argv[2]
with open(bounds_path) as f:
    bounds = json.load(f)


def hex_or_null(b):
    return "null" if b is None else b.hex()


def sha(lines):
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


records = {topic: [] for topic in bounds}
waiting = set()
assignment = []
for topic, parts in bounds.items():
    for p, b in parts.items():
        if b["last"] >= 0:
            waiting.add((topic, int(p)))
            assignment.append(TopicPartition(topic, int(p), OFFSET_BEGINNING))

consumer = Consumer({"bootstrap.servers": broker, "group.id": "readall-py",
                     "enable.auto.commit": False})
consumer.assign(assignment)
deadline = time.time() + 90
while waiting:
    if time.time() > deadline:
        sys.exit("timed out; still waiting for %s" % sorted(waiting))
    msg = consumer.poll(0.5)
    if msg is None:
        continue
    if msg.error():
        sys.exit("consume: %s" % msg.error())
    topic, p, offset = msg.topic(), msg.partition(), msg.offset()
    b = bounds[topic][str(p)]
    if offset >= b["end"]:
        continue
    records[topic].append((p, offset, msg.key(), msg.value()))
    if offset >= b["last"]:
        waiting.discard((topic, p))
consumer.close()

out = {}
for topic, recs in records.items():
    recs.sort(key=lambda r: (r[0], r[1]))
    all_lines = ["%d:%d:%s=%s" % (p, o, hex_or_null(k), hex_or_null(v)) for p, o, k, v in recs]
    latest = {}
    for p, o, k, v in recs:
        if k is not None:
            latest["%d:%s" % (p, hex_or_null(k))] = hex_or_null(v)
    state = sorted("%s=%s" % (k, v) for k, v in latest.items() if v != "null")
    out[topic] = {"count": len(recs), "all_digest": sha(all_lines),
                  "keys": len(state), "state_digest": sha(state)}
print(json.dumps(out))
