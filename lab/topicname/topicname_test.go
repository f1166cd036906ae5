package topicname

import (
	"errors"
	"strings"
	"testing"
)

// Cases and messages from Topic.java and TopicTest.java of apache/kafka 3.9.
func TestValidateAcceptsKafkaLegalNames(t *testing.T) {
	for _, name := range []string{
		"valid", "TOPIC", "nAmEs", "ar6", "VaL1d", "_0-9_.", "...", strings.Repeat("x", 249),
		"a.b_c", // collision characters draw only a warning in Kafka
		"__consumer_offsets",
	} {
		if err := Validate(name); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", name, err)
		}
	}
}

func TestValidateRefusesWhatKafkaRefusesWithItsMessage(t *testing.T) {
	long := strings.Repeat("x", 250)
	for name, want := range map[string]string{
		"":          "Topic name is invalid: the empty string is not allowed",
		".":         "Topic name is invalid: '.' is not allowed",
		"..":        "Topic name is invalid: '..' is not allowed",
		long:        "Topic name is invalid: the length of '" + long + "' is longer than the max allowed length 249",
		"bad topic": "Topic name is invalid: 'bad topic' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
		"ünïcode":   "Topic name is invalid: 'ünïcode' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
		"a/b":       "Topic name is invalid: 'a/b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
		"a:b":       "Topic name is invalid: 'a:b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
	} {
		err := Validate(name)
		if err == nil {
			t.Errorf("Validate(%q) = nil, want an error", name)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate(%q) = %v, does not wrap ErrInvalid", name, err)
		}
		if err.Error() != want {
			t.Errorf("Validate(%q) = %q, want %q", name, err.Error(), want)
		}
	}
}

func TestIsInternalNamesKafkasInternalTopics(t *testing.T) {
	for name, want := range map[string]bool{
		"__consumer_offsets": true, "__transaction_state": true, "__share_group_state": true,
		"__cluster_metadata": false, "consumer_offsets": false, "trains": false,
	} {
		if got := IsInternal(name); got != want {
			t.Errorf("IsInternal(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestHasCollisionChars(t *testing.T) {
	if !HasCollisionChars("a.b") || !HasCollisionChars("a_b") || HasCollisionChars("a-b") {
		t.Fatal("HasCollisionChars does not follow Topic.hasCollisionChars")
	}
}
