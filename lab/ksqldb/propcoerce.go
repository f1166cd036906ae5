package ksqldb

import (
	"fmt"
	"strings"
)

// booleanOverrides are the BOOLEAN configs (KsqlConfig.java, confluentinc/ksql
// v7.9.0) whose request overrides this server types as ksqlDB does.
var booleanOverrides = []string{pushV2Property}

// parsesAsBoolean reports whether v is a value Kafka's ConfigDef.parseType
// takes for a BOOLEAN config: a boolean, or a string "true" or "false" in
// any case around spaces (null too: no value).
func parsesAsBoolean(v any) bool {
	switch v := v.(type) {
	case nil, bool:
		return true
	case string:
		t := strings.TrimSpace(v)
		return strings.EqualFold(t, "true") || strings.EqualFold(t, "false")
	}
	return false
}

// coerceOverrides types the old request body's overrides of booleanOverrides
// as KsqlRequest.getConfigOverrides does (PropertiesUtil.coerceTypes): a
// value ConfigDef.parseType refuses is a KsqlException whose message names
// it, caused by the ConfigException, which the old endpoints answer as a
// bad request with ErrorMessageUtil.buildErrorMessage's text (the cause
// wrapped at 80 columns).
func coerceOverrides(raw map[string]any) error {
	for _, k := range booleanOverrides {
		v, ok := raw[k]
		if !ok || parsesAsBoolean(v) {
			continue
		}
		cause := fmt.Sprintf("Invalid value %v for configuration %s: Expected value to be either true or false", v, k)
		return &badRequestError{msg: fmt.Sprintf("Failed to coerce type of value '%v' for key '%s'\n%s", v, k, wordWrap("Caused by: "+cause, 80, "\n\t"))}
	}
	return nil
}

// badRequestError is a KsqlException the old endpoints answer with
// Errors.badRequest: 400, generic error 40000.
type badRequestError struct{ msg string }

func (e *badRequestError) Error() string { return e.msg }

// errInternalQuery is how ServerUtils.handleEndpointException answers an
// exception that is neither a KsqlStatementException nor a KsqlApiException
// (nor a rate limit): 500, generic error 50000, the cause kept from the
// client.
var errInternalQuery = &internalQueryError{}

type internalQueryError struct{}

func (*internalQueryError) Error() string {
	return "The server encountered an internal error when processing the query. Please consult the server logs for more information."
}
