package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// passwordFile holds, inside the data dir, the superuser's password when
// it was chosen by this package. The data dir is readable by its owner
// only, as PostgreSQL demands, and so is this file.
const passwordFile = "ctalab-superuser-password"

// legacyPassword is the superuser password of data dirs initialised before
// passwords were random; such a data dir gets a random one at its next
// start.
const legacyPassword = "postgres"

// SuperuserPassword returns the superuser's password: the one given to
// WithSuperuser, or the data dir's own random one.
func (s *Server) SuperuserPassword() string { return s.cfg.password }

// randomPassword returns 32 random characters safe in a URL and in SQL.
func randomPassword() (string, error) {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// loadPassword picks the password of an existing cluster when none was
// given: the data dir's file, or the old fixed one, to be replaced.
func (s *Server) loadPassword() error {
	if s.cfg.password != "" {
		return nil
	}
	s.randomPassword = true
	b, err := os.ReadFile(filepath.Join(s.dataDir, passwordFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.cfg.password, s.rotate = legacyPassword, true
		return nil
	case err != nil:
		return fmt.Errorf("read the superuser password: %w", err)
	}
	pw := strings.TrimSpace(string(b))
	if pw == "" {
		return fmt.Errorf("read the superuser password: %s is empty; delete it to have the password replaced at the next start", filepath.Join(s.dataDir, passwordFile))
	}
	s.cfg.password = pw
	return nil
}

// savePassword writes the current password to the data dir's file,
// readable by the data dir's owner only.
func (s *Server) savePassword() error {
	path := filepath.Join(s.dataDir, passwordFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s.cfg.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("save the superuser password: %w", err)
	}
	if err := s.account.chown(tmp); err != nil {
		return fmt.Errorf("save the superuser password: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save the superuser password: %w", err)
	}
	return nil
}

// rotatePassword replaces the superuser password of a running server, the
// old fixed one or a cluster template's, with the wanted one (given to
// WithSuperuser) or else a random one, which it saves in the data dir.
func (s *Server) rotatePassword(ctx context.Context) error {
	pw := s.wantPassword
	if pw == "" {
		var err error
		if pw, err = randomPassword(); err != nil {
			return err
		}
	}
	conn, err := s.superuserConn(ctx)
	if err != nil {
		return fmt.Errorf("replace the superuser's password: %w", err)
	}
	defer conn.Close(context.Background())
	// A password given to WithSuperuser may hold quotes: it goes in as a
	// bound parameter of a function that quotes it.
	var stmt string
	if err := conn.QueryRow(ctx, "SELECT format('ALTER ROLE %I WITH PASSWORD %L', $1::text, $2::text)", s.cfg.superuser, pw).Scan(&stmt); err != nil {
		return fmt.Errorf("replace the superuser's password: %w", err)
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("replace the superuser's password: %w", err)
	}
	s.cfg.password, s.rotate = pw, false
	if !s.randomPassword {
		// A given password is the caller's to keep, not the data dir's.
		if err := os.Remove(filepath.Join(s.dataDir, passwordFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replace the superuser's password: %w", err)
		}
		return nil
	}
	if err := s.savePassword(); err != nil {
		return err
	}
	s.cfg.logger.Info("gave the PostgreSQL superuser a random password of the data dir's own", "data_dir", s.dataDir, "file", passwordFile)
	return nil
}
