package scenarios_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/lab/testtools"
)

var _ = Describe("The transit status page in a browser", Label("browser"), func() {
	It("lists the 94 stations in order and, without reloading, draws every train where the simulation puts it, tick after tick", func(ctx SpecContext) {
		exe := testtools.Chromium(GinkgoT())
		sched := sim.Schedule{Name: "browser", Start: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 40, Seed: 5}
		stops := []int{1, 2, 3, 17, 40}
		By("running the simulation in-process with the same schedule and seed")
		want := simulate(sched, stops...)
		run := launchStepped(ctx, newStack(ctx), sched, stops...)
		run.pausedAt(ctx, stops[0])

		By("waiting for the page to list every station")
		Eventually(func(g Gomega, ctx context.Context) {
			st := getStatus(g, ctx, run.dashboard)
			n := 0
			for _, l := range st["lines"].([]any) {
				n += len(l.(map[string]any)["stations"].([]any))
			}
			g.Expect(n).To(Equal(94))
		}).WithContext(ctx).Should(Succeed())

		actx, acancel := chromedp.NewExecAllocator(ctx, testtools.Headless(GinkgoT(), exe, 1440, 900)...)
		DeferCleanup(acancel)
		bctx, bcancel := chromedp.NewContext(actx)
		DeferCleanup(bcancel)

		By("opening the page in headless Chromium")
		Expect(chromedp.Do(bctx, chromedp.Navigate(run.dashboard+"/"), chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="live"]`)))).To(Succeed())
		rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`window.__loadedOnce = true; Array.from(document.querySelectorAll("tr.row")).map(r => r.dataset.line + ":" + r.dataset.station)`))
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(HaveLen(94))
		var order []string
		st := getStatus(Default, ctx, run.dashboard)
		for _, l := range st["lines"].([]any) {
			l := l.(map[string]any)
			for _, s := range l["stations"].([]any) {
				order = append(order, l["line"].(string)+":"+jsonInt(s.(map[string]any)["station_id"]))
			}
		}
		Expect(rows).To(Equal(order), "the page lists the lines blue, green, red and their stations by order, as /api/status does")

		for i, n := range stops {
			if i > 0 {
				run.next()
				run.pausedAt(ctx, n)
			}
			state := want.States[n]
			By(fmt.Sprintf("comparing the live page with the simulation after tick %d (%s)", n, state.Time.Format("15:04")))
			// Read the live part in one evaluation: every push replaces it,
			// so a node looked up in one step may be detached in the next.
			Eventually(func(g Gomega) {
				live, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("live").innerHTML`))
				g.Expect(err).NotTo(HaveOccurred())
				expectAsSimulated(g, fmt.Sprintf("the live page after tick %d", n), want.pageDiffs(live, state))
			}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
			By("waiting for every train marker to come to rest at its station")
			Eventually(func(g Gomega) {
				drawn, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](drawnTrains))
				g.Expect(err).NotTo(HaveOccurred())
				live, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("live").innerHTML`))
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(drawn).To(Equal(want.drawnTrains(live, state)), "where the browser draws each train after tick %d: nearest stop by index in the line's diagram, above the track (direction a) or below (b)", n)
			}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
		}
		sameDocument, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__loadedOnce === true`))
		Expect(err).NotTo(HaveOccurred())
		Expect(sameDocument).To(BeTrue(), "the page was not reloaded")

		shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
		Expect(err).NotTo(HaveOccurred())
		_, file, _, _ := runtime.Caller(0)
		dir := filepath.Join(filepath.Dir(file), "..", "artifacts")
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		path := filepath.Join(dir, "scenario-dashboard.png")
		Expect(os.WriteFile(path, shot, 0o644)).To(Succeed())
		AddReportEntry("screenshot", path)
	}, SpecTimeout(5*time.Minute))
})

// drawnTrains is where the browser draws each train marker, by its box on
// screen: "<line> <train> stop <i> above|below", i being the index of the
// line diagram's stop circle nearest to the marker's centre, sorted.
const drawnTrains = `(() => {
  const out = [];
  document.querySelectorAll("#live svg[data-line]").forEach(svg => {
    const stops = Array.from(svg.querySelectorAll("circle.stop")).map(c => {
      const r = c.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    });
    svg.querySelectorAll("g.train").forEach(g => {
      const r = g.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      let best = 0;
      stops.forEach((s, i) => { if (Math.abs(s.x - x) < Math.abs(stops[best].x - x)) best = i; });
      out.push(svg.dataset.line + " " + g.dataset.train + " stop " + best + (y < stops[best].y ? " above" : " below"));
    });
  });
  return out.sort();
})()`

func jsonInt(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
