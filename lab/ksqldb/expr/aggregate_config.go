package expr

import (
	"math"
	"strconv"
	"strings"
)

// noLimit is the collect functions' limit when none is configured
// (Integer.MAX_VALUE).
const noLimit = math.MaxInt32

// Configure gives the aggregate calls the query's function properties, as
// UdafFactoryInvoker.createFunction configures each UDAF with
// KsqlConfig.getKsqlFunctionsConfigProps: COLLECT_LIST and COLLECT_SET
// read ksql.functions.collect_list.limit and ksql.functions.collect_set.limit.
func (p *AggPlan) Configure(props map[string]string) {
	for _, c := range p.Calls {
		if c.Name == "COLLECT_LIST" || c.Name == "COLLECT_SET" {
			c.limit = collectLimit(props["ksql.functions."+strings.ToLower(c.Name)+".limit"])
		}
	}
}

// collectLimit is CollectListUdaf.configure's limit: a number (its int
// value) or a text of one; negative or unset means none. (A text that is
// no number fails the query's creation in ksqlDB; here it means none.)
func collectLimit(v string) int {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64) // a JSON number with a fraction: Number.intValue
		if ferr != nil {
			return noLimit
		}
		n = int64(int32(max(min(f, math.MaxInt32), math.MinInt32)))
	}
	if n < 0 {
		return noLimit
	}
	return int(n)
}
