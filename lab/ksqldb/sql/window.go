package sql

import (
	"strconv"
	"strings"
)

// Window kinds of a WINDOW clause.
const (
	Tumbling = "TUMBLING"
	Hopping  = "HOPPING"
	Session  = "SESSION"
)

// WindowTime is "<number> <unit>" in a WINDOW clause; Unit is the Java
// TimeUnit name (plural), as WindowExpression.getWindowUnit normalises it.
type WindowTime struct {
	Value int64
	Unit  string
}

var unitMillis = map[string]int64{
	"MILLISECONDS": 1, "SECONDS": 1000, "MINUTES": 60 * 1000, "HOURS": 60 * 60 * 1000, "DAYS": 24 * 60 * 60 * 1000,
}

// Millis is the duration in milliseconds.
func (t WindowTime) Millis() int64 { return t.Value * unitMillis[t.Unit] }

// String is the clause as ksqlDB prints it (WindowTimeClause.toString).
func (t WindowTime) String() string { return strconv.FormatInt(t.Value, 10) + " " + t.Unit }

// Window is a query's WINDOW clause:
//
//	WINDOW [name] TUMBLING (SIZE n unit [, RETENTION n unit] [, GRACE PERIOD n unit])
//	WINDOW [name] HOPPING (SIZE n unit, ADVANCE BY n unit [, RETENTION ...] [, GRACE PERIOD ...])
//	WINDOW [name] SESSION (n unit [, RETENTION ...] [, GRACE PERIOD ...])
//
// (ksqldb-parser SqlBase.g4, windowExpression). Size is the gap of a
// SESSION window; Advance is set for HOPPING only.
type Window struct {
	Kind      string
	Size      WindowTime
	Advance   WindowTime
	Retention *WindowTime
	Grace     *WindowTime
	P         Pos
}

// window parses a WINDOW clause; the WINDOW keyword is next.
func (p *parser) window() (*Window, error) {
	p.next()
	// windowExpression: (IDENTIFIER)? (tumbling | hopping | session); the
	// optional name is not used by the engine.
	if t := p.peek(); t.Kind == Ident && !isWindowKind(t.Upper()) && p.peekAt(1).Kind == Ident {
		p.next()
	}
	t := p.peek()
	w := &Window{Kind: t.Upper(), P: t.Pos}
	if t.Kind != Ident || !isWindowKind(w.Kind) {
		return nil, p.errExpected("{'HOPPING', 'TUMBLING', 'SESSION'}")
	}
	p.next()
	if err := p.expectSym("("); err != nil {
		return nil, err
	}
	var err error
	switch w.Kind {
	case Tumbling, Hopping:
		if err := p.expectKw("SIZE"); err != nil {
			return nil, err
		}
		if w.Size, err = p.windowTime(); err != nil {
			return nil, err
		}
		if w.Kind == Hopping {
			if err := p.expectSym(","); err != nil {
				return nil, err
			}
			if err := p.expectKw("ADVANCE"); err != nil {
				return nil, err
			}
			if err := p.expectKw("BY"); err != nil {
				return nil, err
			}
			if w.Advance, err = p.windowTime(); err != nil {
				return nil, err
			}
		}
	case Session:
		if w.Size, err = p.windowTime(); err != nil {
			return nil, err
		}
	}
	if p.isSym(",") && p.peekAt(1).Upper() == "RETENTION" {
		p.next()
		p.next()
		rt, err := p.windowTime()
		if err != nil {
			return nil, err
		}
		w.Retention = &rt
	}
	if p.acceptSym(",") {
		if err := p.expectKw("GRACE"); err != nil {
			return nil, err
		}
		if err := p.expectKw("PERIOD"); err != nil {
			return nil, err
		}
		gt, err := p.windowTime()
		if err != nil {
			return nil, err
		}
		w.Grace = &gt
	}
	if err := p.expectSym(")"); err != nil {
		return nil, err
	}
	return w, nil
}

func isWindowKind(s string) bool { return s == Tumbling || s == Hopping || s == Session }

// windowTime reads "number windowUnit"; units are DAY..MILLISECOND, singular
// or plural (SqlBase.g4 windowUnit).
func (p *parser) windowTime() (WindowTime, error) {
	t := p.peek()
	if t.Kind != Integer {
		return WindowTime{}, p.errExpected("an integer")
	}
	v, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil {
		return WindowTime{}, p.errAt(t, "invalid number %s", t.Text)
	}
	p.next()
	u := p.peek()
	unit := u.Upper()
	if !strings.HasSuffix(unit, "S") {
		unit += "S"
	}
	if u.Kind != Ident || unitMillis[unit] == 0 {
		return WindowTime{}, p.errExpected("{'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'DAYS', 'HOURS', 'MINUTES', 'SECONDS', 'MILLISECONDS'}")
	}
	p.next()
	return WindowTime{Value: v, Unit: unit}, nil
}
