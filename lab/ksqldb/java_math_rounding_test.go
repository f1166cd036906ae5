package ksqldb

import "testing"

// LN and LOG are Math.log, a HotSpot intrinsic giving the correctly rounded
// logarithm where fdlibm (and Go's math.Log) are an ulp off for some inputs:
// query-validation-tests math.json "ln" expects LN(3) = 1.0986122886681098.
// The other values are ln x to 60 digits, rounded to the nearest double.
func TestLnIsTheCorrectlyRoundedLogarithm(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`LN(3)`, `1.0986122886681098`},
		{`LN(CAST(3 AS BIGINT))`, `1.0986122886681098`},
		{`LN(3.2653891747809305e0)`, `1.183378951576402`},
		{`LN(0.5127501592764339e0)`, `-0.6679665713979375`},
		{`LN(2)`, `0.6931471805599453`},
		{`LN(1)`, `0.0`},
		{`LOG(3)`, `1.0986122886681098`},
	})
}

// GEO_DISTANCE is GeoDistance.java's haversine over Math.sin, Math.cos
// (correctly rounded), Math.asin (fdlibm) and toRadians as angdeg / 180.0 *
// PI: query-validation-tests geodistance.json "geo distance without
// radius", "geo distance with radius" and "small distances in where".
func TestGeoDistanceMatchesKsqlDBToTheLastBit(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`GEO_DISTANCE(37.4439e0, -122.1663e0, 51.5257e0, -0.1122e0)`, `8634.659796579544`},
		{`GEO_DISTANCE(37.4439e0, -122.1663e0, 51.5257e0, -0.1122e0, 'km')`, `8634.659796579544`},
		{`GEO_DISTANCE(51.5257e0, -0.1122e0, -33.9323e0, 18.4197e0)`, `9673.40421197142`},
		{`GEO_DISTANCE(39.18660374, -76.73262144, 39.18660374, -76.73222145)`, `0.03447366811448324`},
	})
}

// SIN and COS are Math.sin and Math.cos, correctly rounded (the values
// here are the sine and cosine to 80 digits, rounded); ASIN is fdlibm's.
func TestSinCosAreCorrectlyRounded(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`SIN(0.45008598069742334e0)`, `0.4350429535732074`},
		{`SIN(-9.881936613743505e0)`, `0.4414003222409219`},
		{`COS(-0.7386182556470642e0)`, `0.7393995469988458`},
		{`COS(1.7134027851077835e0)`, `-0.14212359443525416`},
		{`SIN(0)`, `0.0`},
		{`COS(0)`, `1.0`},
		{`ASIN(1)`, `1.5707963267948966`},
	})
}
