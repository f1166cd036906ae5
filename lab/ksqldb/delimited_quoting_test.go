package ksqldb

import (
	"testing"
)

// DELIMITED values are written through Commons CSV 1.4's CSVFormat.DEFAULT
// (DelimitedFormat, KsqlDelimitedSerializer), whose MINIMAL quote rule quotes
// a first field that does not start with an ASCII letter or digit, any field
// starting with a character up to '#', holding a quote, line break or the
// delimiter, or ending in a character up to a space. A null is written as
// nothing. query-validation-tests bytes-and-strings.json "convert bytes to
// ASCII encoded string" ("!",IQ==,"!"), from-days.json "convert days to date"
// ("-10"), delimited.json "read written decimals" ("-12345.12...").
func TestDelimitedValuesAreQuotedAsCommonsCSVMinimal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (K STRING KEY, A STRING, B STRING, C INT) WITH (kafka_topic='src', partitions=1, format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM OUT WITH (format='DELIMITED') AS SELECT K, A, B, C FROM SRC;", earliest())
	mustKSQL(t, url, "CREATE STREAM NEG WITH (format='DELIMITED') AS SELECT K, C, A FROM SRC;", earliest())
	st.produce("src",
		kv{key: []byte(`"k1"`), value: []byte(`{"A":"!x","B":"y!","C":1}`)},
		kv{key: []byte(`"k2"`), value: []byte(`{"A":"#x","B":"$x","C":-3}`)},
		kv{key: []byte(`"k3"`), value: []byte(`{"A":"a\"b","B":"t ","C":null}`)},
		kv{key: []byte(`"k4"`), value: []byte(`{"A":"","B":"","C":2}`)},
		kv{key: []byte(`"k5"`), value: []byte(`{"A":null,"B":"é","C":3}`)},
	)
	sameLines(t, "OUT", sinkValues(st, "OUT", 5), []string{
		`"!x",y!,1`,
		`"#x",$x,-3`,
		`"a""b","t ",`,
		`"",,2`,
		`,é,3`,
	})
	sameLines(t, "NEG", sinkValues(st, "NEG", 5), []string{
		`1,"!x"`,
		`"-3","#x"`,
		`,"a""b"`,
		`2,`,
		`3,`,
	})
}

// A first field that is an empty text, not a null, is quoted, so that a
// record of one empty field is not an empty line (CSVFormat.printAndQuote).
func TestDelimitedEmptyFirstTextIsQuoted(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (K STRING KEY, A STRING, B STRING) WITH (kafka_topic='src', partitions=1, format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM OUT WITH (format='DELIMITED') AS SELECT K, A, B FROM SRC;", earliest())
	st.produce("src",
		kv{key: []byte(`"k1"`), value: []byte(`{"A":"","B":"é"}`)},
		kv{key: []byte(`"k2"`), value: []byte(`{"A":"é","B":"x"}`)},
	)
	sameLines(t, "OUT", sinkValues(st, "OUT", 2), []string{`"",é`, `"é",x`})
}
