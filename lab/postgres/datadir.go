package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// LogFile is the name of the server log inside the data dir.
const LogFile = "ctalab-postgres.log"

// hasCluster reports whether dir already holds an initialised cluster.
func hasCluster(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil
}

// prepareDataDir makes dir exist, owned by the account, and initialises a
// cluster in it unless one is there already.
func (s *Server) prepareDataDir(ctx context.Context) error {
	dir := s.dataDir
	if err := s.account.checkReachable(dir); err != nil {
		return err
	}
	if hasCluster(dir) {
		if !s.account.owns(dir) {
			if err := s.account.chownTree(dir); err != nil {
				return fmt.Errorf("prepare data dir %s: %w", dir, err)
			}
		}
		s.cfg.logger.Info("reusing existing PostgreSQL cluster", "data_dir", dir)
		return s.loadPassword()
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return fmt.Errorf("create data dir %s: %w", dir, err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil {
			return fmt.Errorf("create data dir %s: %w", dir, err)
		}
	case err != nil:
		return fmt.Errorf("read data dir %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("prepare data dir %s: directory is not empty and holds no PostgreSQL cluster (no PG_VERSION)", dir)
	}
	if err := s.account.chown(dir); err != nil {
		return err
	}
	copied, err := s.copyTemplate()
	if err != nil {
		s.cfg.logger.Warn("the cached PostgreSQL cluster template could not be used; running initdb", "err", err)
		if cerr := clearDir(dir); cerr != nil {
			return fmt.Errorf("prepare data dir %s: %w", dir, cerr)
		}
	}
	if copied {
		return nil
	}
	if s.cfg.templateCache != "" {
		// The cluster is made with a password of the template's own, kept
		// in the data dir until Start, once the server runs, replaces it
		// with the given one or a random one, as for a copy.
		tmplPw, err := randomPassword()
		if err != nil {
			return fmt.Errorf("initdb: %w", err)
		}
		s.wantPassword, s.randomPassword = s.cfg.password, s.cfg.password == ""
		s.cfg.password, s.rotate = tmplPw, true
		if err := s.initdb(ctx); err != nil {
			return err
		}
		if s.cfg.seed != nil {
			s.seedPending = true // kept as the template once seeded (seedTemplateLocked)
		} else if err := s.saveTemplate(); err != nil {
			s.cfg.logger.Warn("the new PostgreSQL cluster could not be cached as a template; the next one runs initdb again", "err", err)
		}
		return s.savePassword()
	}
	if s.cfg.password == "" {
		pw, err := randomPassword()
		if err != nil {
			return fmt.Errorf("initdb: %w", err)
		}
		s.cfg.password, s.randomPassword = pw, true
	}
	if err := s.initdb(ctx); err != nil {
		return err
	}
	if s.randomPassword {
		return s.savePassword()
	}
	return nil
}

// clearDir removes everything inside dir, keeping dir.
func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// initdb initialises the cluster with a password-authenticated superuser.
func (s *Server) initdb(ctx context.Context) error {
	pwDir, err := os.MkdirTemp("", "ctalab-pwfile-")
	if err != nil {
		return fmt.Errorf("initdb: create password file: %w", err)
	}
	defer func() {
		if err := os.RemoveAll(pwDir); err != nil {
			s.cfg.logger.Warn("the superuser's temporary password file was not removed; remove it by hand", "dir", pwDir, "err", err)
		}
	}()
	pwFile := filepath.Join(pwDir, "pwfile")
	if err := os.WriteFile(pwFile, []byte(s.cfg.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("initdb: write password file: %w", err)
	}
	if err := s.account.chown(pwDir); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	if err := s.account.chown(pwFile); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}

	args := append([]string{"--pgdata=" + s.dataDir, "--pwfile=" + pwFile}, s.initdbArgs()...)
	if s.temporary {
		args = append(args, "--no-sync") // a throw-away cluster needs no fsync
	}
	cmd := exec.CommandContext(ctx, s.bins.initdb, args...)
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = s.account.sysProcAttr()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	s.cfg.logger.Info("initialising PostgreSQL cluster", "data_dir", s.dataDir, "initdb", s.bins.initdb)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initdb %s: %w\n%s", s.dataDir, err, tail(out.String(), 4096))
	}
	if err := appendFile(filepath.Join(s.dataDir, "postgresql.conf"), clusterSettings); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	// The log file may only appear now: initdb wants an empty directory.
	if err := os.WriteFile(filepath.Join(s.dataDir, LogFile), out.Bytes(), 0o600); err != nil {
		return fmt.Errorf("initdb: write log: %w", err)
	}
	return s.account.chown(filepath.Join(s.dataDir, LogFile))
}

// clusterSettings go into the postgresql.conf of the clusters made here,
// not on the server's command line, because they hold only for the WAL
// segment size these clusters have (initdbArgs): min_wal_size must be at
// least two segments, and a data dir an older lab made has 16 MB ones.
const clusterSettings = `
# ctalab: a cluster template is copied at every lab start, spare WAL
# segments and all; keep none past a checkpoint.
min_wal_size = 2MB
wal_recycle = off
`

// appendFile appends text to the file at path, which must exist.
func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// tail returns at most the last n bytes of s, cut at a line start.
func tail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
