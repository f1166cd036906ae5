package connect

import (
	"regexp"
	"testing"
)

// KIP-558 active topics as Kafka 3.9 keeps them: ConnectorsResource
// getConnectorActiveTopics/resetConnectorActiveTopics answer
// {"<name>":{"topics":[...]}} and 202; WorkerTask.recordActiveTopic writes
// status-topic-<topic>:connector-<name> to connect-status
// (KafkaStatusBackingStore, value {"topic":{"name","connector","task",
// "discoverTimestamp"}}) when a record is acknowledged; a reset writes
// tombstones.
func TestActiveTopicsTrackedResetAndKeptOverRestart(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	// AbstractHerder.connectorActiveTopics does not look the connector up.
	if r := wk.do(t, "GET", "/connectors/nope/topics", nil); r.code != 200 || string(r.body) != `{"nope":{"topics":[]}}` {
		t.Errorf("GET unknown topics = %d %s", r.code, r.body)
	}
	db := thingsConnector(t, wk, b)
	if r := wk.do(t, "GET", "/connectors/things/topics", nil); r.code != 200 || string(r.body) != `{"things":{"topics":["t.things"]}}` {
		t.Errorf("GET topics = %d %s", r.code, r.body)
	}
	want := regexp.MustCompile(`^\{"topic":\{"name":"t\.things","connector":"things","task":0,"discoverTimestamp":[0-9]+\}\}$`)
	eventually(t, "topic status record", func() string {
		for _, rec := range readTopic(t, b, "connect-status") {
			if string(rec.Key) == "status-topic-t.things:connector-things" {
				if !want.Match(rec.Value) {
					t.Fatalf("topic status record = %s", rec.Value)
				}
				return ""
			}
		}
		return "no status-topic-t.things:connector-things record in connect-status"
	})

	r := wk.do(t, "PUT", "/connectors/things/topics/reset", nil)
	if r.code != 202 || len(r.body) != 0 {
		t.Fatalf("reset = %d %s", r.code, r.body)
	}
	if r := wk.do(t, "GET", "/connectors/things/topics", nil); string(r.body) != `{"things":{"topics":[]}}` {
		t.Errorf("GET topics after reset = %s", r.body)
	}
	eventually(t, "tombstone for the topic status", func() string {
		var last []byte
		seen := false
		for _, rec := range readTopic(t, b, "connect-status") {
			if string(rec.Key) == "status-topic-t.things:connector-things" {
				last, seen = rec.Value, true
			}
		}
		if !seen || last != nil {
			return "last value " + string(last)
		}
		return ""
	})

	// The next record written makes the topic active again, and that
	// survives a worker restart.
	db.exec(t, `INSERT INTO things (label) VALUES ('d')`)
	waitRecords(t, b, "t.things", 4)
	eventually(t, "topic active again", func() string {
		if r := wk.do(t, "GET", "/connectors/things/topics", nil); string(r.body) != `{"things":{"topics":["t.things"]}}` {
			return string(r.body)
		}
		return ""
	})
	wk.close()
	wk2 := startWorker(t, b)
	if r := wk2.do(t, "GET", "/connectors/things/topics", nil); string(r.body) != `{"things":{"topics":["t.things"]}}` {
		t.Errorf("GET topics after restart = %s", r.body)
	}

	// DistributedHerder resets the active topics of a deleted connector.
	if r := wk2.do(t, "DELETE", "/connectors/things", nil); r.code != 204 {
		t.Fatalf("DELETE = %d %s", r.code, r.body)
	}
	if r := wk2.do(t, "GET", "/connectors/things/topics", nil); string(r.body) != `{"things":{"topics":[]}}` {
		t.Errorf("GET topics after delete = %s", r.body)
	}
}
