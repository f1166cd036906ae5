package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// ASSERT TOPIC and ASSERT SCHEMA as ksqlDB 0.29 runs them (confluentinc/ksql
// v7.9.0, AssertExecutor, AssertTopicExecutor, AssertSchemaExecutor): the
// check is tried, and tried again every 100 ms until the statement's
// TIMEOUT (by default ksql.assert.topic.default.timeout.ms or
// ksql.assert.schema.default.timeout.ms, 1000 ms) has passed; an assertion
// that still fails ends the request with HTTP 417 and error code 41700, so
// the statements after it do not run. The request's validation does not
// check assertions (CustomValidators: NO_VALIDATION), and they are no
// commands: nothing is written to the command topic.

const (
	assertRetry          = 100 * time.Millisecond
	assertDefaultTimeout = 1000 // ms
	codeAssertionFailed  = 41700
)

// assertionFailed is Errors.assertionFailedError: HTTP 417, error code
// 41700.
func assertionFailed(msg string) error {
	return &requestFailure{status: http.StatusExpectationFailed, code: codeAssertionFailed, msg: msg}
}

// retryAssertion runs check until it passes or the timeout has passed.
// The caller holds s.mu (executeAll runs statements under it); it is let go
// while the assertion waits, so other requests go on meanwhile.
func (s *Server) retryAssertion(ctx context.Context, ec *execCtx, timeout *sql.WindowTime, defaultKey string, check func() error) error {
	ms := int64(assertDefaultTimeout)
	if v, err := strconv.ParseInt(ec.props[defaultKey], 10, 64); err == nil {
		ms = v
	}
	if timeout != nil {
		ms = timeout.Millis()
	}
	s.mu.Unlock()
	defer s.mu.Lock()
	// RetryUtil.retryWithBackoff(timeout / 100, 100, 100, ...): the first
	// try and then one a retry
	retries := ms / assertRetry.Milliseconds()
	for i := int64(0); ; i++ {
		err := check()
		if err == nil || i >= retries {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(assertRetry):
		}
	}
}

func (s *Server) execAssertTopic(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.AssertTopic) (any, error) {
	if ec.sandbox || ec.replay {
		return nil, nil
	}
	err := s.retryAssertion(ctx, ec, st.Timeout, "ksql.assert.topic.default.timeout.ms", func() error {
		tm, err := s.topicMetaOnce(ctx, st.Topic)
		if err != nil {
			return assertionFailed("Cannot check topic existence: " + err.Error())
		}
		switch {
		case !st.Exists && tm.exists:
			return assertionFailed("Topic " + st.Topic + " exists")
		case !st.Exists:
			return nil // properties are not checked for NOT EXISTS
		case !tm.exists:
			return assertionFailed("Topic " + st.Topic + " does not exist")
		}
		var problems []string
		for _, pr := range st.Props {
			var actual int
			switch strings.ToLower(pr.Name) {
			case "partitions":
				actual = tm.partitions
			case "replicas":
				actual = tm.replicas
			default:
				problems = append(problems, "Cannot assert unknown topic property: "+pr.Name)
				continue
			}
			if lit, _ := pr.Value.(*sql.Literal); !intLiteralIs(lit, actual) {
				problems = append(problems, fmt.Sprintf("Mismatched configuration for topic %s: For config %s, expected %s got %d",
					st.Topic, strings.ToLower(pr.Name), literalText(lit), actual))
			}
		}
		if len(problems) > 0 {
			return assertionFailed(strings.Join(problems, "\n"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &restapi.AssertTopicEntity{Type: "assert_topic", StatementText: p.Text, TopicName: st.Topic, Exists: st.Exists, Warnings: []restapi.Warning{}}, nil
}

// intLiteralIs is AssertTopicExecutor.configMatches: an INTEGER literal
// equal to actual.
func intLiteralIs(lit *sql.Literal, actual int) bool {
	if lit == nil || lit.Kind != sql.IntLit {
		return false
	}
	n, err := strconv.ParseInt(lit.Text, 10, 32)
	return err == nil && int(n) == actual
}

// literalText is the literal's value as Java's toString prints it.
func literalText(lit *sql.Literal) string {
	switch {
	case lit == nil || lit.Kind == sql.NullLit:
		return "null"
	case lit.Kind == sql.BoolLit:
		return strconv.FormatBool(lit.Bool)
	}
	return lit.Text
}

func (s *Server) execAssertSchema(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.AssertSchema) (any, error) {
	if st.Subject == nil && st.ID == nil {
		return nil, stmterr.Bad("ASSERT SCHEMA statements much include a subject name or an id")
	}
	var id *int
	if st.ID != nil {
		n, err := strconv.ParseInt(st.ID.Text, 10, 32)
		if st.ID.Kind != sql.IntLit || err != nil {
			return nil, stmterr.Bad("ID must be an integer")
		}
		v := int(n)
		id = &v
	}
	if ec.sandbox || ec.replay {
		return nil, nil
	}
	what := ""
	if st.Subject != nil {
		what += " subject name " + *st.Subject
	}
	if id != nil {
		what += " id " + strconv.Itoa(*id)
	}
	err := s.retryAssertion(ctx, ec, st.Timeout, "ksql.assert.schema.default.timeout.ms", func() error {
		exists, err := s.schemaExists(ctx, st.Subject, id)
		switch {
		case err != nil:
			return assertionFailed("Cannot check schema existence: " + err.Error())
		case !st.Exists && exists:
			return assertionFailed("Schema with" + what + " exists")
		case st.Exists && !exists:
			return assertionFailed("Schema with" + what + " does not exist")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &restapi.AssertSchemaEntity{Type: "assert_schema", StatementText: p.Text, Subject: st.Subject, ID: id, Exists: st.Exists, Warnings: []restapi.Warning{}}, nil
}

// schemaExists is AssertSchemaExecutor.checkSchemaExistence: with a subject
// and an id, whether the id is registered under the subject; with one of
// them, whether it exists. A 404 with error code 40401 (subject) or 40403
// (schema) means it does not.
func (s *Server) schemaExists(ctx context.Context, subject *string, id *int) (bool, error) {
	if !s.reg.Configured() {
		return false, errors.New("no Schema Registry is configured (ksql.schema.registry.url)")
	}
	cl := s.reg.Client.SR()
	var err error
	switch {
	case subject != nil && id != nil:
		var subjects []string
		if subjects, err = cl.SubjectsByID(ctx, *id); err == nil {
			for _, sub := range subjects {
				if sub == *subject {
					return true, nil
				}
			}
			return false, nil
		}
	case id != nil:
		_, err = cl.SchemaByID(ctx, *id)
	default:
		_, err = cl.SchemaByVersion(ctx, *subject, -1)
	}
	var re *sr.ResponseError
	if errors.As(err, &re) && re.StatusCode == http.StatusNotFound && (re.ErrorCode == 40401 || re.ErrorCode == 40403) {
		return false, nil
	}
	return err == nil, err
}
