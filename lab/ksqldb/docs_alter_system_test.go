package ksqldb

import (
	"encoding/json"
	"testing"
)

// The reference page "ALTER SYSTEM"
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/alter-system/):
// the statement needs ksql.runtime.feature.shared.enabled=true, whose
// default is false (KsqlConfig, confluentinc/ksql v7.9.0). With the default,
// ValidatedCommandFactory.createForAlterSystemQuery refuses it with a
// KsqlServerException, which KsqlResource answers with Errors.badRequest:
// HTTP 400, a generic_error of code 40000. The page's example gets that
// answer, and nothing runs.
func TestDocsAlterSystemIsRefusedWithoutTheSharedRuntime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, body := post(t, url, "/ksql", "ALTER SYSTEM 'auto.offset.reset'='earliest';", nil)
	var e map[string]any
	_ = json.Unmarshal(body, &e)
	if code != 400 || e["@type"] != "generic_error" || e["error_code"] != 40000.0 ||
		e["message"] != "Cannot alter system configs when KSQL_SHARED_RUNTIME_ENABLED is turned off." {
		t.Errorf("ALTER SYSTEM: %d %s", code, body)
	}
	code, _ = post(t, url, "/ksql", "ALTER SYSTEM 'auto.offset.reset' 'earliest';", nil)
	if code != 400 {
		t.Errorf("ALTER SYSTEM without '=': %d, want a syntax error", code)
	}
}
