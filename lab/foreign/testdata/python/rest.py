"""Uses the REST Proxy with Python's urllib, no Kafka client: v3 to create
and list a topic, produce three records and describe the consumer group and
its lag; v2 to consume them as a consumer instance (create, subscribe,
records, commit, committed offsets, delete). Prints one JSON object with
what each call answered.

usage: python3 rest.py <rest-proxy-url> <topic> <group>
"""
import json
import sys
import urllib.error
import urllib.request

base, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
V2 = "application/vnd.kafka.v2+json"
JSONV2 = "application/vnd.kafka.json.v2+json"


def call(method, url, body=None, content_type=None, accept=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, text = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    return status, (json.loads(text) if text else None)


out = {}
_, clusters = call("GET", base + "/v3/clusters")
cluster = clusters["data"][0]["cluster_id"]
topics = "%s/v3/clusters/%s/topics" % (base, cluster)

out["create_status"], _ = call("POST", topics, {"topic_name": topic, "partitions_count": 1}, "application/json")
out["listed"] = False
for _ in range(50):
    _, listing = call("GET", topics)
    if any(t["topic_name"] == topic for t in listing["data"]):
        out["listed"] = True
        break

out["produced"] = []
for i in range(3):
    status, r = call("POST", "%s/%s/records" % (topics, topic),
                     {"key": {"type": "JSON", "data": "k%d" % i}, "value": {"type": "JSON", "data": {"n": i}}},
                     "application/json")
    out["produced"].append({"status": status, "error_code": r.get("error_code"),
                            "partition_id": r.get("partition_id"), "offset": r.get("offset")})

out["instance_status"], inst = call("POST", "%s/consumers/%s" % (base, group),
                                    {"name": "python-rest", "format": "json", "auto.offset.reset": "earliest"}, V2)
uri = inst["base_uri"]
out["subscribe_status"], _ = call("POST", uri + "/subscription", {"topics": [topic]}, V2)
out["records"] = []
for _ in range(30):
    if len(out["records"]) >= 3:
        break
    status, recs = call("GET", uri + "/records", accept=JSONV2)
    if status != 200:
        sys.exit("records: %d %s" % (status, recs))
    for rec in recs:
        out["records"].append({k: rec[k] for k in ("topic", "key", "value", "partition", "offset")})
out["commit_status"], _ = call("POST", uri + "/offsets", content_type=V2)
# GET .../offsets carries the partitions in its body.
status, committed = call("GET", uri + "/offsets", {"partitions": [{"topic": topic, "partition": 0}]}, V2)
out["committed"] = {"status": status, "offsets": [
    {"topic": o["topic"], "partition": o["partition"], "offset": o["offset"]} for o in committed["offsets"]]}

group_url = "%s/v3/clusters/%s/consumer-groups/%s" % (base, cluster, group)
out["group_state"] = call("GET", group_url)[1]["state"]
out["total_lag"] = call("GET", group_url + "/lag-summary")[1]["total_lag"]
out["lags"] = [{k: l[k] for k in ("topic_name", "partition_id", "current_offset", "log_end_offset", "lag")}
               for l in call("GET", group_url + "/lags")[1]["data"]]

out["delete_status"], _ = call("DELETE", uri, content_type=V2)
status, gone = call("GET", uri + "/records", accept=JSONV2)
out["after_delete"] = {"status": status, "error_code": gone and gone.get("error_code")}
print(json.dumps(out))
