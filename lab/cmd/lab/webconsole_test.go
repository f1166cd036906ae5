package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, b)
		}
	}
	return resp.StatusCode
}

type faultsAnswer struct {
	Faults []struct{ Name, Label string } `json:"faults"`
	Why    string                         `json:"why"`
}

// lab serve serves the web console beside the stack, with the lab's fault
// actions as buttons; a fault pressed there is done by the lab.
func TestServeServesTheConsoleWithTheLabsFaultActions(t *testing.T) {
	st, _ := startServe(t, labDir(t), "--listen", "127.0.0.1:0")
	if st.Console == "" {
		t.Fatal("the state file names no console")
	}
	resp, err := http.Get(st.Console + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "ctalab console") {
		t.Fatalf("GET /: %s", resp.Status)
	}
	var f faultsAnswer
	getJSON(t, st.Console+"/api/faults", &f)
	var names []string
	for _, x := range f.Faults {
		names = append(names, x.Name)
	}
	if want := faultNames(); strings.Join(names, ", ") != want {
		t.Fatalf("console faults %v, want the lab's: %s", names, want)
	}
	req, _ := http.NewRequest("POST", st.Console+"/api/faults/ksqldb-restart", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("ksqldb-restart from the console: %s %s", resp.Status, body)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var svc map[string]struct{ Up bool }
		if getJSON(t, st.Console+"/api/services", &svc) == 200 && svc["ksqldb"].Up && svc["kafka"].Up {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console does not show ksqlDB up a minute after its restart: %+v", svc)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lab console finds the lab recorded in the data dir, and without one
// offers no fault, saying why.
func TestConsoleCommandUsesTheRecordedLabAndItsFaults(t *testing.T) {
	dir := labDir(t)
	st, _ := startServe(t, dir, "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"console", "--data-dir", dir, "--listen", "127.0.0.1:0"}, &out, &errOut)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("lab console exited %d: %s", code, errOut.String())
		}
	}()
	re := regexp.MustCompile(`at (http://\S+) `)
	deadline := time.Now().Add(time.Minute)
	var url string
	for url == "" {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("lab console printed no URL: %q %q", out.String(), errOut.String())
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if url == st.Console {
		t.Fatal("lab console answered on serve's console address")
	}
	var f faultsAnswer
	if getJSON(t, url+"/api/faults", &f); len(f.Faults) != len(faults) {
		t.Fatalf("faults %+v, want the lab's %d", f, len(faults))
	}
	var svc map[string]struct{ URL string }
	getJSON(t, url+"/api/services", &svc)
	if got, want := svc["ksqldb"].URL, st.Endpoints.KSQLDB; got != want {
		t.Fatalf("the console looks at ksqlDB %q, the lab's is %q", got, want)
	}

	var out2, errOut2 syncBuffer
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan int, 1)
	go func() {
		done2 <- run(ctx2, []string{"console", "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--brokers", st.Endpoints.Brokers[0]}, &out2, &errOut2)
	}()
	defer func() { cancel2(); <-done2 }()
	deadline = time.Now().Add(time.Minute)
	for {
		if m := re.FindStringSubmatch(out2.String()); m != nil {
			var f faultsAnswer
			getJSON(t, m[1]+"/api/faults", &f)
			if len(f.Faults) != 0 || !strings.Contains(f.Why, "lab up") {
				t.Fatalf("a console without a recorded lab: %+v, want no faults and why", f)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("lab console printed no URL: %q", errOut2.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// On a secured lab, lab serve serves the console too, and lab console
// reaches the recorded lab through its client properties: both list the
// lab's topics over SASL_SSL and see every service up with basic auth.
func TestSecuredLabServesAConsoleThatReachesItsServices(t *testing.T) {
	dir := labDir(t)
	st, _ := startServe(t, dir, "--listen", "127.0.0.1:0", "--secure")
	if st.ClientProperties == "" || st.Console == "" {
		t.Fatalf("the secured lab records client properties %q and console %q; want both", st.ClientProperties, st.Console)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"console", "--data-dir", dir, "--listen", "127.0.0.1:0"}, &out, &errOut)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("lab console exited %d: %s", code, errOut.String())
		}
	}()
	re := regexp.MustCompile(`at (http://\S+) `)
	deadline := time.Now().Add(time.Minute)
	var url string
	for url == "" {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("lab console on the secured lab printed no URL: %q %q", out.String(), errOut.String())
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, base := range []string{st.Console, url} {
		var topics []struct{ Name string }
		if code := getJSON(t, base+"/api/topics", &topics); code != 200 {
			t.Fatalf("GET %s/api/topics: %d", base, code)
		}
		names := []string{}
		for _, tp := range topics {
			names = append(names, tp.Name)
		}
		if !strings.Contains(strings.Join(names, ","), "_schemas") {
			t.Fatalf("the console at %s lists %v; want the lab's topics (_schemas among them)", base, names)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			var svc map[string]struct {
				Up    bool
				Error string
			}
			getJSON(t, base+"/api/services", &svc)
			if svc["kafka"].Up && svc["schema-registry"].Up && svc["connect"].Up && svc["ksqldb"].Up {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the console at %s does not see every service up: %+v", base, svc)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
