package dashboard

import (
	"strings"
	"testing"
)

func TestTheForestParkBranchHarlemIsMarkedNotSimulatedWithTheReason(t *testing.T) {
	s := newStack(t)
	s.stationsTable()
	d := s.start(t)
	d.waitReady()
	st := d.status()
	reasons := map[int]string{}
	for _, row := range st.Lines[0].Stations {
		reasons[row.StationID] = row.NotSimulated
	}
	// cta_stations.csv: blue Harlem 40750 (O'Hare branch) is simulated,
	// blue Harlem 40980 (Forest Park branch) is not.
	if reasons[40750] != "" {
		t.Errorf("the O'Hare branch Harlem (40750) is marked not simulated: %q", reasons[40750])
	}
	if !strings.Contains(reasons[40980], "40750") {
		t.Errorf("the Forest Park branch Harlem (40980) says %q, want a reason naming the simulated Harlem 40750", reasons[40980])
	}
	for _, l := range st.Lines {
		for _, row := range l.Stations {
			if row.NotSimulated != "" && (l.Line != "blue" || row.StationID != 40980) {
				t.Errorf("%s %s (%d) is marked not simulated: %q", l.Line, row.Name, row.StationID, row.NotSimulated)
			}
		}
	}

	page := d.get("/")
	for _, want := range []string{
		`<p class="note" id="not-simulated-blue-40980" data-line="blue" data-station="40980">`,
		`Harlem (Blue Line, 40980): not served by the simulation`,
		`<tr class="row" data-line="blue" data-station="40980"><td class="swatch blue unserved" title="Blue Line: not served by the simulation"></td>`,
		`<circle class="stop unserved"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(page, `<circle class="stop unserved"`); n != 1 {
		t.Errorf("%d stations drawn as not served, want 1", n)
	}
}
