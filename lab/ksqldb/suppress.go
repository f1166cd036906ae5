package ksqldb

import "strings"

// suppressDisabled reports ksql.suppress.enabled=false among a statement's
// properties: EMIT FINAL is then refused (KsqlConfig.KSQL_SUPPRESS_ENABLED,
// true by default).
func suppressDisabled(props map[string]string) bool {
	return strings.EqualFold(strings.TrimSpace(props["ksql.suppress.enabled"]), "false")
}
