package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// A spare is a complete copy of a template, kept beside it in the cache
// (PrepareSpare), that a new cluster takes by renaming it into its data
// dir: one rename instead of creating the template's 1,300 files,
// which on a busy disk takes most of a second. The rename is what makes a
// spare private: only one lab can take it, and the template itself is
// never a cluster's data dir.
const (
	// sparePrefix starts the names of complete spares: spare-<template
	// key>-<random>.
	sparePrefix = "spare-"
	// newSparePrefix starts the name of a spare being written.
	newSparePrefix = ".new-spare-"
	// oldSparePrefix starts the name of a stale spare being removed:
	// it is renamed first, so that no lab takes a half-removed one.
	oldSparePrefix = ".old-spare-"
)

// spareName returns the start of the names of tmpl's spares.
func spareName(tmpl string) string {
	return sparePrefix + strings.TrimPrefix(filepath.Base(tmpl), "cluster-") + "-"
}

// takeSpare renames a spare of tmpl into the empty data dir, when the
// cache holds one on the data dir's file system, and returns its former
// path and true.
func (s *Server) takeSpare(tmpl string) (string, bool) {
	found, err := filepath.Glob(filepath.Join(s.cfg.templateCache, spareName(tmpl)+"*"))
	if err != nil {
		return "", false
	}
	for _, spare := range found {
		// rename(2) replaces an empty directory; os.Rename refuses to.
		err := unix.Rename(spare, s.dataDir)
		if err == nil {
			if hasCluster(s.dataDir) {
				return spare, true
			}
			// Not a cluster: nothing the lab could use; copy instead.
			s.cfg.logger.Warn("a spare PostgreSQL cluster was incomplete; copying the template", "spare", spare)
			if err := clearDir(s.dataDir); err != nil {
				s.cfg.logger.Warn("the incomplete spare could not be removed from the data dir", "data_dir", s.dataDir, "err", err)
			}
			return "", false
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue // another lab took it first
		}
		// Another file system (EXDEV) or a data dir that is not empty:
		// no spare can be renamed there.
		s.cfg.logger.Debug("the spare PostgreSQL cluster cannot be moved into the data dir; copying the template", "spare", spare, "err", err)
		return "", false
	}
	return "", false
}

// PrepareSpare starts copying the cached template, in the background,
// into a spare for the next Start to take (see takeSpare), unless the
// cache holds one already. Close stops it and removes what was half
// written. Call it once whatever starts beside the server is ready: the
// copy creates the template's 1,300 files, which slows other writers to
// the same disk meanwhile. It does nothing without a template cache, when
// the cache holds no template, or when called again.
func (s *Server) PrepareSpare() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.spareDone != nil || s.cfg.templateCache == "" {
		return
	}
	tmpl, err := s.templateDir()
	if err != nil {
		return
	}
	if _, err := os.Stat(filepath.Join(tmpl, passwordFile)); err != nil {
		return // no template (the cache could not be written)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.spareCancel, s.spareDone = cancel, done
	go func() {
		defer close(done)
		if err := s.makeSpare(ctx, tmpl); err != nil && ctx.Err() == nil {
			s.cfg.logger.Warn("no spare PostgreSQL cluster was prepared; the next start copies the template", "err", err)
		}
	}()
}

// stopSpare stops preparing a spare and waits until what was half written
// is removed. s.mu must be held.
func (s *Server) stopSpare() {
	if s.spareCancel == nil {
		return
	}
	s.spareCancel()
	<-s.spareDone
}

// waitSpare waits until the spare PrepareSpare began is ready or
// abandoned.
func (s *Server) waitSpare() {
	s.mu.Lock()
	done := s.spareDone
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

// makeSpare copies tmpl into a spare, unless the cache holds one already:
// into a directory of its own, flushed to disk and given to the server's
// account before it is renamed into place, so that a spare is complete or
// absent.
func (s *Server) makeSpare(ctx context.Context, tmpl string) error {
	cache := s.cfg.templateCache
	name := spareName(tmpl)
	removeStaleSpares(cache, name)
	if found, _ := filepath.Glob(filepath.Join(cache, name+"*")); len(found) > 0 {
		return nil
	}
	start := time.Now()
	tmp, err := os.MkdirTemp(cache, newSparePrefix)
	if err != nil {
		return fmt.Errorf("prepare a spare cluster: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	dst := filepath.Join(tmp, "cluster")
	if err := copyTree(ctx, tmpl, dst, true); err != nil {
		return fmt.Errorf("prepare a spare cluster: %w", err)
	}
	if err := s.account.chownTree(dst); err != nil {
		return fmt.Errorf("prepare a spare cluster: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	spare := filepath.Join(cache, name+strings.TrimPrefix(filepath.Base(tmp), newSparePrefix))
	if err := os.Rename(dst, spare); err != nil {
		return fmt.Errorf("prepare a spare cluster: %w", err)
	}
	s.cfg.logger.Info("prepared a spare copy of the PostgreSQL cluster template for the next start", "spare", spare, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// removeStaleSpares removes from cache the spares of other templates that
// are staleTemplateAge old, spares left half written over an hour ago, and
// spares whose removal was interrupted.
func removeStaleSpares(cache, keep string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		name, dir := e.Name(), filepath.Join(cache, e.Name())
		info, err := e.Info()
		if err != nil {
			continue
		}
		age := time.Since(info.ModTime())
		switch {
		case strings.HasPrefix(name, sparePrefix) && !strings.HasPrefix(name, keep) && age > staleTemplateAge:
			// Claimed by a rename first: a lab may be taking it.
			old := filepath.Join(cache, oldSparePrefix+strings.TrimPrefix(name, sparePrefix))
			if os.Rename(dir, old) == nil {
				_ = os.RemoveAll(old)
			}
		case strings.HasPrefix(name, newSparePrefix) && age > time.Hour,
			strings.HasPrefix(name, oldSparePrefix) && age > time.Hour:
			_ = os.RemoveAll(dir)
		}
	}
}
