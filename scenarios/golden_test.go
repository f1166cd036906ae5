package scenarios_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// updateGolden rewrites the golden files instead of comparing with them:
// make golden sets it after an intended change.
var updateGolden = os.Getenv("CTALAB_UPDATE_GOLDEN") == "1"

func goldenPath(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "fixtures", "golden", name+".json")
}

// matchGolden compares got, as indented JSON, with fixtures/golden/<name>.json
// and fails with the differing fields, one per line.
func matchGolden(name string, got any) {
	GinkgoHelper()
	b, err := json.MarshalIndent(got, "", "  ")
	Expect(err).NotTo(HaveOccurred())
	b = append(b, '\n')
	path := goldenPath(name)
	if updateGolden {
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, b, 0o644)).To(Succeed())
		AddReportEntry("golden file rewritten", path)
		return
	}
	want, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "read %s (create it with make golden)", path)
	if bytes.Equal(want, b) {
		return
	}
	var gotV, wantV any
	Expect(json.Unmarshal(b, &gotV)).To(Succeed())
	Expect(json.Unmarshal(want, &wantV)).To(Succeed(), "parse %s", path)
	Fail(fmt.Sprintf("%s differs from the golden file (after an intended change: make golden):\n%s", name, jsonDiff(wantV, gotV, 40)))
}

// jsonDiff lists the leaves that differ between want and got, as
// "path: want X, got Y" lines, at most limit of them.
func jsonDiff(want, got any, limit int) string {
	w, g := map[string]string{}, map[string]string{}
	flatten("", want, w)
	flatten("", got, g)
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	var paths []string
	for k := range keys {
		if w[k] != g[k] {
			paths = append(paths, k)
		}
	}
	// The topics' figures first, the dashboard's after them.
	sort.Slice(paths, func(i, j int) bool {
		di, dj := strings.HasPrefix(paths[i], "dashboard."), strings.HasPrefix(paths[j], "dashboard.")
		if di != dj {
			return dj
		}
		return paths[i] < paths[j]
	})
	var lines []string
	for i, p := range paths {
		if i == limit {
			lines = append(lines, fmt.Sprintf("  ... and %d more", len(paths)-limit))
			break
		}
		lines = append(lines, fmt.Sprintf("  %s: want %s, got %s", p, orMissing(w, p), orMissing(g, p)))
	}
	return strings.Join(lines, "\n")
}

func orMissing(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return "(missing)"
}

func flatten(prefix string, v any, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			flatten(prefix+"."+k, x, out)
		}
	case []any:
		for i, x := range t {
			flatten(fmt.Sprintf("%s[%s]", prefix, label(i, x)), x, out)
		}
	default:
		b, _ := json.Marshal(t)
		out[strings.TrimPrefix(prefix, ".")] = string(b)
	}
}

// label names an array element by what it is about, where it says so (a
// line, a station), so that a diff reads "lines[blue].stations[Clark/Lake
// 40380]" rather than "lines[0].stations[16]".
func label(i int, x any) string {
	if m, ok := x.(map[string]any); ok {
		if name, ok := m["station_name"].(string); ok {
			return fmt.Sprintf("%s %v", name, m["station_id"])
		}
		if name, ok := m["name"].(string); ok {
			return fmt.Sprintf("%s %v", name, m["station_id"])
		}
		if line, ok := m["line"].(string); ok {
			return line
		}
	}
	return fmt.Sprint(i)
}
