package javatime

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// zoneVector is one vector of testdata/zones.json, which zonegen takes from
// a JDK 17: the text DateTimeFormatter.ofPattern(Pattern) formats Epoch as
// in Zone, whose offset Java says is Offset (absent for parse-only
// vectors), and what a Locale.ROOT case-insensitive formatter of Pattern
// parses Text as (ParsedEpoch, ParsedZone and ParsedOffset, or ParseError).
type zoneVector struct {
	Zone         string `json:"zone"`
	Epoch        *int64 `json:"epoch"`
	Offset       *int   `json:"offset"`
	Pattern      string `json:"pattern"`
	Text         string `json:"text"`
	ParsedEpoch  *int64 `json:"parsedEpoch"`
	ParsedZone   string `json:"parsedZone"`
	ParsedOffset *int   `json:"parsedOffset"`
	ParseError   string `json:"parseError"`
}

// The vectors test names and how a name resolves; a vector at an instant
// where Go's tzdata gives the zone another offset than the JDK's tzdata
// (another tzdata version, or another build of the same) says nothing about
// names and is skipped, and counted.

func TestZoneNamesFormatAndParseAsJava(t *testing.T) {
	data, err := os.ReadFile("testdata/zones.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		JDK     string       `json:"jdk"`
		Vectors []zoneVector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	if !strings.HasPrefix(javaRuntime, file.JDK+" ") {
		t.Fatalf("the vectors are from %s, the table from %s: regenerate both", file.JDK, javaRuntime)
	}
	offsetDiffers := func(zone string, epoch int64, javaOffset int) bool {
		loc, err := Zone(zone)
		if err != nil {
			return false
		}
		_, off := time.Unix(epoch, 0).In(loc).Zone()
		return off != javaOffset
	}
	skipped := 0
	for _, v := range file.Vectors {
		p, err := Compile(v.Pattern)
		if err != nil {
			t.Fatalf("Compile(%q): %v", v.Pattern, err)
		}
		if v.Epoch != nil {
			if offsetDiffers(v.Zone, *v.Epoch, *v.Offset) {
				t.Logf("skipped: %s at %d has another offset in Go's tzdata than %d", v.Zone, *v.Epoch, *v.Offset)
				skipped++
				continue
			}
			loc, err := Zone(v.Zone)
			if err != nil {
				t.Errorf("Zone(%q): %v", v.Zone, err)
				continue
			}
			if got := p.Format(time.Unix(*v.Epoch, 0).In(loc)); got != v.Text {
				t.Errorf("%s at %d with %q: Format = %q, %s says %q", v.Zone, *v.Epoch, v.Pattern, got, file.JDK, v.Text)
			}
		}
		if v.ParsedEpoch != nil && offsetDiffers(v.ParsedZone, *v.ParsedEpoch, *v.ParsedOffset) {
			t.Logf("skipped: parsing %q: %s at %d has another offset in Go's tzdata than %d", v.Text, v.ParsedZone, *v.ParsedEpoch, *v.ParsedOffset)
			skipped++
			continue
		}
		got, err := p.Parse(v.Text, time.UTC)
		switch {
		case v.ParseError != "":
			if err == nil {
				t.Errorf("Parse(%q) with %q = %v (%s), %s says %s", v.Text, v.Pattern, got, got.Location(), file.JDK, v.ParseError)
			}
		case err != nil:
			t.Errorf("Parse(%q) with %q: %v, %s reads %d in %s", v.Text, v.Pattern, err, file.JDK, *v.ParsedEpoch, v.ParsedZone)
		case got.Unix() != *v.ParsedEpoch || got.Location().String() != v.ParsedZone:
			t.Errorf("Parse(%q) with %q = %d in %s, %s reads %d in %s", v.Text, v.Pattern, got.Unix(), got.Location(), file.JDK, *v.ParsedEpoch, v.ParsedZone)
		}
	}
	if skipped > len(file.Vectors)/20 {
		t.Errorf("%d of %d vectors skipped for other offsets: is Go's tzdata far from %s's?", skipped, len(file.Vectors), file.JDK)
	}
}
