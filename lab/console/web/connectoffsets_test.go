package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ctalab/ctalab/app/stationsource"
)

// connectHTTP calls Kafka Connect's REST API directly (not through the
// console) and returns the status and body.
func connectHTTP(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, lab.ep.Connect+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// connectorOffsets is the body of GET /connectors/{name}/offsets as
// KIP-875 defines it: {"offsets":[{"partition":{...},"offset":{...}}]}.
type connectorOffsets struct {
	Offsets []struct {
		Partition json.RawMessage `json:"partition"`
		Offset    json.RawMessage `json:"offset"`
	} `json:"offsets"`
}

// rows renders the offsets as "partition => offset" lines with the
// JSON compacted, for comparison with the page.
func (o connectorOffsets) rows(t *testing.T) []string {
	t.Helper()
	out := []string{}
	for _, x := range o.Offsets {
		var p, v bytes.Buffer
		if err := json.Compact(&p, x.Partition); err != nil {
			t.Fatal(err)
		}
		if err := json.Compact(&v, x.Offset); err != nil {
			t.Fatal(err)
		}
		out = append(out, p.String()+" => "+v.String())
	}
	return out
}

func httpOffsets(t *testing.T, name string) connectorOffsets {
	t.Helper()
	code, b := connectHTTP(t, "GET", "/connectors/"+name+"/offsets", nil)
	var o connectorOffsets
	if code != 200 || json.Unmarshal(b, &o) != nil {
		t.Fatalf("GET /connectors/%s/offsets: %d %s", name, code, b)
	}
	return o
}

// A JDBC source of its own (the stations table, to a topic of its own),
// so that stopping it and resetting its offsets leaves the pipeline alone.
func TestBrowserConnectOffsetsMatchTheRESTAPIAndResetOnlyWhenStopped(t *testing.T) {
	ctx := browser(t)
	name := fmt.Sprintf("console-offsets-%d", time.Now().UnixNano())
	cfg := stationsource.Definition(stationsource.Config{JDBCURL: lab.ep.PostgresFromConnect, PollInterval: time.Hour})
	cfg["name"], cfg["topic.prefix"] = name, "console.web."+name+"."
	if code, b := connectHTTP(t, "PUT", "/connectors/"+name+"/config", cfg); code != 201 && code != 200 {
		t.Fatalf("create connector: %d %s", code, b)
	}
	t.Cleanup(func() { connectHTTP(t, "DELETE", "/connectors/"+name, nil) })
	eventually(t, 2*time.Minute, func() string {
		if o := httpOffsets(t, name); len(o.Offsets) == 0 {
			return "the connector has committed no offsets yet"
		}
		return ""
	})
	card := `div.connector[data-connector="` + name + `"]`
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#connect"), chromedp.WaitVisible(chromedp.CSS(card+` table.offsets tr.offset`))); err != nil {
		t.Fatal(err)
	}
	pageRows := func() []string {
		return js[[]string](t, ctx, `Array.from(document.querySelectorAll('`+card+` table.offsets tr.offset')).map(r => r.querySelector("td.partition").textContent + " => " + r.querySelector("td.offset").textContent)`)
	}
	want := httpOffsets(t, name).rows(t)
	if got := pageRows(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the page shows offsets\n%s\nGET /connectors/%s/offsets answers\n%s", strings.Join(got, "\n"), name, strings.Join(want, "\n"))
	}
	press := func(action string) {
		t.Helper()
		// Clicked in one evaluation: the view is redrawn every 2 s.
		if !js[bool](t, ctx, fmt.Sprintf(`(() => { window.confirm = () => true; const b = document.querySelector(%q); if (!b) return false; b.click(); return true; })()`, card+` button[data-action="`+action+`"]`)) {
			t.Fatalf("no %s button on the page", action)
		}
	}
	// Running: Connect refuses the reset; the page shows its message.
	_, refusal := connectHTTP(t, "DELETE", "/connectors/"+name+"/offsets", nil)
	var refused struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}
	if err := json.Unmarshal(refusal, &refused); err != nil || refused.Message == "" {
		t.Fatalf("Connect's answer to a reset of a running connector: %s", refusal)
	}
	press("reset-offsets")
	eventually(t, 30*time.Second, func() string {
		got := js[string](t, ctx, `(document.querySelector('`+card+` .offsets-result.error') || {}).textContent || ""`)
		if !strings.Contains(got, refused.Message) || !strings.Contains(got, fmt.Sprint(refused.ErrorCode)) {
			return fmt.Sprintf("the page says %q; Connect refuses with %d %q", got, refused.ErrorCode, refused.Message)
		}
		return ""
	})
	if got := httpOffsets(t, name).rows(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("a refused reset changed the offsets to %v", got)
	}
	screenshot(t, ctx, "connect-offsets-refused")
	press("stop")
	eventually(t, time.Minute, func() string {
		var st struct {
			Connector struct{ State string } `json:"connector"`
		}
		_, b := connectHTTP(t, "GET", "/connectors/"+name+"/status", nil)
		_ = json.Unmarshal(b, &st)
		if st.Connector.State != "STOPPED" {
			return "Connect says " + st.Connector.State + " after Stop"
		}
		return ""
	})
	press("reset-offsets")
	eventually(t, 30*time.Second, func() string {
		if got := js[string](t, ctx, `(document.querySelector('`+card+` .offsets-result.ok') || {}).textContent || ""`); got == "" {
			return "the page shows no success for the reset of the stopped connector: " + js[string](t, ctx, `(document.querySelector('`+card+` .offsets-result') || {}).textContent || ""`)
		}
		return ""
	})
	if o := httpOffsets(t, name); len(o.Offsets) != 0 {
		t.Fatalf("after the reset GET /connectors/%s/offsets still answers %v", name, o.rows(t))
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(card+` .offsets-none`))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "connect-offsets")
}
