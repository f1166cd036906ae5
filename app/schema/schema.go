package schema

import (
	"embed"
	"fmt"

	"github.com/linkedin/goavro/v2"
)

//go:embed avsc/*.avsc
var avscFiles embed.FS

// Schema is one of the pipeline's Avro schemas.
type Schema struct {
	// Name is the file's base name, e.g. "arrival_value".
	Name string
	// Text is the schema as written in its .avsc file; it is what is
	// registered.
	Text  string
	codec *goavro.Codec
}

// Codec returns the schema's goavro codec.
func (s *Schema) Codec() *goavro.Codec { return s.codec }

// The schemas of the pipeline's Avro topics.
var (
	ArrivalKey     = mustLoad("arrival_key")
	ArrivalValue   = mustLoad("arrival_value")
	TurnstileKey   = mustLoad("turnstile_key")
	TurnstileValue = mustLoad("turnstile_value")
	WeatherKey     = mustLoad("weather_key")
	WeatherValue   = mustLoad("weather_value")
)

// All returns every schema of the pipeline.
func All() []*Schema {
	return []*Schema{ArrivalKey, ArrivalValue, TurnstileKey, TurnstileValue, WeatherKey, WeatherValue}
}

func mustLoad(name string) *Schema {
	s, err := load(name)
	if err != nil {
		panic(err) // the files are embedded: a failure is a build defect
	}
	return s
}

func load(name string) (*Schema, error) {
	b, err := avscFiles.ReadFile("avsc/" + name + ".avsc")
	if err != nil {
		return nil, fmt.Errorf("read schema %s: %w", name, err)
	}
	c, err := goavro.NewCodec(string(b))
	if err != nil {
		return nil, fmt.Errorf("parse schema %s: %w", name, err)
	}
	return &Schema{Name: name, Text: string(b), codec: c}, nil
}

// Subject returns the TopicNameStrategy subject of a topic's key or value
// schema: "<topic>-key" or "<topic>-value".
func Subject(topic string, isKey bool) string {
	if isKey {
		return topic + "-key"
	}
	return topic + "-value"
}
