package scenarios_test

import (
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/sim"
)

var _ = Describe("A station name with markup", Label("dashboard"), func() {
	It("travels from PostgreSQL through Connect and the transformer and shows on the page as text", func(ctx SpecContext) {
		const name = `<script>alert("cta")</script>`
		s := newStack(ctx)
		By("inserting a Blue Line stop named " + name + " before the connector runs")
		conn, err := pgx.Connect(ctx, s.Endpoints().Postgres)
		Expect(err).NotTo(HaveOccurred())
		_, err = conn.Exec(ctx, `INSERT INTO stations (stop_id, direction_id, stop_name, station_name, station_descriptive_name, station_id, "order", red, blue, green)
			VALUES (39999, 'N', $1, $1, $1, 49999, 34, false, true, false)`, name)
		Expect(err).NotTo(HaveOccurred())
		Expect(conn.Close(ctx)).To(Succeed())

		run := startPipeline(ctx, s, sim.Schedule{Name: "markup", Start: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 1, Seed: 1})
		Eventually(func(g Gomega, ctx SpecContext) {
			st := getStatus(g, ctx, run.dashboard)
			var names []string
			for _, l := range st["lines"].([]any) {
				for _, s := range l.(map[string]any)["stations"].([]any) {
					names = append(names, s.(map[string]any)["name"].(string))
				}
			}
			g.Expect(names).To(ContainElement(name), "/api/status carries the name as it is")
		}).WithContext(ctx).Should(Succeed())

		page := httpText(ctx, run.dashboard+"/")
		Expect(page).NotTo(ContainSubstring(name), "the name never becomes markup")
		Expect(strings.Count(page, `&lt;script&gt;alert(&#34;cta&#34;)&lt;/script&gt;`)).To(BeNumerically(">=", 2), "the name shows as text in the table row and the line diagram")
	}, SpecTimeout(3*time.Minute))
})
