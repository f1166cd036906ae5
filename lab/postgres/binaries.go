package postgres

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries is returned (wrapped) by Start when no PostgreSQL server
// binaries are found. Its message says what to install.
var ErrNoBinaries = errors.New("install PostgreSQL server binaries: apt-get install postgresql")

// libRoot is where Debian installs versioned PostgreSQL binaries.
var libRoot = "/usr/lib/postgresql"

type binaries struct {
	initdb   string
	postgres string
}

// findBinaries looks for initdb and postgres in binDir when it is set,
// otherwise on PATH, then under libRoot/<version>/bin, newest version first.
func findBinaries(binDir string) (binaries, error) {
	if binDir != "" {
		if b, ok := binariesIn(binDir); ok {
			return b, nil
		}
		return binaries{}, fmt.Errorf("find postgres binaries: initdb and postgres not found in %s: %w", binDir, ErrNoBinaries)
	}
	initdb, err1 := exec.LookPath("initdb")
	postgres, err2 := exec.LookPath("postgres")
	if err1 == nil && err2 == nil {
		return binaries{initdb: initdb, postgres: postgres}, nil
	}
	for _, dir := range versionDirs() {
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	return binaries{}, fmt.Errorf("find postgres binaries: initdb and postgres not found on PATH or in %s/*/bin: %w", libRoot, ErrNoBinaries)
}

func binariesIn(dir string) (binaries, bool) {
	b := binaries{initdb: filepath.Join(dir, "initdb"), postgres: filepath.Join(dir, "postgres")}
	return b, isExecutable(b.initdb) && isExecutable(b.postgres)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// versionDirs lists libRoot/*/bin, newest version first.
func versionDirs() []string {
	entries, err := os.ReadDir(libRoot)
	if err != nil {
		return nil
	}
	var versions []string
	for _, e := range entries {
		if e.IsDir() {
			versions = append(versions, e.Name())
		}
	}
	sort.Slice(versions, func(i, j int) bool { return versionLess(versions[j], versions[i]) })
	dirs := make([]string, 0, len(versions))
	for _, v := range versions {
		dirs = append(dirs, filepath.Join(libRoot, v, "bin"))
	}
	return dirs
}

// versionLess compares dotted version numbers numerically ("9.6" < "15").
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr != nil || berr != nil {
			if as[i] != bs[i] {
				return as[i] < bs[i]
			}
			continue
		}
		if ai != bi {
			return ai < bi
		}
	}
	return len(as) < len(bs)
}
