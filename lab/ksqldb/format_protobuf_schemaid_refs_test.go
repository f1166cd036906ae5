package ksqldb

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// A CREATE naming by VALUE_SCHEMA_ID a PROTOBUF schema that imports another
// registers it under the topic's value subject with its references, as
// SchemaRegisterInjector.registerRawSchema registers the ParsedSchema it
// fetched (references included), and gets the same id back; the columns
// keep the schema's field names (query-validation-tests protobuf.json
// 'specify a protobuf schema with external references').
func TestProtobufSchemaIDWithReferencesIsRegisteredWithThem(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	registerSchemaType(t, regURL, "stop.proto", "PROTOBUF", "syntax = \"proto3\";\n\nmessage Stop {\n  int64 at = 1;\n}\n")
	body, _ := json.Marshal(map[string]any{
		"schemaType": "PROTOBUF",
		"schema":     "syntax = \"proto3\";\n\nimport \"stop.proto\";\n\nmessage Run {\n  Stop stop = 1;\n}\n",
		"references": []map[string]any{{"name": "stop.proto", "subject": "stop.proto", "version": 1}},
	})
	resp, err := http.Post(regURL+"/subjects/runs-schema/versions", "application/vnd.schemaregistry.v1+json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ID int `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || resp.StatusCode != 200 {
		t.Fatalf("register: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	st.createTopic("runs", 1)
	mustKSQL(t, url, "CREATE STREAM runs WITH (KAFKA_TOPIC='runs', VALUE_FORMAT='PROTOBUF', VALUE_SCHEMA_ID="+itoa(int64(reg.ID))+");", nil)

	resp, err = http.Get(regURL + "/subjects/runs-value/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var latest struct {
		ID         int `json:"id"`
		References []struct {
			Name string `json:"name"`
		} `json:"references"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&latest); err != nil || resp.StatusCode != 200 {
		t.Fatalf("runs-value: %d %v", resp.StatusCode, err)
	}
	if latest.ID != reg.ID || len(latest.References) != 1 || latest.References[0].Name != "stop.proto" {
		t.Errorf("runs-value holds id %d with references %v, want id %d referring to stop.proto", latest.ID, latest.References, reg.ID)
	}
	rows := mustKSQL(t, url, "DESCRIBE runs;", nil)
	fields, _ := json.Marshal(rows[0]["sourceDescription"].(map[string]any)["fields"])
	if want := `[{"name":"stop","schema":{"fields":[{"name":"at","schema":{"fields":null,"memberSchema":null,"type":"BIGINT"}}],"memberSchema":null,"type":"STRUCT"}}]`; string(fields) != want {
		t.Errorf("fields %s\nwant %s", fields, want)
	}
}
