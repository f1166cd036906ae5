package registry

import (
	"fmt"
	"net/http"
)

// apiError is an error response: the HTTP status and Confluent's
// {"error_code": N, "message": "..."} body.
type apiError struct {
	status int
	code   int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errSubjectNotFound(subject string) *apiError {
	return &apiError{http.StatusNotFound, 40401, fmt.Sprintf("Subject '%s' not found.", subject)}
}

func errVersionNotFound(version int) *apiError {
	return &apiError{http.StatusNotFound, 40402, fmt.Sprintf("Version %d not found.", version)}
}

func errSchemaNotFound() *apiError {
	return &apiError{http.StatusNotFound, 40403, "Schema not found"}
}

func errSchemaIDNotFound(id int) *apiError {
	return &apiError{http.StatusNotFound, 40403, fmt.Sprintf("Schema %d not found", id)}
}

func errSubjectSoftDeleted(subject string) *apiError {
	return &apiError{http.StatusNotFound, 40404, fmt.Sprintf("Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject)}
}

func errSubjectNotSoftDeleted(subject string) *apiError {
	return &apiError{http.StatusNotFound, 40405, fmt.Sprintf("Subject '%s' was not deleted first before being permanently deleted", subject)}
}

func errVersionSoftDeleted(subject string, version int) *apiError {
	return &apiError{http.StatusNotFound, 40406, fmt.Sprintf("Subject '%s' Version %d was soft deleted.Set permanent=true to delete permanently", subject, version)}
}

func errVersionNotSoftDeleted(subject string, version int) *apiError {
	return &apiError{http.StatusNotFound, 40407, fmt.Sprintf("Subject '%s' Version %d was not deleted first before being permanently deleted", subject, version)}
}

func errNoSubjectConfig(subject string) *apiError {
	return &apiError{http.StatusNotFound, 40408, fmt.Sprintf("Subject '%s' does not have subject-level compatibility configured", subject)}
}

func errIncompatible(subject string, details string) *apiError {
	return &apiError{http.StatusConflict, 409, fmt.Sprintf("Schema being registered is incompatible with an earlier schema for subject \"%s\", details: %s", subject, details)}
}

func errInvalidSchema(msg string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42201, msg}
}

func errInvalidVersion(version string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42202, fmt.Sprintf("The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", version)}
}

func errInvalidCompatibility() *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"}
}

func errNotPermitted(msg string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42205, msg}
}

func errReferenceExists(subject string, version int) *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42206, fmt.Sprintf("One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, version)}
}

func errInvalidSubject(subject string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42208, fmt.Sprintf("The specified subject '%s' is not a valid.", subject)}
}

func errStore(msg string) *apiError {
	return &apiError{http.StatusInternalServerError, 50001, msg}
}

func errTimeout(msg string) *apiError {
	return &apiError{http.StatusInternalServerError, 50002, msg}
}

// errHTTP is a framework-level error: error_code equals the status and
// the message is "HTTP <status> <reason>", as Jersey writes them.
func errHTTP(status int) *apiError {
	return &apiError{status, status, fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))}
}
