package connect

import "strings"

// validateExactlyOnce adds the errors a distributed worker's herder finds in
// exactly.once.support and transaction.boundary
// (DistributedHerder.validateSourceConnectorExactlyOnceSupport and
// validateSourceConnectorTransactionBoundary in Kafka 3.9). The JDBC source
// connector overrides neither SourceConnector.exactlyOnceSupport (null) nor
// canDefineTransactionBoundaries (UNSUPPORTED), so "required" and
// "connector" are always refused for it.
func (w *Worker) validateExactlyOnce(values map[string]*configValue) {
	if cv := values["exactly.once.support"]; cv != nil && len(cv.Errors) == 0 {
		if s, _ := cv.Value.(string); strings.EqualFold(strings.TrimSpace(s), "required") {
			if !w.opts.exactlyOnce {
				cv.addError("This worker does not have exactly-once source support enabled.")
			}
			cv.addError(`The connector does not implement the API required for preflight validation of exactly-once ` +
				`source support. Please consult the documentation for the connector to determine whether it supports exactly-once ` +
				`semantics, and then consider reconfiguring the connector to use the value "requested" ` +
				`for this property (which will disable this preflight check and allow the connector to be created).`)
		}
	}
	if cv := values["transaction.boundary"]; cv != nil && len(cv.Errors) == 0 {
		if s, _ := cv.Value.(string); strings.EqualFold(strings.TrimSpace(s), "connector") {
			cv.addError("The connector does not support connector-defined transaction boundaries with the given configuration. " +
				"Please reconfigure it to use a different transaction boundary definition.")
		}
	}
}
