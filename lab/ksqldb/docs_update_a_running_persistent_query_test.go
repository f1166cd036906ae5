package ksqldb

import (
	"testing"
)

// The how-to guide "Update a running persistent query". In-place upgrades
// (CREATE OR REPLACE) are not built: they are refused as not supported by
// this server. The guide's statements ksqlDB itself refuses are refused
// with its message.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/update-a-running-persistent-query/

// Section "In-place upgrades": the guide declares purchases without a WITH
// clause, which ksqlDB refuses (CreateSourceProperties: no KAFKA_TOPIC).
func TestHowToUpgradePurchasesWithoutTopicIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, e := stmtErr(t, url, `CREATE STREAM purchases (
  product_id INT KEY,
  name VARCHAR,
  cost DOUBLE,
  quantity INT
);`)
	if want := `Missing required property "KAFKA_TOPIC" which has no default value.`; code != 400 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 %q", code, e["message"], want)
	}
}

// Sections "In action" and "Data selection": with purchases declared on a
// topic, the first valid_purchases query runs, and its CREATE OR REPLACE
// upgrade is refused as not supported, leaving the first query running.
func TestHowToUpgradeCreateOrReplaceIsRefusedAsNotSupported(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM purchases (product_id INT KEY, name VARCHAR, cost DOUBLE, quantity INT)
  WITH (KAFKA_TOPIC='purchases', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE cost > 0.00 AND quantity > 0;`, nil)
	code, e := stmtErr(t, url, `CREATE OR REPLACE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE quantity > 0;`)
	if want := "CREATE OR REPLACE is not supported by this ksqlDB server"; code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 40001 %q", code, e["message"], want)
	}
	queryWriting(t, url, "VALID_PURCHASES") // fails the test when no query writes it
}

// Section "Stateful data selection": the replacing upgrade drops
// purchase_stats with DROP STREAM, but purchase_stats is a table; ksqlDB
// refuses it (DropSourceFactory).
func TestHowToUpgradeDropStreamOfTheStatsTableIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM purchases (product_id INT KEY, name VARCHAR, cost DOUBLE, quantity INT)
  WITH (KAFKA_TOPIC='purchases', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE cost > 0.00 AND quantity > 0;
CREATE TABLE purchase_stats AS
  SELECT product_id,
         COUNT(*) AS num_sales,
         AVG(cost * quantity) AS average_sale
  FROM valid_purchases 
  GROUP BY product_id;`, nil)
	code, e := stmtErr(t, url, "DROP STREAM purchase_stats;")
	if want := "Incompatible data source type is TABLE, but statement was DROP STREAM"; code != 400 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 %q", code, e["message"], want)
	}
}
