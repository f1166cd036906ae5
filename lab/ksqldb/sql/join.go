package sql

import (
	"strconv"
)

// JoinType is the kind of a JOIN, as ksqlDB's grammar (SqlBase.g4 joinType)
// names them.
type JoinType int

// Join types.
const (
	InnerJoin JoinType = iota // [INNER] JOIN
	LeftJoin                  // LEFT [OUTER] JOIN
	RightJoin                 // RIGHT [OUTER] JOIN
	OuterJoin                 // FULL [OUTER] JOIN
)

// String is the join type as ksqlDB's messages print it (JoinNode.JoinType).
func (t JoinType) String() string {
	switch t {
	case LeftJoin:
		return "LEFT [OUTER] JOIN"
	case RightJoin:
		return "RIGHT [OUTER] JOIN"
	case OuterJoin:
		return "[FULL] OUTER JOIN"
	}
	return "[INNER] JOIN"
}

// Within is a join window: WITHIN n unit or WITHIN (before, after), with an
// optional GRACE PERIOD; durations are in milliseconds.
type Within struct {
	Before, After int64
	Grace         *int64
}

// JoinedSource is one "<type> JOIN source [alias] [WITHIN ...] ON expr" of a
// FROM clause.
type JoinedSource struct {
	Type   JoinType
	Source string
	Alias  string // the alias, or the source name when none was given
	Pos    Pos
	Within *Within
	On     Expr
}

// joins parses the joinedSource+ part of ksqlDB's relation rule:
//
//	joinType JOIN aliasedRelation joinWindow? joinCriteria
//
// (confluentinc/ksql ksqldb-parser SqlBase.g4, 7.9.0: joinType is INNER? |
// FULL OUTER? | LEFT OUTER? | RIGHT OUTER?; joinWindow is WITHIN followed by
// a size or "(before, after)" and an optional GRACE PERIOD).
func (p *parser) joins(q *Query) error {
	for {
		typ := InnerJoin
		switch {
		case p.isKw("JOIN"):
		case p.acceptKw("INNER"):
		case p.acceptKw("LEFT"):
			typ = LeftJoin
			p.acceptKw("OUTER")
		case p.acceptKw("RIGHT"):
			typ = RightJoin
			p.acceptKw("OUTER")
		case p.acceptKw("FULL"):
			typ = OuterJoin
			p.acceptKw("OUTER")
		default:
			return nil
		}
		if err := p.expectKw("JOIN"); err != nil {
			return err
		}
		js := JoinedSource{Type: typ, Pos: p.peek().Pos}
		name, err := p.identifier()
		if err != nil {
			return err
		}
		js.Source, js.Alias = name, name
		if p.acceptKw("AS") {
			if js.Alias, err = p.identifier(); err != nil {
				return err
			}
		} else if t := p.peek(); t.Kind == QuotedIdent || t.Kind == Ident && !notAlias[t.Upper()] {
			js.Alias, _ = p.identifier()
		}
		if p.acceptKw("WITHIN") {
			w, err := p.within()
			if err != nil {
				return err
			}
			js.Within = w
		}
		if err := p.expectKw("ON"); err != nil {
			return err
		}
		if js.On, err = p.expr(); err != nil {
			return err
		}
		q.Joins = append(q.Joins, js)
	}
}

func (p *parser) within() (*Within, error) {
	w := &Within{}
	if p.acceptSym("(") {
		before, err := p.windowSize()
		if err != nil {
			return nil, err
		}
		if err := p.expectSym(","); err != nil {
			return nil, err
		}
		after, err := p.windowSize()
		if err != nil {
			return nil, err
		}
		if err := p.expectSym(")"); err != nil {
			return nil, err
		}
		w.Before, w.After = before, after
	} else {
		size, err := p.windowSize()
		if err != nil {
			return nil, err
		}
		w.Before, w.After = size, size
	}
	if p.acceptKw("GRACE") {
		if err := p.expectKw("PERIOD"); err != nil {
			return nil, err
		}
		g, err := p.windowSize()
		if err != nil {
			return nil, err
		}
		w.Grace = &g
	}
	return w, nil
}

// windowUnits are SqlBase.g4's windowUnit tokens in milliseconds.
var windowUnits = map[string]int64{
	"DAY": 86_400_000, "DAYS": 86_400_000, "HOUR": 3_600_000, "HOURS": 3_600_000,
	"MINUTE": 60_000, "MINUTES": 60_000, "SECOND": 1000, "SECONDS": 1000,
	"MILLISECOND": 1, "MILLISECONDS": 1,
}

// windowSize reads "number windowUnit" as milliseconds.
func (p *parser) windowSize() (int64, error) {
	t := p.peek()
	if t.Kind != Integer {
		return 0, p.errExpected("an integer")
	}
	p.next()
	n, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil || n < 0 {
		return 0, p.errAt(t, "invalid window size %s", t.Text)
	}
	u := p.peek()
	ms, ok := windowUnits[u.Upper()]
	if u.Kind != Ident || !ok {
		return 0, p.errExpected("one of DAY, HOUR, MINUTE, SECOND, MILLISECOND")
	}
	p.next()
	if n > (1<<62)/ms {
		return 0, p.errAt(t, "invalid window size %s", t.Text)
	}
	return n * ms, nil
}
