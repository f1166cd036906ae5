package conformance

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	"github.com/onsi/ginkgo/v2/types"
)

// SummaryDirEnv names the environment variable that, when set, is the
// directory where each provider's feature summary is written, as
// <provider>.txt, for a caller (make unit) to print: go test shows nothing
// of a passing package's output.
const SummaryDirEnv = "CTALAB_CONFORMANCE_DIR"

// Outcome is how one feature fared on one provider.
type Outcome struct {
	Feature string
	// State is "passed", "failed" or "skipped".
	State string
	// Detail is the reason of a skip, the first failure, or the spec count.
	Detail string
}

// Summarize folds a suite report into one outcome per feature, in the order
// of f.Names: failed when any of its specs failed, skipped (with the first
// reason) when all were skipped, passed otherwise.
func Summarize(f Features, r types.Report) []Outcome {
	suiteSkip := ""
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType == types.NodeTypeBeforeSuite && sr.State == types.SpecStateSkipped {
			suiteSkip = sr.Failure.Message
		}
	}
	type tally struct {
		passed, failed, skipped int
		skipReason, failure     string
	}
	byFeature := map[string]*tally{}
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		name := featureOf(sr.Labels())
		if name == "" {
			continue
		}
		t := byFeature[name]
		if t == nil {
			t = &tally{}
			byFeature[name] = t
		}
		switch {
		case sr.State == types.SpecStatePassed:
			t.passed++
		case sr.State.Is(types.SpecStateFailureStates):
			t.failed++
			if t.failure == "" {
				t.failure = sr.FullText() + ": " + firstLine(sr.Failure.Message)
			}
		default: // skipped or pending
			t.skipped++
			if t.skipReason == "" {
				t.skipReason = firstLine(sr.Failure.Message)
			}
		}
	}
	var out []Outcome
	for _, name := range f.Names() {
		t := byFeature[name]
		switch {
		case t == nil:
			out = append(out, Outcome{name, "failed", "no spec covers this feature"})
		case t.failed > 0:
			out = append(out, Outcome{name, "failed", fmt.Sprintf("%d of %d specs failed; first: %s", t.failed, t.passed+t.failed+t.skipped, t.failure)})
		case t.passed == 0:
			reason := t.skipReason
			if reason == "" {
				reason = suiteSkip
			}
			if reason == "" {
				reason = "not selected in this run"
			}
			out = append(out, Outcome{name, "skipped", reason})
		default:
			d := fmt.Sprintf("%d specs", t.passed)
			if t.skipped > 0 {
				d += fmt.Sprintf(", %d skipped: %s", t.skipped, t.skipReason)
			}
			out = append(out, Outcome{name, "passed", d})
		}
	}
	return out
}

// Skipped is the summary of a provider's suite that did not run at all, for
// the reason given.
func Skipped(provider string, f Features, reason string) []Outcome {
	var out []Outcome
	for _, name := range f.Names() {
		r := reason
		if !f.Declared(name) {
			r = fmt.Sprintf("feature %s not declared by provider %s", name, provider)
		}
		out = append(out, Outcome{name, "skipped", r})
	}
	return out
}

// WriteSummary writes the provider's outcomes as a table to w.
func WriteSummary(w io.Writer, provider string, outcomes []Outcome) {
	fmt.Fprintf(w, "conformance features on provider %s:\n", provider)
	for _, o := range outcomes {
		fmt.Fprintf(w, "  %-26s %-8s %s\n", o.Feature, o.State, o.Detail)
	}
}

// PrintSummary writes the provider's summary to standard output (seen with
// go test -v or when the package fails) and, when SummaryDirEnv is set, to
// <dir>/<provider>.txt.
func PrintSummary(provider string, outcomes []Outcome) error {
	var b strings.Builder
	WriteSummary(&b, provider, outcomes)
	fmt.Print(b.String())
	dir := os.Getenv(SummaryDirEnv)
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("conformance summary: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, provider+".txt"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("conformance summary: %w", err)
	}
	return nil
}

// reportAfterSuite registers the summary of this provider's run.
func reportAfterSuite(provider string, f Features) {
	ReportAfterSuite("conformance features ("+provider+")", func(r Report) {
		if err := PrintSummary(provider, Summarize(f, r)); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	})
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
