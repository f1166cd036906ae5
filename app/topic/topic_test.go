package topic

import "testing"

func TestSlugMatchesTheReferenceSanitisation(t *testing.T) {
	for in, want := range map[string]string{
		"Clark/Lake":                "clark_and_lake",
		"O'Hare":                    "ohare",
		"Western/Forest Pk Branch":  "western_and_forest_pk_branch",
		"35th-Bronzeville-IIT":      "35th_bronzeville_iit",
		"95th/Ran Ryan":             "95th_and_ran_ryan",
		"Illinois Medical District": "illinois_medical_district",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Arrivals("UIC-Halsted"); got != "org.chicago.cta.station.arrivals.uic_halsted" {
		t.Errorf("Arrivals: got %q", got)
	}
}
