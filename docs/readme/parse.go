package readme

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kind is what the spec does with a fenced block.
type Kind int

// Block kinds.
const (
	Prose    Kind = iota // a fence that is neither commands nor expected output
	Commands             // an sh fence: run each command
	Output               // a plain fence marked "output of: COMMAND"
	Skipped              // marked needs: or skip:
)

// Block is one fenced block of the README.
type Block struct {
	Line  int // line number of the opening fence, 1-based
	Kind  Kind
	Arg   string // Output: the command; Skipped: the reason
	Lines []string
}

var markerRE = regexp.MustCompile(`^<!--\s*(needs|skip|output of):\s*(.*?)\s*-->$`)

// Parse returns md's fenced blocks in order.
func Parse(md []byte) ([]Block, error) {
	var blocks []Block
	sc := bufio.NewScanner(bytes.NewReader(md))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur *Block
	prev := ""
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur != nil {
			if trimmed == "```" {
				blocks = append(blocks, *cur)
				cur = nil
			} else {
				cur.Lines = append(cur.Lines, line)
			}
			prev = ""
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			info := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			b := &Block{Line: n, Kind: Prose}
			m := markerRE.FindStringSubmatch(strings.TrimSpace(prev))
			switch {
			case m != nil && m[1] == "needs":
				b.Kind, b.Arg = Skipped, "needs "+m[2]
			case m != nil && m[1] == "skip":
				b.Kind, b.Arg = Skipped, m[2]
			case m != nil && m[1] == "output of":
				if info != "" {
					return nil, fmt.Errorf("README line %d: an output block is a plain fence, not %q", n, info)
				}
				b.Kind, b.Arg = Output, m[2]
			case info == "sh":
				b.Kind = Commands
			}
			cur = b
			continue
		}
		if trimmed != "" {
			prev = trimmed
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("README line %d: the fence is never closed", cur.Line)
	}
	return blocks, nil
}

// CommandLines returns the commands of an sh block: lines joined where a
// trailing backslash continues them, blank and comment-only lines left out.
func (b Block) CommandLines() []string {
	var out []string
	acc := ""
	for _, l := range b.Lines {
		if strings.HasSuffix(l, `\`) {
			acc += strings.TrimSuffix(l, `\`) + " "
			continue
		}
		l = acc + l
		acc = ""
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	if strings.TrimSpace(acc) != "" {
		out = append(out, strings.TrimSpace(acc))
	}
	return out
}

var (
	// durationRE finds a Go duration in quoted text (time.Duration.String:
	// "1.2s", "868ms", "1m2.5s") that no word character comes before.
	durationRE = regexp.MustCompile(`(^|[^A-Za-z0-9_])(?:[0-9]+(?:\\\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+\b`)
	numberRE   = regexp.MustCompile(`[0-9]+(?:\\\.[0-9]+)?`)
	blanksRE   = regexp.MustCompile(`[ \t]+`)
	angleRE    = regexp.MustCompile(`<[A-Za-z_-]+>`)
)

// LinePattern turns an expected output line into the regexp that matches
// it as the package doc says: durations match any duration, numbers any
// number, "..." anything, <word> any non-blank text, blanks any blanks.
func LinePattern(expected string) *regexp.Regexp {
	const dots, angle, duration = "\x00", "\x01", "\x02"
	s := strings.ReplaceAll(strings.TrimSpace(expected), "...", dots)
	s = angleRE.ReplaceAllString(s, angle)
	s = regexp.QuoteMeta(s)
	s = durationRE.ReplaceAllString(s, "${1}"+duration)
	s = numberRE.ReplaceAllString(s, `[0-9]+(?:\.[0-9]+)?`)
	s = strings.ReplaceAll(s, duration, `(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+`)
	s = blanksRE.ReplaceAllString(s, `[ \t]+`)
	s = strings.ReplaceAll(s, dots, `.*`)
	s = strings.ReplaceAll(s, angle, `\S+`)
	return regexp.MustCompile(s)
}

// Missing returns the expected lines that no line of output matches.
func Missing(expected []string, output string) []string {
	lines := strings.Split(output, "\n")
	var missing []string
	for _, e := range expected {
		if strings.TrimSpace(e) == "" {
			continue
		}
		re := LinePattern(e)
		if !slices.ContainsFunc(lines, re.MatchString) {
			missing = append(missing, e)
		}
	}
	return missing
}
