package sim

// trainsPerLine is the reference's num_trains.
const trainsPerLine = 10

// next is the reference's next_index: the position reached from station index
// i travelling in direction d by step stations. Past the terminal a b-train
// turns into an a-train, and below index 1 an a-train turns into a b-train.
func (l *Line) next(i int, d Direction, step int) (int, Direction) {
	last := l.last()
	if d == DirB {
		if n := i + step; n < last {
			return n, DirB
		} else {
			return last - n%last, DirA
		}
	}
	if n := i - step; n > 0 {
		return n, DirA
	} else {
		return -n, DirB
	}
}

func (s *Station) slot(d Direction) **Train {
	if d == DirA {
		return &s.a
	}
	return &s.b
}

// place puts the reference's ten trains on the line, spread by the default
// step from index 0 in direction b, and reports each as an arrival with no
// previous station.
func (l *Line) place(emit func(*Train, *Station, *Direction)) {
	step := l.last() * 2 / trainsPerLine
	i, d := 0, DirB
	for k := range trainsPerLine {
		t := &Train{ID: trainID(l.Color, k), Status: InService, station: l.Stations[i], dir: d}
		*t.station.slot(d) = t
		l.Trains = append(l.Trains, t)
		emit(t, nil, nil)
		i, d = l.next(i, d, step)
	}
}

// sweep returns the line's trains in the reference's movement order: trains
// in direction b by ascending station index, then trains in direction a by
// descending index (index 0 never holds an a-train).
func (l *Line) sweep() []*Train {
	order := make([]*Train, 0, len(l.Trains))
	for _, s := range l.Stations {
		if s.b != nil {
			order = append(order, s.b)
		}
	}
	for i := l.last(); i >= 1; i-- {
		if s := l.Stations[i]; s.a != nil {
			order = append(order, s.a)
		}
	}
	return order
}

// advance moves every train one station, as the reference's _advance_trains
// does, and reports each move in the reference's sweep order.
//
// Trains move together: a train may enter a slot its occupant leaves in the
// same tick. A train that is not in service stays where it is and reports its
// status there (with no previous station); a train whose next slot is held by
// a standing train waits behind it and reports nothing. With every train in
// service this is exactly the reference algorithm.
func (l *Line) advance(emit func(t *Train, from *Station, fromDir *Direction)) {
	order := l.sweep()
	type move struct {
		to     *Station
		dir    Direction
		stands bool
	}
	moves := make(map[*Train]*move, len(order))
	for _, t := range order {
		i, d := l.next(t.station.Index, t.dir, 1)
		moves[t] = &move{to: l.Stations[i], dir: d, stands: t.Status != InService}
	}
	// A train stands if the train in its next slot stands; repeat until no
	// new train has to wait (at most one pass per train).
	for changed := true; changed; {
		changed = false
		for _, t := range order {
			m := moves[t]
			if m.stands {
				continue
			}
			if ahead := *m.to.slot(m.dir); ahead != nil && moves[ahead].stands {
				m.stands, changed = true, true
			}
		}
	}
	// Report in sweep order, except that a train entering a slot its
	// occupant leaves is reported after the occupant, so that consumers
	// replaying departures and arrivals in order never lose a train. With the
	// reference's spacing no train has an occupant ahead and the order is
	// exactly the sweep.
	reported := make(map[*Train]bool, len(order))
	var report func(t *Train)
	report = func(t *Train) {
		if reported[t] {
			return
		}
		reported[t] = true
		m := moves[t]
		if ahead := *m.to.slot(m.dir); ahead != nil && !m.stands && ahead != t {
			report(ahead)
		}
		switch {
		case t.Status != InService:
			emit(t, nil, nil)
		case m.stands:
			// waits behind a standing train: no arrival
		default:
			from, fromDir := t.station, t.dir
			*from.slot(fromDir) = nil
			t.station, t.dir = m.to, m.dir
			*m.to.slot(m.dir) = t
			emit(t, from, &fromDir)
		}
	}
	for _, t := range order {
		report(t)
	}
}
