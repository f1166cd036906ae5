package main

import (
	"strings"
	"testing"
)

// Help that was asked for is the program's output: it goes to stdout, so
// that "go run ./app serve --help | less" pages it, and the exit is 0.
func TestHelpAskedForGoesToStdoutWithExitZero(t *testing.T) {
	cases := [][]string{{"--help"}, {"-h"}, {"help"}}
	for _, c := range commands() {
		cases = append(cases, []string{c.name, "--help"}, []string{c.name, "-h"}, []string{"help", c.name})
	}
	for _, args := range cases {
		stdout, stderr, code := runCLI(t, args...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage:") {
			t.Errorf("%v: exit %d, stdout %.60q, stderr %q; want exit 0, the usage on stdout and nothing on stderr", args, code, stdout, stderr)
		}
	}
	stdout, _, _ := runCLI(t, "serve", "--help")
	if !strings.Contains(stdout, "-port-offset") || !strings.Contains(stdout, "-listen") {
		t.Errorf("serve --help does not list its flags:\n%s", stdout)
	}
}

// A mistyped flag is answered with the flag package's one-line error and
// one line pointing at the help, on stderr, exit 2: not the whole help.
func TestMistypedFlagPrintsOneLineErrorAndAHelpHint(t *testing.T) {
	for _, c := range commands() {
		stdout, stderr, code := runCLI(t, c.name, "--bogus")
		want := c.name + ": flag provided but not defined: -bogus\nrun 'go run ./app " + c.name + " --help' for usage\n"
		if code != 2 || stdout != "" || stderr != want {
			t.Errorf("%s --bogus: exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", c.name, code, stdout, stderr, want)
		}
	}
	stdout, stderr, code := runCLI(t, "nosuch")
	want := "unknown command \"nosuch\"\nrun 'go run ./app --help' for usage\n"
	if code != 2 || stdout != "" || stderr != want {
		t.Errorf("nosuch: exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", code, stdout, stderr, want)
	}
}

// The transformer takes the role of a course solution's Faust worker, whose
// topics differ from the pipeline's: transform names its input, output and
// consumer group on the command line, and its help says so.
func TestTransformHelpListsTopicAndGroupFlags(t *testing.T) {
	stdout, _, code := runCLI(t, "transform", "--help")
	for _, flag := range []string{"-from topic", "-to topic", "-group id", "org.chicago.cta.stations.table.v1"} {
		if code != 0 || !strings.Contains(stdout, flag) {
			t.Errorf("transform --help (exit %d) does not show %q:\n%s", code, flag, stdout)
		}
	}
}

// A topic name Kafka would refuse is a usage error before anything connects,
// with Kafka's reason (Topic.java: legal characters are ASCII alphanumerics,
// '.', '_' and '-').
func TestTransformRefusesAnInvalidTopicNameAsUsageError(t *testing.T) {
	stdout, stderr, code := runCLI(t, "transform", "-to", "stations transformed")
	want := "transform: -to: Topic name is invalid: 'stations transformed' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'\nrun 'go run ./app transform --help' for usage\n"
	if code != 2 || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", code, stdout, stderr, want)
	}
}
