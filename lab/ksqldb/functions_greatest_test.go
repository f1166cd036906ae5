package ksqldb

import (
	"strings"
	"testing"
)

// extremeRows runs SELECT ID, <call> AS X over a JSON stream of the given
// value columns and returns the sink's values for the given records.
func extremeRows(t *testing.T, cols, call string, in []string) []string {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (ID BIGINT KEY, "+cols+") WITH (kafka_topic='input_topic', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT ID, "+call+" AS X FROM INPUT;", earliest())
	for _, v := range in {
		st.produce("input_topic", kv{bigintKey(1), []byte(v)})
	}
	return sinkValues(st, "OUTPUT", len(in))
}

// GREATEST and LEAST take DATE, TIME, TIMESTAMP and BYTES values
// (Greatest.java, Least.java: Date, Time, Timestamp and ByteBuffer
// overloads, confluentinc/ksql v7.9.0). A string literal among temporal
// values resolves, with an implicit cast, to the temporal overload and is
// cast to its type (UdfIndex: STRING implicitly casts to the time types;
// SqlToJavaVisitor.convertArgument casts it). Values: query-validation-tests
// greatest.json and least.json "test greatest with dates" etc.
func TestGreatestLeastTemporal(t *testing.T) {
	for _, c := range []struct {
		name, cols, call string
		in, want         []string
	}{
		{"greatest of dates and a date text", "A DATE, B DATE", "GREATEST(A, B, null, '2021-03-04')",
			[]string{`{"A":19000,"B":-3}`, `{"A":null,"B":null}`}, []string{`{"X":19000}`, `{"X":18690}`}},
		{"least of dates and a date text", "A DATE, B DATE", "LEAST(A, B, '2021-03-04')",
			[]string{`{"A":19000,"B":-3}`, `{"A":null,"B":null}`}, []string{`{"X":-3}`, `{"X":18690}`}},
		{"greatest of times and a time text", "A TIME, B TIME", "GREATEST(A, B, '01:00:00')",
			[]string{`{"A":1000,"B":7200000}`, `{"A":5,"B":null}`}, []string{`{"X":7200000}`, `{"X":3600000}`}},
		{"least of timestamps and a date text", "A TIMESTAMP, B TIMESTAMP", "LEAST(A, B, null, '2000-01-01')",
			[]string{`{"A":1000,"B":-1000}`, `{"A":1700000000000,"B":null}`}, []string{`{"X":-1000}`, `{"X":946684800000}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameLines(t, "OUTPUT", extremeRows(t, c.cols, c.call, c.in), c.want)
		})
	}
}

// BYTES are ordered as java.nio.ByteBuffer.compareTo orders them: byte by
// byte as signed values (0x80 is below 0x7f), then the shorter first
// (Greatest.java, Least.java: ByteBuffer::compareTo).
func TestGreatestLeastBytes(t *testing.T) {
	in := []string{`{"A":"gA==","B":"fw=="}`, `{"A":"YWI=","B":"YQ=="}`, `{"A":null,"B":null}`}
	t.Run("greatest", func(t *testing.T) {
		sameLines(t, "OUTPUT", extremeRows(t, "A BYTES, B BYTES", "GREATEST(A, B, null)", in),
			[]string{`{"X":"fw=="}`, `{"X":"YWI="}`, `{"X":null}`})
	})
	t.Run("least", func(t *testing.T) {
		sameLines(t, "OUTPUT", extremeRows(t, "A BYTES, B BYTES", "LEAST(A, B)", in),
			[]string{`{"X":"gA=="}`, `{"X":"YQ=="}`, `{"X":null}`})
	})
}

// A call that fits no overload, or several equally (UdfIndex's node
// comparator cannot order two variadic overloads of one length), is
// refused with UdfIndex's messages: GREATEST() and GREATEST(*) have no
// arguments (AstBuilder.visitFunctionCall gives '*' none); NULLs fit every
// overload; INTEGER with BIGINT fits BIGINT, DOUBLE and DECIMAL after
// implicit casts (query-validation-tests greatest.json and least.json
// "test no parameters", "test trying to call GREATEST(*)", "test all null
// input", "test implicit casting to long", "... to decimal").
func TestGreatestLeastResolutionErrors(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (ID BIGINT KEY, N1 INT, N2 BIGINT, N3 DECIMAL(50,30)) WITH (kafka_topic='input_topic', partitions=1, value_format='JSON');", nil)
	for _, c := range []struct{ call, want string }{
		{"GREATEST()", "Function 'greatest' does not accept parameters ().\nValid alternatives are:\n"},
		{"LEAST(*)", "Function 'least' does not accept parameters ().\nValid alternatives are:\n"},
		{"GREATEST(null, null, null)", "Function 'greatest' cannot be resolved due to ambiguous method parameters (null, null, null).\nUse CAST() to explicitly cast your parameters to one of the supported function calls.\nValid function calls are:\n"},
		{"LEAST(N1, N2)", "Function 'least' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).\n"},
		{"GREATEST(N1, N2, N3)", "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT, DECIMAL(50, 30)).\n"},
	} {
		code, body := stmtErr(t, url, "CREATE STREAM OUTPUT AS SELECT ID, "+c.call+" AS X FROM INPUT;")
		msg, _ := body["message"].(string)
		if code != 400 || !strings.HasPrefix(msg, c.want) || !strings.HasSuffix(msg, "\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;") {
			t.Errorf("%s: %d %q", c.call, code, msg)
		}
	}
}
