package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// CacheDirEnv names the environment variable that moves ctalab's cache
// (default: the user's cache dir, ~/.cache/ctalab on Linux). The cluster
// templates live in its postgres subdirectory.
const CacheDirEnv = "CTALAB_CACHE_DIR"

// templateFormat changes whenever what a template holds changes, so that
// older templates are not used.
const templateFormat = "4"

// DefaultTemplateCache returns where clusters are cached when no
// WithTemplateCache option is given: $CTALAB_CACHE_DIR/postgres, else the
// user's cache dir's ctalab/postgres, else "" (no cache) when the user has
// no cache dir.
func DefaultTemplateCache() string {
	if dir := os.Getenv(CacheDirEnv); dir != "" {
		return filepath.Join(dir, "postgres")
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ctalab", "postgres")
}

// initdbArgs are the initdb arguments every cluster is made with, the
// data dir and password file aside.
func (s *Server) initdbArgs() []string {
	return []string{
		"--username=" + s.cfg.superuser,
		"--auth=scram-sha-256",
		"--encoding=UTF8",
		"--locale=C",
		// 1 MB WAL segments, not 16: a cluster is copied from the template
		// at every lab start, and its first WAL segment was 16 of its 39 MB.
		"--wal-segsize=1",
	}
}

// templateDir returns the directory of the template that initdb, run as
// this server runs it, would make: its name hashes the binaries (path,
// size and modification time), the arguments and the seed's name, so
// another PostgreSQL version, superuser or seed gets a template of its own.
func (s *Server) templateDir() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "format %s\n", templateFormat)
	for _, bin := range []string{s.bins.initdb, s.bins.postgres} {
		fi, err := os.Stat(bin)
		if err != nil {
			return "", fmt.Errorf("cluster template: %w", err)
		}
		fmt.Fprintf(h, "%s %d %d\n", bin, fi.Size(), fi.ModTime().UnixNano())
	}
	fmt.Fprintf(h, "%s\n", strings.Join(s.initdbArgs(), "\x00"))
	if s.cfg.seed != nil {
		fmt.Fprintf(h, "seed %s\n", s.cfg.seedName)
	}
	return filepath.Join(s.cfg.templateCache, "cluster-"+hex.EncodeToString(h.Sum(nil))[:16]), nil
}

// copyTemplate fills the empty data dir from the cached template, when
// there is one, and reports whether it did. The copy keeps the template's
// superuser password, in its password file too, until the server has
// started; Start then replaces it (see rotatePassword).
func (s *Server) copyTemplate() (bool, error) {
	if s.cfg.templateCache == "" {
		return false, nil
	}
	tmpl, err := s.templateDir()
	if err != nil {
		return false, err
	}
	pw, err := os.ReadFile(filepath.Join(tmpl, passwordFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("cluster template %s: %w", tmpl, err)
	}
	start := time.Now()
	spare, took := s.takeSpare(tmpl)
	if took {
		// The spare is a copy of the template, flushed and given to the
		// account when it was made; its password file is its own.
		if pw, err = os.ReadFile(filepath.Join(s.dataDir, passwordFile)); err != nil {
			return false, fmt.Errorf("spare cluster %s: %w", spare, err)
		}
		if !s.account.owns(s.dataDir) {
			if err := s.account.chownTree(s.dataDir); err != nil {
				return false, err
			}
		}
	} else {
		if err := copyTree(context.Background(), tmpl, s.dataDir, false); err != nil {
			return false, fmt.Errorf("copy the cluster template %s: %w", tmpl, err)
		}
		if !s.temporary {
			if err := syncFS(s.dataDir); err != nil {
				return false, fmt.Errorf("copy the cluster template %s: %w", tmpl, err)
			}
		}
		if err := s.account.chownTree(s.dataDir); err != nil {
			return false, err
		}
	}
	copied := time.Since(start)
	// The cluster opens with the template's password until Start replaces
	// it with the given one or a random one of the data dir's own.
	s.wantPassword, s.randomPassword = s.cfg.password, s.cfg.password == ""
	s.cfg.password, s.rotate = strings.TrimSpace(string(pw)), true
	how := "copied from the template " + tmpl
	if took {
		how = "a spare copy of the template " + tmpl
	}
	note := fmt.Sprintf("%s ctalab: cluster %s instead of running initdb\n", time.Now().UTC().Format(time.RFC3339), how)
	if err := os.WriteFile(filepath.Join(s.dataDir, LogFile), []byte(note), 0o600); err != nil {
		return false, fmt.Errorf("copy the cluster template: write log: %w", err)
	}
	if err := s.account.chown(filepath.Join(s.dataDir, LogFile)); err != nil {
		return false, err
	}
	// A template's modification time says when a lab last used it.
	now := time.Now()
	_ = os.Chtimes(tmpl, now, now)
	removeStale(s.cfg.templateCache, tmpl)
	if took {
		s.cfg.logger.Info("took a spare copy of the PostgreSQL cluster template", "data_dir", s.dataDir, "template", tmpl, "spare", spare, "took", time.Since(start).Round(time.Millisecond))
		return true, nil
	}
	s.cfg.logger.Info("copied the cached PostgreSQL cluster template", "data_dir", s.dataDir, "template", tmpl, "took", time.Since(start).Round(time.Millisecond), "copy", copied.Round(time.Millisecond))
	return true, nil
}

// seedTemplateLocked runs the seed on the cluster initdb has just made,
// whose server has started, then stops the server, keeps the data dir as
// the template and starts the server again. s.mu must be held.
func (s *Server) seedTemplateLocked(ctx context.Context) error {
	s.seedPending = false
	if err := s.cfg.seed(ctx, s.SuperuserURL("postgres")); err != nil {
		return fmt.Errorf("seed the new cluster: %w", err)
	}
	if err := s.stopLocked(ctx); err != nil {
		return err
	}
	if err := s.saveTemplate(); err != nil {
		s.cfg.logger.Warn("the new PostgreSQL cluster could not be cached as a template; the next one runs initdb again", "err", err)
	}
	return s.startLocked(ctx)
}

// saveTemplate keeps a copy of the data dir initdb has just made (and, with
// a seed, the seed has filled, its server stopped), with the superuser's
// password, for later clusters. It writes a temporary
// directory and renames it, so that a template is complete or absent
// even when several labs start at once.
func (s *Server) saveTemplate() error {
	if s.cfg.templateCache == "" {
		return nil
	}
	tmpl, err := s.templateDir()
	if err != nil {
		return err
	}
	if _, err := os.Stat(tmpl); err == nil {
		return nil // another lab was quicker
	}
	if err := os.MkdirAll(s.cfg.templateCache, 0o700); err != nil {
		return fmt.Errorf("save the cluster template: %w", err)
	}
	removeAbandoned(s.cfg.templateCache)
	tmp, err := os.MkdirTemp(s.cfg.templateCache, newTemplatePrefix)
	if err != nil {
		return fmt.Errorf("save the cluster template: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	dst := filepath.Join(tmp, "cluster")
	if err := copyTree(context.Background(), s.dataDir, dst, false); err != nil {
		return fmt.Errorf("save the cluster template: %w", err)
	}
	if err := os.Remove(filepath.Join(dst, LogFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("save the cluster template: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dst, passwordFile), []byte(s.cfg.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("save the cluster template: %w", err)
	}
	if err := syncFS(dst); err != nil {
		return fmt.Errorf("save the cluster template: %w", err)
	}
	if err := os.Rename(dst, tmpl); err != nil {
		if _, serr := os.Stat(tmpl); serr == nil {
			return nil // another lab was quicker
		}
		return fmt.Errorf("save the cluster template: %w", err)
	}
	removeStale(s.cfg.templateCache, tmpl)
	s.cfg.logger.Info("cached the new PostgreSQL cluster as a template for later ones", "template", tmpl)
	return nil
}

// staleTemplateAge is how long a template may go unused before a lab that
// copies or saves another one removes it: a template's key changes with
// the PostgreSQL binaries, the superuser, the initdb arguments, the seed and
// the template format, and the old ones would otherwise stay for good.
const staleTemplateAge = 30 * 24 * time.Hour

// removeStale removes the templates in cache, other than keep, that no lab
// has used for staleTemplateAge.
func removeStale(cache, keep string) {
	removeOlder(cache, "cluster-", staleTemplateAge, keep)
}

// removeOlder removes the entries of cache whose names start with prefix,
// other than keep, last modified more than age ago.
func removeOlder(cache, prefix string, age time.Duration, keep string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		dir := filepath.Join(cache, e.Name())
		if !strings.HasPrefix(e.Name(), prefix) || dir == keep {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			_ = os.RemoveAll(dir)
		}
	}
}

// newTemplatePrefix starts the name of a template being written.
const newTemplatePrefix = ".new-cluster-"

// removeAbandoned removes templates left half-written over an hour ago,
// by a lab that was killed while writing one.
func removeAbandoned(cache string) { removeOlder(cache, newTemplatePrefix, time.Hour, "") }

// copyWorkers is how many files copyTree copies at once. A cluster is
// about 1,300 small files: one at a time, the copy waits on the disk for
// each (70-130 ms for the 31 MB template on a 2-core VM); four at a time
// took 45-55 ms there.
const copyWorkers = 4

// copyTree copies the directories and regular files under src to dst,
// which must not exist or be empty, keeping their permission bits; it
// stops with ctx's error when ctx ends. With flush, the copy is flushed to
// disk before copyTree returns, as initdb flushes the clusters it makes:
// one syncfs(2) of dst's file system, far quicker than a thousand fsyncs.
func copyTree(ctx context.Context, src, dst string, flush bool) error {
	type file struct {
		src, dst string
		perm     fs.FileMode
	}
	files := make(chan file, copyWorkers*4)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return firstErr != nil }
	for range copyWorkers {
		wg.Go(func() {
			for f := range files {
				if err := copyFile(f.src, f.dst, f.perm); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if failed() {
			return filepath.SkipAll
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.Mkdir(target, info.Mode().Perm()); err != nil && !(rel == "." && errors.Is(err, fs.ErrExist)) {
				return err
			}
			return os.Chmod(target, info.Mode().Perm())
		case info.Mode().IsRegular():
			files <- file{path, target, info.Mode().Perm()}
			return nil
		default:
			return fmt.Errorf("%s: not a directory or a regular file (%s)", path, info.Mode().Type())
		}
	})
	close(files)
	wg.Wait()
	if err == nil {
		err = firstErr
	}
	if err != nil || !flush {
		return err
	}
	return syncFS(dst)
}

// copyFile copies a regular file. io.Copy between two files lets the
// kernel copy (copy_file_range(2)), with no round trip through this
// process.
func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// syncFS flushes the file system that holds path to disk.
func syncFS(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("syncfs %s: %w", path, err)
	}
	return nil
}
