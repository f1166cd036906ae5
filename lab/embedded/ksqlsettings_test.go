package embedded_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("ksqlDB settings", func() {
	// docker-compose.yml gives ksqldb-server its settings as KSQL_*
	// variables, which the image turns into ksql-server.properties
	// (KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS is ksql.streams.session.timeout.ms),
	// and SHOW PROPERTIES lists each; the embedded ksqlDB runs with the same
	// values, so a client listing them sees the same.
	It("lists the session timeout docker-compose.yml gives ksqldb-server", func(ctx SpecContext) {
		compose, err := os.ReadFile("../../docker-compose.yml")
		Expect(err).NotTo(HaveOccurred())
		m := regexp.MustCompile(`(?m)^\s+KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS:\s*"(\d+)"`).FindSubmatch(compose)
		Expect(m).NotTo(BeNil(), "docker-compose.yml sets KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS")

		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, running.Endpoints().KSQLDB+"/ksql",
			strings.NewReader(`{"ksql":"SHOW PROPERTIES;","streamsProperties":{}}`))
		req.Header.Set("Accept", "application/vnd.ksql.v1+json")
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusOK), string(body))
		listed := listedProperties(body)
		Expect(listed).To(HaveKeyWithValue("ksql.streams.session.timeout.ms", string(m[1])))
	})
})

// listedProperties are the name and value of each property a SHOW
// PROPERTIES answer lists with a value.
func listedProperties(body []byte) map[string]string {
	GinkgoHelper()
	var out []struct {
		Properties []struct {
			Name  string  `json:"name"`
			Value *string `json:"value"`
		} `json:"properties"`
	}
	Expect(json.Unmarshal(body, &out)).To(Succeed())
	Expect(out).To(HaveLen(1))
	listed := map[string]string{}
	for _, p := range out[0].Properties {
		if p.Value != nil {
			listed[p.Name] = *p.Value
		}
	}
	return listed
}
