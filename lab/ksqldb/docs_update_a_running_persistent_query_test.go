package ksqldb

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The how-to guide "Update a running persistent query", its statements
// verbatim where ksqlDB runs them (in-place upgrades with CREATE OR
// REPLACE); the guide's statements ksqlDB itself refuses are refused with
// its message.
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

// purchasesOnTopic is the guide's purchases declaration with the WITH
// clause ksqlDB needs.
const purchasesOnTopic = `CREATE STREAM purchases (product_id INT KEY, name VARCHAR, cost DOUBLE, quantity INT)
  WITH (KAFKA_TOPIC='purchases', PARTITIONS=1, VALUE_FORMAT='JSON');
`

// Sections "In action" and "Data selection": the CREATE OR REPLACE
// upgrade keeps the query id, and from then on a refund (negative cost)
// is a valid purchase; the refund before the upgrade stays out.
func TestHowToUpgradeDataSelectionLetsRefundsThroughAfterTheUpgrade(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, purchasesOnTopic+`CREATE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE cost > 0.00 AND quantity > 0;
INSERT INTO purchases (product_id, name, cost, quantity) VALUES (1, 'refund', -2.5, 1);
INSERT INTO purchases (product_id, name, cost, quantity) VALUES (1, 'sale', 2.5, 1);`, earliest())
	st.consume("VALID_PURCHASES", 1)
	before := queryWriting(t, url, "VALID_PURCHASES")
	mustKSQL(t, url, `CREATE OR REPLACE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE quantity > 0;`, nil)
	if after := queryWriting(t, url, "VALID_PURCHASES"); after != before {
		t.Fatalf("query after the upgrade %s, want %s", after, before)
	}
	mustKSQL(t, url, "INSERT INTO purchases (product_id, name, cost, quantity) VALUES (1, 'refund', -2.5, 1);", nil)
	var names []any
	for _, r := range st.consume("VALID_PURCHASES", 2) {
		var v map[string]any
		if err := json.Unmarshal(r.value, &v); err != nil {
			t.Fatal(err)
		}
		names = append(names, v["NAME"])
	}
	if want := []any{"sale", "refund"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("valid purchases %v, want %v", names, want)
	}
}

// Section "Schema evolution": the guide's replaced declaration has no WITH
// clause either, which ksqlDB refuses; with it, the column is added, and
// re-issuing the SELECT * query adds it to valid_purchases.
func TestHowToUpgradeSchemaEvolutionAddsPopularityToValidPurchases(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, purchasesOnTopic+`CREATE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE cost > 0.00 AND quantity > 0;`, nil)
	code, e := stmtErr(t, url, `CREATE OR REPLACE STREAM purchases (
  product_id INT KEY,
  name VARCHAR,
  cost DOUBLE,
  quantity INT,
  popularity DOUBLE
);`)
	if want := `Missing required property "KAFKA_TOPIC" which has no default value.`; code != 400 || e["message"] != want {
		t.Fatalf("%d %v\nwant 400 %q", code, e["message"], want)
	}
	mustKSQL(t, url, `CREATE OR REPLACE STREAM purchases (
  product_id INT KEY,
  name VARCHAR,
  cost DOUBLE,
  quantity INT,
  popularity DOUBLE
) WITH (KAFKA_TOPIC='purchases', VALUE_FORMAT='JSON');

CREATE OR REPLACE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE quantity > 0;`, earliest()) // nothing committed yet: the upgraded query reads from the start
	mustKSQL(t, url, "INSERT INTO purchases (product_id, name, cost, quantity, popularity) VALUES (1, 'sale', 2.5, 1, 0.75);", nil)
	var v map[string]any
	if err := json.Unmarshal(st.consume("VALID_PURCHASES", 1)[0].value, &v); err != nil {
		t.Fatal(err)
	}
	if v["POPULARITY"] != 0.75 {
		t.Fatalf("valid purchase %v, want POPULARITY 0.75", v)
	}
}

// Section "Stateful data selection": purchase_stats upgraded in place with
// WHERE cost > 0 keeps its count, and a refund after the upgrade does not
// add to it.
func TestHowToUpgradeStatefulDataSelectionStopsCountingRefunds(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, purchasesOnTopic+`CREATE STREAM valid_purchases AS
  SELECT *
  FROM purchases
  WHERE quantity > 0;
CREATE TABLE purchase_stats AS
  SELECT product_id,
         COUNT(*) AS num_sales,
         AVG(cost * quantity) AS average_sale
  FROM valid_purchases 
  GROUP BY product_id;
INSERT INTO purchases (product_id, name, cost, quantity) VALUES (1, 'refund', -2.0, 1);`, earliest())
	st.consume("PURCHASE_STATS", 1)
	mustKSQL(t, url, `CREATE OR REPLACE TABLE purchase_stats AS
  SELECT product_id,
         COUNT(*) AS num_sales,
         AVG(cost * quantity) AS average_sale
  FROM valid_purchases 
  WHERE cost > 0
  GROUP BY product_id;`, nil)
	mustKSQL(t, url, `INSERT INTO purchases (product_id, name, cost, quantity) VALUES (1, 'refund', -2.0, 1);
INSERT INTO purchases (product_id, name, cost, quantity) VALUES (1, 'sale', 4.0, 1);`, nil)
	var v map[string]any
	if err := json.Unmarshal(st.consume("PURCHASE_STATS", 2)[1].value, &v); err != nil {
		t.Fatal(err)
	}
	if v["NUM_SALES"] != 2.0 || v["AVERAGE_SALE"] != 1.0 {
		t.Fatalf("stats after the upgrade %v, want NUM_SALES 2 and AVERAGE_SALE 1.0 (the refund before it, and the sale)", v)
	}
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
	// DropSourceFactory writes both kinds in lower case
	if want := "Incompatible data source type is table, but statement was DROP stream"; code != 400 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 %q", code, e["message"], want)
	}
}
