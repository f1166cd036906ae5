package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Golden files hold presentation only: how the page renders a state whose
// content the specs compare with the in-process simulation. A golden file
// names the spec that owns it on its first line; make golden rewrites them.

// updateGolden rewrites the golden files instead of comparing with them:
// make golden sets it after an intended change of the page.
var updateGolden = os.Getenv("CTALAB_UPDATE_GOLDEN") == "1"

func goldenPath(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "fixtures", "golden", name)
}

// wallClock is the page's one wall-clock fact, the time of the last update.
var wallClock = regexp.MustCompile(`<time id="updated"[^>]*>[^<]*</time>`)

// matchGoldenPage compares a rendered page, its wall-clock time masked, with
// fixtures/golden/<name>.html and fails with the spec that owns the file and
// the lines that differ.
func matchGoldenPage(name, page string) {
	GinkgoHelper()
	owner := CurrentSpecReport().FullText()
	header := fmt.Sprintf("<!-- golden page %s, owned by the scenario spec %q; after an intended change of the page: make golden -->", name, owner)
	got := wallClock.ReplaceAllString(page, `<time id="updated">(wall clock)</time>`)
	path := goldenPath(name + ".html")
	if updateGolden {
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(header+"\n"+got), 0o644)).To(Succeed())
		AddReportEntry("golden file rewritten", path)
		return
	}
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "read %s (create it with make golden)", path)
	first, want, _ := strings.Cut(string(b), "\n")
	Expect(first).To(Equal(header), "%s names the spec %q that owns it (rewrite it with make golden)", path, owner)
	if want == got {
		return
	}
	Fail(fmt.Sprintf("the rendered page differs from %s, owned by the spec %q (after an intended change of the page: make golden):\n%s", path, owner, lineDiff(want, got, 20)))
}

// lineDiff lists the lines that differ, as "line N: want X / got Y", at
// most limit of them.
func lineDiff(want, got string, limit int) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := range max(len(w), len(g)) {
		wl, gl := "(none)", "(none)"
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		if len(out) == limit {
			out = append(out, "  ...")
			break
		}
		out = append(out, fmt.Sprintf("  line %d:\n    want %s\n    got  %s", i+2, wl, gl))
	}
	return strings.Join(out, "\n")
}
