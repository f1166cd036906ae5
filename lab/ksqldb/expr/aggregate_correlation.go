package expr

import (
	"math"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// CORRELATION(x, y) as ksqlDB 0.29's CorrelationUdaf computes it
// (confluentinc/ksql v7.9.0, ksqldb-engine/.../function/udaf/correlation):
// the Pearson coefficient from running sums of x, y, x², y² and xy and a
// count, all as doubles; a pair with a NULL side is skipped, a table's
// retracted row is subtracted, and fewer than two pairs (or no spread)
// give NaN, which the JSON formats write as "NaN".

// corrSums are CORRELATION's running sums.
type corrSums struct {
	X, Y, XX, YY, XY float64
}

func (c *AggCall) addCorrelation(s *AggState, row []any, sign int64) {
	xv, yv := c.arg.Eval(row), c.arg2.Eval(row)
	if xv == nil || yv == nil {
		return
	}
	x, y := types.ToFloat(xv), types.ToFloat(yv)
	if sign > 0 {
		s.Corr.X += x
		s.Corr.Y += y
		s.Corr.XX += x * x
		s.Corr.YY += y * y
		s.Corr.XY += x * y
	} else {
		s.Corr.X -= x
		s.Corr.Y -= y
		s.Corr.XX -= x * x
		s.Corr.YY -= y * y
		s.Corr.XY -= x * y
	}
	s.N += sign
}

func MergeCorrelation(dst *AggState, src AggState) {
	dst.Corr.X += src.Corr.X
	dst.Corr.Y += src.Corr.Y
	dst.Corr.XX += src.Corr.XX
	dst.Corr.YY += src.Corr.YY
	dst.Corr.XY += src.Corr.XY
	dst.N += src.N
}

func correlationResult(s AggState) float64 {
	cs := s.Corr
	n := float64(s.N)
	numerator := n*cs.XY - cs.X*cs.Y
	dx := n*cs.XX - cs.X*cs.X
	dy := n*cs.YY - cs.Y*cs.Y
	return numerator / math.Sqrt(dx*dy)
}
