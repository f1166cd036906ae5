package console

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/srclient"
)

// Commands are the commands Main runs.
var Commands = []string{"consume", "produce", "topics", "groups", "ksql"}

// IsCommand reports whether Main runs cmd.
func IsCommand(cmd string) bool {
	for _, c := range Commands {
		if c == cmd {
			return true
		}
	}
	return false
}

// Usage is the commands' summary for the lab command's help.
const Usage = `  consume  TOPIC [--from-beginning] [--max N] [--group G] [--print-key] [--json]
           print a topic's records, one per line, as kafka-avro-console-consumer
           does: Avro, JSON Schema and Protobuf values decoded through the Schema
           Registry, other values as they are
  produce  TOPIC [--value-schema FILE | --value-schema-id N] [--key-schema FILE |
           --key-schema-id N] [--property parse.key=true --property key.separator=:]
           write the JSON lines read on stdin as Avro records, as
           kafka-avro-console-producer does
  topics   [list | describe TOPIC | create TOPIC --partitions N --replication-factor 1
           --config k=v | delete TOPIC], as kafka-topics.sh does
  groups   [list | describe GROUP], as kafka-consumer-groups.sh does
  ksql     [-e "STATEMENTS;" | -f FILE.sql] [--ksqldb URL]
           a shell on ksqlDB, as the ksql CLI: statements end with ';', SELECT
           rows stream until Ctrl-C (which ends the query, not the shell)
`

// usageError is a mistake on the command line: exit 2 with a hint.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// errInterrupted ends a command that Ctrl-C stopped before it was done.
var errInterrupted = errors.New("interrupted")

// endpoints are where the commands find the lab and how they
// authenticate: clientconf's flags, defaulting to the CTALAB_* environment
// variables the application reads, then to a client properties file
// (--client-config), then to the standard ports.
type endpoints struct {
	flags clientconf.Flags
	cfg   clientconf.Config
	kgo   []kgo.Opt
}

func (e *endpoints) register(fs *flag.FlagSet) { e.flags.Register(fs) }

// resolve reads the parsed flags; a malformed setting is a usage error.
func (e *endpoints) resolve(stderr io.Writer) error {
	cfg, err := e.flags.Resolve()
	if err != nil {
		return usageError{err.Error()}
	}
	if w := cfg.UnknownWarning(); w != "" {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	opts, err := cfg.Kafka.KgoOpts()
	if err != nil {
		return err
	}
	e.cfg, e.kgo = cfg, opts
	return nil
}

// kafka returns the franz-go options that reach the brokers (seeds, TLS,
// SASL) followed by opts, in a new slice.
func (e *endpoints) kafka(opts ...kgo.Opt) []kgo.Opt {
	return append(append(make([]kgo.Opt, 0, len(e.kgo)+len(opts)), e.kgo...), opts...)
}

// registry returns a Schema Registry client with the configured
// credentials.
func (e *endpoints) registry() (*srclient.Client, error) {
	hc, err := e.cfg.SchemaRegistry.HTTPClient(10 * time.Second)
	if err != nil {
		return nil, err
	}
	return srclient.New(e.cfg.SchemaRegistry.URL, hc)
}

// command is one parsed command line.
type command struct {
	name   string
	fs     *flag.FlagSet
	ep     endpoints
	args   []string // positional arguments
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// parse parses flags wherever they stand among the positional arguments,
// as the Kafka tools accept them ("lab consume T --from-beginning").
func (c *command) parse(args []string) error {
	for {
		if err := c.fs.Parse(args); err != nil {
			return err
		}
		if c.fs.NArg() == 0 {
			return nil
		}
		c.args = append(c.args, c.fs.Arg(0))
		args = c.fs.Args()[1:]
	}
}

// Main runs one of Commands with its arguments and returns the exit code:
// 0 done, 1 failed, 2 a usage mistake, 130 interrupted.
func Main(ctx context.Context, name string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &command{name: name, fs: flag.NewFlagSet("lab "+name, flag.ContinueOnError), stdin: stdin, stdout: stdout, stderr: stderr}
	c.fs.SetOutput(io.Discard)
	c.fs.Usage = func() {}
	c.ep.register(c.fs)
	var run func(context.Context) error
	var synopsis string
	switch name {
	case "consume":
		run, synopsis = c.consumeFlags()
	case "produce":
		run, synopsis = c.produceFlags()
	case "topics":
		run, synopsis = c.topicsFlags()
	case "groups":
		run, synopsis = c.groupsFlags()
	case "ksql":
		run, synopsis = c.ksqlFlags()
	default:
		fmt.Fprintf(stderr, "unknown command %q\nrun 'lab --help' for usage\n", name)
		return 2
	}
	hint := fmt.Sprintf("run 'lab %s --help' for usage", name)
	if err := c.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage: lab %s\n\nFlags:\n", synopsis)
			c.fs.SetOutput(stdout)
			c.fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "lab %s: %v\n%s\n", name, err, hint)
		return 2
	}
	err := c.ep.resolve(stderr)
	if err == nil {
		err = run(ctx)
	}
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "lab %s: %v\n%s\n", name, err, hint)
		return 2
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(stderr, "lab %s: %v\n", name, err)
		return 130
	default:
		fmt.Fprintf(stderr, "lab %s: %v\n", name, err)
		return 1
	}
}
