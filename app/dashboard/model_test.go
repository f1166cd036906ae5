package dashboard

import (
	"encoding/json"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func station(line string, id, order int, name string) StationRecord {
	return StationRecord{Line: line, StationID: id, Name: name, Order: order}
}

func arrival(ts int64, line string, id int, train, dir, status string, prevID *int, prevDir *string) ArrivalRecord {
	return ArrivalRecord{Time: ts, Line: line, StationID: id, TrainID: train, Direction: dir, Status: status, PrevStationID: prevID, PrevDirection: prevDir}
}

func slotOf(t *testing.T, st Status, line string, id int) (a, b string) {
	t.Helper()
	for _, l := range st.Lines {
		if l.Line != line {
			continue
		}
		for _, s := range l.Stations {
			if s.StationID == id {
				if s.A != nil {
					a = s.A.TrainID
				}
				if s.B != nil {
					b = s.B.TrainID
				}
				return a, b
			}
		}
	}
	t.Fatalf("no row for %s %d", line, id)
	return "", ""
}

func TestArrivalMovesATrainFromItsPreviousSlot(t *testing.T) {
	m := NewModel()
	m.ApplyStation(station("blue", 40890, 0, "O'Hare"), src{})
	m.ApplyStation(station("blue", 40820, 1, "Rosemont"), src{})
	m.ApplyArrival(arrival(1000, "blue", 40890, "BL001", "b", "in_service", nil, nil), src{topic: "x"})
	if a, b := slotOf(t, m.Status(), "blue", 40890); a != "" || b != "BL001" {
		t.Fatalf("after placement: a=%q b=%q, want b=BL001", a, b)
	}
	m.ApplyArrival(arrival(2000, "blue", 40820, "BL001", "b", "in_service", ptr(40890), ptr("b")), src{topic: "y"})
	st := m.Status()
	if a, b := slotOf(t, st, "blue", 40890); a != "" || b != "" {
		t.Errorf("departed station still shows a=%q b=%q", a, b)
	}
	if a, b := slotOf(t, st, "blue", 40820); a != "" || b != "BL001" {
		t.Errorf("arrival station: a=%q b=%q, want b=BL001", a, b)
	}
	if st.SimTime == nil || *st.SimTime != "1970-01-01T00:00:02.000Z" {
		t.Errorf("sim time %v, want the latest key timestamp", st.SimTime)
	}
}

func TestStoppedTrainKeepsItsSlotAndShowsItsStatus(t *testing.T) {
	m := NewModel()
	m.ApplyStation(station("red", 40900, 0, "Howard"), src{})
	m.ApplyArrival(arrival(1000, "red", 40900, "RL002", "a", "in_service", nil, nil), src{})
	m.ApplyArrival(arrival(2000, "red", 40900, "RL002", "a", "broken_down", nil, nil), src{})
	st := m.Status()
	s := st.Lines[2].Stations[0]
	if s.A == nil || s.A.TrainID != "RL002" || s.A.Status != "broken_down" {
		t.Fatalf("slot a = %+v, want RL002 broken_down", s.A)
	}
	if len(st.Trains) != 1 || st.Trains[0].Status != "broken_down" || st.Trains[0].StationName != "Howard" {
		t.Errorf("trains = %+v", st.Trains)
	}
}

// The same events in any order give the same status: two trains change
// places within one tick, read from different topics in either order.
func TestOrderOfReadingDoesNotChangeTheStatus(t *testing.T) {
	evs := []ArrivalRecord{
		arrival(1000, "green", 1, "GL000", "b", "in_service", nil, nil),
		arrival(1000, "green", 2, "GL001", "b", "in_service", nil, nil),
		// tick 2: GL001 leaves 2 for 3, GL000 enters 2 from 1
		arrival(2000, "green", 3, "GL001", "b", "in_service", ptr(2), ptr("b")),
		arrival(2000, "green", 2, "GL000", "b", "in_service", ptr(1), ptr("b")),
	}
	var want []byte
	for _, perm := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}} {
		m := NewModel()
		for _, id := range []int{1, 2, 3} {
			m.ApplyStation(station("green", id, id, "S"), src{})
		}
		for _, i := range perm {
			m.ApplyArrival(evs[i], src{topic: "t", offset: int64(i)})
		}
		got, _ := json.Marshal(m.Status())
		if want == nil {
			want = got
			st := m.Status()
			if a, b := slotOf(t, st, "green", 1); a != "" || b != "" {
				t.Errorf("station 1 shows %q %q", a, b)
			}
			if _, b := slotOf(t, st, "green", 2); b != "GL000" {
				t.Errorf("station 2 b = %q, want GL000", b)
			}
			if _, b := slotOf(t, st, "green", 3); b != "GL001" {
				t.Errorf("station 3 b = %q, want GL001", b)
			}
		} else if string(got) != string(want) {
			t.Errorf("order %v gives\n%s\nwant\n%s", perm, got, want)
		}
	}
}

func TestArrivalsBeforeTheTableAreKept(t *testing.T) {
	m := NewModel()
	m.ApplyArrival(arrival(1000, "blue", 40380, "BL004", "a", "in_service", nil, nil), src{})
	m.ApplyTurnstile(40380, ptr(int64(17)), src{})
	if n := len(m.Status().Lines[0].Stations); n != 0 {
		t.Fatalf("rows before the table: %d", n)
	}
	m.ApplyStation(station("blue", 40380, 16, "Clark/Lake"), src{})
	m.ApplyStation(station("green", 40380, 13, "Clark/Lake"), src{})
	st := m.Status()
	if a, _ := slotOf(t, st, "blue", 40380); a != "BL004" {
		t.Errorf("blue Clark/Lake a = %q, want BL004", a)
	}
	if a, _ := slotOf(t, st, "green", 40380); a != "" {
		t.Errorf("green Clark/Lake a = %q: a blue train must stay on its line", a)
	}
	for _, l := range []int{0, 1} {
		if got := st.Lines[l].Stations[0].TurnstileEntries; got != 17 {
			t.Errorf("%s Clark/Lake turnstiles = %d, want 17 on every line", st.Lines[l].Line, got)
		}
	}
	m.ApplyTurnstile(40380, nil, src{}) // tombstone
	if got := m.Status().Lines[0].Stations[0].TurnstileEntries; got != 0 {
		t.Errorf("after tombstone: %d", got)
	}
}

func TestUnknownLineIsIgnoredAndStationsSortByOrder(t *testing.T) {
	m := NewModel()
	if m.ApplyArrival(arrival(1, "purple", 1, "P", "a", "in_service", nil, nil), src{}) {
		t.Error("an arrival on an unknown line was applied")
	}
	if m.ApplyStation(station("brown", 1, 0, "Kimball"), src{}) {
		t.Error("a station on an unknown line was applied")
	}
	m.ApplyStation(station("red", 3, 2, "C"), src{})
	m.ApplyStation(station("red", 1, 0, "A"), src{})
	m.ApplyStation(station("red", 2, 1, "B"), src{})
	m.ApplyStation(station("red", 2, 1, "B2"), src{}) // replaces
	var names []string
	for _, s := range m.Status().Lines[2].Stations {
		names = append(names, s.Name)
	}
	if got, _ := json.Marshal(names); string(got) != `["A","B2","C"]` {
		t.Errorf("red rows %s", got)
	}
	m.RemoveStation("red", 2)
	if n := len(m.Status().Lines[2].Stations); n != 2 {
		t.Errorf("after a table tombstone: %d rows", n)
	}
}

func TestWeatherSummaryTruncatesAndTitleCases(t *testing.T) {
	m := NewModel()
	if got := m.Status().Weather.Summary; got != "70° | Sunny" {
		t.Errorf("default weather %q", got)
	}
	m.ApplyWeather(WeatherRecord{Time: 5, Temperature: 79.9, Status: "partly_cloudy"}, src{offset: 1})
	m.ApplyWeather(WeatherRecord{Time: 4, Temperature: 10, Status: "windy"}, src{offset: 2}) // older report
	if got := m.Status().Weather.Summary; got != "79° | Partly Cloudy" {
		t.Errorf("weather %q", got)
	}
	m.ApplyWeather(WeatherRecord{Time: 6, Temperature: -3.7, Status: "precipitation"}, src{offset: 3})
	if got := m.Status().Weather.Summary; got != "-3° | Precipitation" {
		t.Errorf("weather %q", got)
	}
}

// The initial placement and the first tick's moves share their simulated
// time: whichever topic is read first, the train ends where it moved to.
func TestAMoveAtThePlacementsTimeSupersedesThePlacement(t *testing.T) {
	prev, dir := 40890, "b"
	placement := ArrivalRecord{Time: 1000, Line: "blue", StationID: 40890, TrainID: "BL000", Direction: "b", Status: "in_service"}
	move := ArrivalRecord{Time: 1000, Line: "blue", StationID: 40820, TrainID: "BL000", Direction: "b", Status: "in_service", PrevStationID: &prev, PrevDirection: &dir}
	for _, order := range [][]ArrivalRecord{{placement, move}, {move, placement}} {
		m := NewModel()
		for i, r := range order {
			// the later-read record sorts after by its source position
			m.ApplyArrival(r, src{topic: "t", offset: int64(i)})
		}
		if got := m.trains["BL000"].StationID; got != 40820 {
			t.Errorf("read %d then %d: BL000 shown at %d, want 40820", order[0].StationID, order[1].StationID, got)
		}
	}
}
