package ksqldb

import (
	"context"
	"strings"
	"testing"
)

// The joins page "Partition Data to Enable Joins", its examples run as
// written. Rows come from INSERT INTO ... VALUES; the page shows none. A
// join reads its sources in timestamp order, so the clicks are inserted
// after the users they name.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/partition-data/

// A stream with no key joins the users table on its userId column: the
// join repartitions clicks by userId and each click gets its user's name.
func TestDocsPartitionDataJoinsAKeylessStreamOnAValueColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `-- clicks stream, with no or unknown key.
-- the schema of stream clicks is: USERID BIGINT | URL STRING
CREATE STREAM clicks (
    userId BIGINT, 
    url STRING
  ) WITH (
    kafka_topic='clickstream', 
    value_format='json',
    partitions=1
  );

-- users table, with userId primary key. 
-- the schema of table users is: USERID BIGINT PRIMARY KEY | FULLNAME STRING
CREATE TABLE users (
    id BIGINT PRIMARY KEY, 
    fullName STRING
  ) WITH (
    kafka_topic='users', 
    value_format='json',
    partitions=1
);`, nil)
	mustKSQL(t, url, `INSERT INTO users (id, fullName) VALUES (1, 'Ada Lovelace');
INSERT INTO users (id, fullName) VALUES (2, 'Alan Turing');
INSERT INTO clicks (userId, url) VALUES (2, '/home');
INSERT INTO clicks (userId, url) VALUES (1, '/docs');`, nil)
	rows := streamRows(t, url, `-- join of users table with clicks stream, joining on the table's primary key and the stream's userId column:
-- join will automatically repartition clicks stream:
SELECT 
  c.userId,
  c.url, 
  u.fullName 
FROM clicks c
  JOIN users u ON c.userId = u.id
EMIT CHANGES;`, 2)
	if got, want := strings.Join(rows, " "), `[2,"/home","Alan Turing"] [1,"/docs","Ada Lovelace"]`; got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
}

// An INT key joins a BIGINT primary key once CAST to BIGINT.
func TestDocsPartitionDataJoinsThroughACast(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("clickstream", 1)
	st.createTopic("users", 1)
	mustKSQL(t, url, `-- stream with INT userId
CREATE STREAM clicks (
    userId INT KEY, 
    url STRING
  ) WITH (
    kafka_topic='clickstream', 
    value_format='json'
  );

-- table with BIGINT id stored in the key:
CREATE TABLE users (
    id BIGINT PRIMARY KEY, 
    fullName STRING
  ) WITH (
    kafka_topic='users', 
    value_format='json'
  );`, nil)
	mustKSQL(t, url, `INSERT INTO users (id, fullName) VALUES (1, 'Ada Lovelace');
INSERT INTO clicks (userId, url) VALUES (1, '/docs');`, nil)
	rows := streamRows(t, url, `-- Join utilising a CAST to convert the left sides join column to match the rights type.
SELECT 
  clicks.url, 
  users.fullName 
FROM clicks 
  JOIN users ON CAST(clicks.userId AS BIGINT) = users.id
EMIT CHANGES;`, 1)
	if rows[0] != `["/docs","Ada Lovelace"]` {
		t.Errorf("row %v", rows)
	}
}

// Repartitioning: WITH (PARTITIONS=6) writes a topic of six partitions,
// keyed by product_id after PARTITION BY (the former key column moves to
// the end of the values, query-validation-tests partition-by.json), by the
// existing key without it.
func TestDocsPartitionDataRepartitionsIntoSixPartitions(t *testing.T) {
	for _, c := range []struct{ name, ksql, schema string }{
		{"partition by product_id", `CREATE STREAM products_rekeyed 
  WITH (PARTITIONS=6) AS 
  SELECT * 
   FROM products
   PARTITION BY product_id;`, "PRODUCT_ID STRING KEY, NAME STRING, ID INTEGER"},
		{"keep the key", `CREATE STREAM products_rekeyed 
  WITH (PARTITIONS=6) AS 
  SELECT * FROM products;`, "ID INTEGER KEY, PRODUCT_ID STRING, NAME STRING"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, `CREATE STREAM products (id INT KEY, product_id VARCHAR, name VARCHAR) WITH (kafka_topic='products', partitions=2, value_format='JSON');`, nil)
			mustKSQL(t, url, c.ksql, nil)
			if schema, _ := describeSchema(t, url, "products_rekeyed"); schema != c.schema {
				t.Errorf("DESCRIBE products_rekeyed: %s, want %s", schema, c.schema)
			}
			td, err := st.adm.ListTopics(context.Background(), "PRODUCTS_REKEYED")
			if err != nil || len(td["PRODUCTS_REKEYED"].Partitions) != 6 {
				t.Errorf("PRODUCTS_REKEYED partitions: %v %v", td["PRODUCTS_REKEYED"].Partitions, err)
			}
		})
	}
}
