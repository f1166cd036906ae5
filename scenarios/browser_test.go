package scenarios_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/sim"
)

var _ = Describe("The transit status page in a browser", Label("browser"), func() {
	It("shows the 94 stations in order and moves the trains without reloading while a schedule replays", func(ctx SpecContext) {
		exe, err := exec.LookPath("chromium")
		if err != nil {
			Skip("chromium is not installed: scripts/install-test-deps (run by make test) installs it")
		}
		s := newStack(ctx)
		// 40 ticks at 10x: a train moves every half second for 20 seconds.
		run := launchPipeline(ctx, s, sim.Schedule{Name: "browser", Start: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 40, Seed: 5}, sim.Times(10))

		By("waiting for the page to list every station")
		Eventually(func(g Gomega, ctx context.Context) {
			st := getStatus(g, ctx, run.dashboard)
			n := 0
			for _, l := range st["lines"].([]any) {
				n += len(l.(map[string]any)["stations"].([]any))
			}
			g.Expect(n).To(Equal(94))
		}).WithContext(ctx).Should(Succeed())

		actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(GinkgoT().TempDir()),
			chromedp.WindowSize(1440, 900))
		DeferCleanup(acancel)
		bctx, bcancel := chromedp.NewContext(actx)
		DeferCleanup(bcancel)

		By("opening the page in headless Chromium")
		Expect(chromedp.Do(bctx, chromedp.Navigate(run.dashboard+"/"), chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="live"]`)))).To(Succeed())
		rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`window.__loadedOnce = true; Array.from(document.querySelectorAll("tr.row")).map(r => r.dataset.line + ":" + r.dataset.station)`))
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(HaveLen(94))
		var want []string
		st := getStatus(Default, ctx, run.dashboard)
		for _, l := range st["lines"].([]any) {
			l := l.(map[string]any)
			for _, s := range l["stations"].([]any) {
				want = append(want, l["line"].(string)+":"+jsonInt(s.(map[string]any)["station_id"]))
			}
		}
		Expect(rows).To(Equal(want), "the page lists the lines blue, green, red and their stations by order, as /api/status does")

		By("watching the train cells change without a reload")
		trains := `Array.from(document.querySelectorAll("tr.row")).map(r => Array.from(r.querySelectorAll("td")).slice(2, 4).map(c => c.textContent.trim()).join("|")).join(";")`
		before, err := chromedp.Run(bctx, chromedp.Evaluate[string](trains))
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			after, err := chromedp.Run(bctx, chromedp.Evaluate[string](trains))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(after).NotTo(Equal(before), "a train moved on the page")
		}).WithContext(ctx).WithTimeout(20 * time.Second).Should(Succeed())
		sameDocument, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__loadedOnce === true`))
		Expect(err).NotTo(HaveOccurred())
		Expect(sameDocument).To(BeTrue(), "the page was not reloaded")

		// Read the text in one evaluation: every push replaces the live part
		// of the page, so a node looked up in one step may be detached (and
		// empty) in the next.
		Eventually(func(g Gomega) {
			weather, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("weather").textContent.trim()`))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(weather).To(MatchRegexp(`-?\d+° \| (Sunny|Partly Cloudy|Cloudy|Windy|Precipitation)`), "the page shows the reported weather")
		}).WithContext(ctx).WithTimeout(20 * time.Second).Should(Succeed())

		shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
		Expect(err).NotTo(HaveOccurred())
		_, file, _, _ := runtime.Caller(0)
		dir := filepath.Join(filepath.Dir(file), "..", "artifacts")
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		path := filepath.Join(dir, "scenario-dashboard.png")
		Expect(os.WriteFile(path, shot, 0o644)).To(Succeed())
		AddReportEntry("screenshot", path)
	}, SpecTimeout(3*time.Minute))
})

func jsonInt(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
