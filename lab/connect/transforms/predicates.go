package transforms

import "regexp"

// Filter and the predicates HasHeaderKey, RecordIsTombstone and
// TopicNameMatches (apache/kafka 3.9 connect/transforms/.../Filter.java and
// .../transforms/predicates/*.java).

func init() {
	register(&Plugin{Class: pkg + "Filter", Kind: KindTransformation,
		newTransformation: func(Config) (Transformation, error) { return filter{}, nil }})
	register(&Plugin{Class: predPkg + "HasHeaderKey", Kind: KindPredicate, Config: []ConfigKey{
		{Name: "name", Type: "STRING", Required: true, Importance: "MEDIUM", Doc: "The header name.", Validate: nonEmptyString},
	}, newPredicate: func(c Config) (Predicate, error) {
		n, _ := c.str("name")
		return hasHeaderKey{name: n}, nil
	}})
	register(&Plugin{Class: predPkg + "RecordIsTombstone", Kind: KindPredicate,
		newPredicate: func(Config) (Predicate, error) { return recordIsTombstone{}, nil }})
	register(&Plugin{Class: predPkg + "TopicNameMatches", Kind: KindPredicate, Config: []ConfigKey{
		{Name: "pattern", Type: "STRING", Required: true, Importance: "MEDIUM", Doc: "A Java regular expression for matching against the name of a record's topic.",
			Validate: func(name string, v any) string {
				if msg := nonEmptyString(name, v); msg != "" {
					return msg
				}
				return validRegex(name, v)
			}},
	}, newPredicate: func(c Config) (Predicate, error) {
		p, _ := c.str("pattern")
		re, err := fullMatch(p)
		if err != nil {
			return nil, configErr(invalid("pattern", p, "entry must be a Java-compatible regular expression: "+err.Error()))
		}
		return topicNameMatches{re: re}, nil
	}})
}

type filter struct{}

func (filter) Apply(*Record) (*Record, error) { return nil, nil }

type hasHeaderKey struct{ name string }

func (p hasHeaderKey) Test(r *Record) bool {
	for _, h := range r.Headers {
		if h.Key == p.name {
			return true
		}
	}
	return false
}

type recordIsTombstone struct{}

func (recordIsTombstone) Test(r *Record) bool { return r.Value == nil }

type topicNameMatches struct{ re *regexp.Regexp }

func (p topicNameMatches) Test(r *Record) bool { return r.Topic != "" && p.re.MatchString(r.Topic) }
