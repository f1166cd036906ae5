package functions

import (
	"math"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// GEO_DISTANCE, as ksqldb-engine/.../function/udf/geo/GeoDistance.java
// computes it: the haversine great-circle distance between two points in
// decimal degrees, in kilometres (radius 6371) unless the units name miles
// (radius 3959). Coordinates out of range and unknown units throw its
// KsqlFunctionException, a NULL coordinate (a primitive double) fails the
// invocation.

var (
	geoMiles = []string{"mi", "mile", "miles"}
	geoKms   = []string{"km", "kilometer", "kilometers", "kilometre", "kilometres"}
)

func geoDistance(a []any) (any, []string) {
	for _, v := range a[:4] {
		if v == nil {
			return nil, nullForPrimitive
		}
	}
	lat1, lon1, lat2, lon2 := a[0].(float64), a[1].(float64), a[2].(float64), a[3].(float64)
	if lat1 < -90 || lat2 < -90 || lat1 > 90 || lat2 > 90 {
		return nil, threw("valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees")
	}
	if lon1 < -180 || lon2 < -180 || lon1 > 180 || lon2 > 180 {
		return nil, threw("valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees")
	}
	radius := 6371.0
	if len(a) > 4 && a[4] != nil {
		switch unit := strings.ToLower(javaTrim(a[4].(string))); {
		case unit == "":
		case slices.Contains(geoMiles, unit):
			radius = 3959
		case slices.Contains(geoKms, unit):
		default:
			// VALID_VALUES, GrammaticalJoiner.or()
			all := append(slices.Clone(geoMiles), geoKms...)
			valid := strings.Join(all[:len(all)-1], ", ") + " or " + all[len(all)-1]
			return nil, threw("GeoDistance function units parameter must be one of " + valid + ". Values are case-insensitive.")
		}
	}
	haversin := func(x float64) float64 { s := javaSin(x / 2); return s * s } // Math.pow(s, 2) is s*s
	dLat := geoRadians(lat2 - lat1)
	dLon := geoRadians(lon2 - lon1)
	h := haversin(dLat) + haversin(dLon)*javaCos(geoRadians(lat1))*javaCos(geoRadians(lat2))
	return 2 * javaAsin(math.Sqrt(h)) * radius, nil
}

// geoRadians is Math.toRadians as the JDK behind ksqlDB's expected results
// computes it, angdeg / 180.0 * PI (later JDKs multiply by a rounded
// constant, an ulp off for some angles): query-validation-tests
// geodistance.json expects 8634.659796579544 km from (37.4439, -122.1663)
// to (51.5257, -0.1122), which only the division gives.
func geoRadians(deg float64) float64 {
	return deg / 180.0 * math.Pi
}

const geoMethod = "public java.lang.Double io.confluent.ksql.function.udf.geo.GeoDistance.geoDistance(double,double,double,double"

func init() {
	d := func(name string) Param { return p(types.Double, name) }
	register(&UDF{name: "geo_distance", overloads: []Overload{
		throwing(Overload{Params: []Param{d("lat1"), d("lon1"), d("lat2"), d("lon2")}, Ret: types.Double, Throwing: geoDistance, Method: geoMethod + ")"}),
		throwing(Overload{Params: []Param{d("lat1"), d("lon1"), d("lat2"), d("lon2"), p(types.String, "units")}, Ret: types.Double, Throwing: geoDistance, Method: geoMethod + ",java.lang.String)"}),
	}})
}
