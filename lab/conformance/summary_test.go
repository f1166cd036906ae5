package conformance

import (
	"reflect"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestFeatureNamesAreEveryDeclarableFeatureInOrder(t *testing.T) {
	want := []string{
		"Kafka", "SchemaRegistry", "RESTProxyV2", "RESTProxyV3",
		"Connect.JDBC", "Connect.Transforms", "Connect.Offsets", "Connect.Restart",
		"KsqlDB.Statements", "KsqlDB.PushQueries", "KsqlDB.PullQueries", "KsqlDB.Formats",
		"PostgreSQL", "RestartDurability",
	}
	if got := (Features{}).Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	f := Features{Connect: ConnectFeatures{Offsets: true}}
	for _, name := range want {
		if got := f.Declared(name); got != (name == "Connect.Offsets") {
			t.Errorf("Declared(%s) = %v", name, got)
		}
	}
	for _, name := range want {
		if !All().Declared(name) {
			t.Errorf("All() does not declare %s", name)
		}
	}
}

func TestDeclaredPanicsOnANameThatIsNoFeature(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Declared(Connect.Nope) did not panic")
		}
	}()
	All().Declared("Connect.Nope")
}

func spec(feature string, state types.SpecState, msg string) types.SpecReport {
	return types.SpecReport{
		LeafNodeType:   types.NodeTypeIt,
		LeafNodeText:   "spec of " + feature,
		LeafNodeLabels: []string{"conformance", featureLabelPrefix + feature},
		State:          state,
		Failure:        types.Failure{Message: msg},
	}
}

func TestSummarizeFoldsSpecsIntoOneOutcomePerFeature(t *testing.T) {
	f := Features{Kafka: true, SchemaRegistry: true, RESTProxyV2: true, PostgreSQL: true}
	r := types.Report{SpecReports: types.SpecReports{
		spec("Kafka", types.SpecStatePassed, ""),
		spec("Kafka", types.SpecStateSkipped, "kcat is not installed"),
		spec("SchemaRegistry", types.SpecStatePassed, ""),
		spec("SchemaRegistry", types.SpecStateFailed, "Expected 409\nto equal 200"),
		spec("RESTProxyV3", types.SpecStateSkipped, "feature RESTProxyV3 not declared by provider p"),
		spec("RESTProxyV3", types.SpecStateSkipped, "feature RESTProxyV3 not declared by provider p"),
		spec("PostgreSQL", types.SpecStateTimedout, "spec timeout"),
	}}
	got := map[string]Outcome{}
	for _, o := range Summarize(f, r) {
		got[o.Feature] = o
	}
	check := func(name, state, detail string) {
		t.Helper()
		o := got[name]
		if o.State != state || !strings.Contains(o.Detail, detail) {
			t.Errorf("%s: %+v, want %s with %q", name, o, state, detail)
		}
	}
	check("Kafka", "passed", "1 specs, 1 skipped: kcat is not installed")
	check("SchemaRegistry", "failed", "1 of 2 specs failed; first: spec of SchemaRegistry: Expected 409")
	check("RESTProxyV3", "skipped", "feature RESTProxyV3 not declared by provider p")
	check("PostgreSQL", "failed", "spec timeout")
	check("Connect.JDBC", "failed", "no spec covers this feature")
	if len(got) != len(f.Names()) {
		t.Errorf("%d outcomes, want one per feature (%d)", len(got), len(f.Names()))
	}
}

func TestSkippedNamesUndeclaredFeaturesAsSuch(t *testing.T) {
	f := All()
	f.RestartDurability = false
	for _, o := range Skipped("containers", f, "no Docker engine") {
		want := "no Docker engine"
		if o.Feature == "RestartDurability" {
			want = "feature RestartDurability not declared by provider containers"
		}
		if o.State != "skipped" || o.Detail != want {
			t.Errorf("%+v, want skipped: %s", o, want)
		}
	}
}
