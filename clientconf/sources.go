package clientconf

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// File and environment variable naming a client properties file.
const (
	FileFlag = "client-config"
	FileEnv  = "CTALAB_CLIENT_CONFIG"
)

// LoadFile adds the settings of the properties file at path; each value's
// origin names the key, the file and the line.
func (v *Values) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("client properties: %w", err)
	}
	defer func() { _ = f.Close() }() // only read
	props, err := ParseProperties(f)
	if err != nil {
		return fmt.Errorf("client properties %s: %w", path, err)
	}
	for _, p := range props {
		v.Set(p.Key, p.Value, fmt.Sprintf("%s in %s:%d", p.Key, path, p.Line))
	}
	return nil
}

// LoadEnv adds the settings given by CTALAB_* variables; getenv is
// os.Getenv in programs.
func (v *Values) LoadEnv(getenv func(string) string) {
	for _, s := range settings {
		if s.env == "" {
			continue
		}
		if val := getenv(s.env); val != "" {
			v.Set(s.key, val, s.env)
		}
	}
}

// Flags are the command-line flags of every client setting, and of the
// properties file. Resolve layers them: flags over CTALAB_* variables over
// the properties file over the defaults.
type Flags struct {
	file string
	vals map[string]*string
	fs   *flag.FlagSet
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Register adds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	f.fs = fs
	f.vals = map[string]*string{}
	fs.StringVar(&f.file, FileFlag, "", "client properties `file` in the Confluent format (bootstrap.servers, security.protocol, sasl.jaas.config, basic.auth.user.info, ...) (env "+FileEnv+")")
	for _, s := range settings {
		if s.flag == "" {
			continue
		}
		usage := s.usage + " (env " + s.env + ", property " + s.key + ")"
		if s.def != "" {
			usage += " (default " + s.def + ")"
		}
		f.vals[s.key] = fs.String(s.flag, "", usage)
	}
}

func (f *Flags) getenv(k string) string {
	if f.Getenv != nil {
		return f.Getenv(k)
	}
	return os.Getenv(k)
}

// Given reports whether any setting was given by a flag, a variable or a
// file: the user named a stack.
func (f *Flags) Given() bool {
	if f.file != "" || f.getenv(FileEnv) != "" {
		return true
	}
	given := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == FileFlag {
			given = true
		}
		for _, s := range settings {
			if s.flag == fl.Name {
				given = true
			}
		}
	})
	for _, s := range settings {
		if s.env != "" && f.getenv(s.env) != "" {
			given = true
		}
	}
	return given
}

// Values returns the layered settings, once the flags are parsed.
func (f *Flags) Values() (*Values, error) {
	v := &Values{}
	file := f.file
	if file == "" {
		file = f.getenv(FileEnv)
	}
	if file != "" {
		if err := v.LoadFile(file); err != nil {
			return nil, err
		}
	}
	v.LoadEnv(f.getenv)
	f.fs.Visit(func(fl *flag.Flag) {
		for _, s := range settings {
			if s.flag == fl.Name {
				v.Set(s.key, fl.Value.String(), "--"+s.flag)
			}
		}
	})
	return v, nil
}

// Resolve returns the Config of the parsed flags, variables and file.
func (f *Flags) Resolve() (Config, error) {
	v, err := f.Values()
	if err != nil {
		return Config{}, err
	}
	return v.Resolve()
}

// Override sets key as if it had been given by origin, over the file and
// the environment; programs use it to point at a stack they started.
func (v *Values) Override(key, val, origin string) { v.Set(key, val, origin) }

// UnknownWarning returns the one warning about c's unknown keys, or "".
func (c Config) UnknownWarning() string {
	if len(c.Unknown) == 0 {
		return ""
	}
	return "ignoring client properties that no client here reads: " + strings.Join(c.Unknown, ", ")
}

// EnvVars returns every environment variable Flags reads.
func EnvVars() []string {
	out := []string{FileEnv}
	for _, s := range settings {
		if s.env != "" {
			out = append(out, s.env)
		}
	}
	return out
}
