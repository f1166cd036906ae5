package planner

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// ForeignKeyStore is the store Kafka Streams materializes a foreign-key
// join's result in when a join after it looks the result up: KTableImpl's
// doJoinOnForeignKey names the store KTABLE-FK-JOIN-OUTPUT-STATE-STORE-<n>,
// after its KTABLE-FK-JOIN-OUTPUT-<n-1> processor, and materializes it only
// for a value getter (the next table-table join's KTABLE-JOINOTHER), so a
// foreign-key join of two tables has none (the fk-join historical plans:
// "stores: []"). A timestamped key-value store, logged to
// <application id>-<Name>-changelog: the result keyed as the left table is,
// its value the joined row (ForeignKeyTableTableJoinBuilder's serdes over
// ForeignKeyJoinParamsFactory.createSchema; the historical plans of
// fk-n-way-join.json, schema CTAS_OUTPUT_0.L_Join).
type ForeignKeyStore struct {
	Name string
	// Keys are the left table's key columns, aliased (ALIAS_NAME), and
	// KeyFrom their indexes in the joined row
	Keys    []types.Column
	KeyFrom []int
	// Values are the left table's PrependAlias values then the right
	// table's, and From their indexes in the joined row
	Values []types.Column
	From   []int
}

// ForeignKeyStore is the store of a persistent N-way join that starts
// with a foreign-key join (the only place ksqlDB allows one in a chain),
// nil for any other plan.
func (p *Plan) ForeignKeyStore() *ForeignKeyStore {
	jp := p.Join
	if !p.Persistent || jp == nil || !jp.ForeignKey() || len(jp.Steps) < 2 {
		return nil
	}
	left, right := jp.Leaves[0], jp.Leaves[1]
	// the foreign-key join is the innermost, so its nodes are numbered as
	// a join of its two tables alone numbers them
	t := &topology{}
	t.sub()
	fs := &ForeignKeyStore{Name: foreignKeyJoinTopology(t, left.Source.Topic, right.Source.Topic, "", "", false).output}
	pa := prependAlias(jp, 0)
	fs.Keys = pa.Keys
	for _, i := range pa.KeyFrom {
		fs.KeyFrom = append(fs.KeyFrom, left.Base+i)
	}
	fs.Values, fs.From = joinedValues(jp, 1)
	return fs
}

// ForeignKeySubscription is what Kafka Streams' KTableImpl.doJoinOnForeignKey
// adds for a foreign-key join besides its processors: the topic the left
// table registers its subscriptions on, keyed by the foreign key and read
// by the right table's sub-topology
// (KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-<n>-topic, co-partitioned with
// the right table), the topic that sub-topology answers on, keyed by the
// left table's key (KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-<n>-topic,
// co-partitioned with the left table), and the store it keeps the
// subscriptions in (KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-<n>, a logged
// timestamped key-value store: SubscriptionStoreFactory). The numbers are
// the fk-join and fk-n-way-join historical plans' (12, 20 and 16: the
// foreign-key join is always a query's innermost join).
type ForeignKeySubscription struct {
	Registration, Response, Store string
	// LeftTopic and RightTopic are the tables' topics the response and
	// registration topics are co-partitioned with
	LeftTopic, RightTopic string
	// RightRekeyed: the right table is rekeyed into the left table's key
	// format before the join (JoinPlan.FKRekeysRight), the subscriptions
	// keyed in that format and read with the repartition, co-partitioned
	// with it (KTableImpl.doJoinOnForeignKey copartitions the subscription
	// source with the foreign-key table's source nodes)
	RightRekeyed bool
	// Left and Right are the two tables as their PrependAlias steps hand
	// them to the join (the left KTable and the foreign-key table of
	// KTable.join): the records on the topics are in their serdes
	Left, Right PrependAlias
}

// PrependAlias is the layout of a table's PrependAlias step
// (TableSelectBuilder over the source's columns, named ALIAS_NAME; the
// historical plans' CTAS_OUTPUT_0.PrependAliasLeft schema): its key
// columns and its values (the source's values, pseudo columns and key
// copy), each with its index in the table's input row (KeyFrom, From).
type PrependAlias struct {
	Keys    []types.Column
	KeyFrom []int
	Values  []types.Column
	From    []int
}

// prependAlias is the PrependAlias layout of leaf i of jp.
func prependAlias(jp *JoinPlan, i int) PrependAlias {
	l := jp.Leaves[i]
	var pa PrependAlias
	for j, c := range l.Source.Schema.Cols {
		if c.Key {
			pa.Keys = append(pa.Keys, types.Column{Name: l.Alias + "_" + c.Name, Type: c.Type, Key: true})
			pa.KeyFrom = append(pa.KeyFrom, j)
		}
	}
	before := 0
	if i > 0 {
		_, prev := joinedValues(jp, i-1)
		before = len(prev)
	}
	vals, from := joinedValues(jp, i)
	pa.Values = vals[before:]
	for _, f := range from[before:] {
		pa.From = append(pa.From, f-l.Base)
	}
	return pa
}

// ForeignKeySubscription is the subscription topics and store of a
// persistent query whose join starts with a foreign-key join, nil for any
// other plan.
func (p *Plan) ForeignKeySubscription() *ForeignKeySubscription {
	jp := p.Join
	if !p.Persistent || jp == nil || !jp.ForeignKey() {
		return nil
	}
	left, right := jp.Leaves[0], jp.Leaves[1]
	t := &topology{}
	t.sub()
	rekeyed := jp.FKRekeysRight()
	n := foreignKeyJoinTopology(t, left.Source.Topic, right.Source.Topic, "", "", rekeyed)
	return &ForeignKeySubscription{
		Registration: n.registration, Response: n.response, Store: n.state,
		LeftTopic: left.Source.Topic, RightTopic: right.Source.Topic, RightRekeyed: rekeyed,
		Left: prependAlias(jp, 0), Right: prependAlias(jp, 1),
	}
}
