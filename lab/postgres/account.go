package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// dedicatedUser is the system user created for the server when the caller
// is root and no postgres user exists.
const dedicatedUser = "ctalab"

// account is the unprivileged user the server runs as. A nil *account
// means "run as the caller".
type account struct {
	name     string
	uid, gid uint32
}

// serverAccount picks the user to run initdb and postgres as. It returns
// nil when the caller is not root.
func serverAccount(ctx context.Context, name string, logger *slog.Logger) (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if name != "" {
		return lookupAccount(name)
	}
	for _, n := range []string{"postgres", dedicatedUser} {
		if a, err := lookupAccount(n); err == nil {
			return a, nil
		}
	}
	cmd := exec.CommandContext(ctx, "useradd", "--system", "--user-group", "--no-create-home",
		"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", dedicatedUser)
	if out, err := cmd.CombinedOutput(); err != nil {
		logger.Warn("could not create system user; falling back to nobody", "user", dedicatedUser, "err", err, "output", string(out))
		return lookupAccount("nobody")
	}
	logger.Info("created system user for PostgreSQL", "user", dedicatedUser)
	return lookupAccount(dedicatedUser)
}

func lookupAccount(name string) (*account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("look up user %s: %w", name, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("look up user %s: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("look up user %s: gid %q: %w", name, u.Gid, err)
	}
	if uid == 0 {
		return nil, fmt.Errorf("look up user %s: it is root, and PostgreSQL refuses to run as root", name)
	}
	return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
}

// sysProcAttr runs a child as the account (when set) in its own process
// group, and asks the kernel to stop it if this process dies first.
func (a *account) sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: []uint32{}}
	}
	return attr
}

// chown gives path to the account; a no-op when not running as root.
func (a *account) chown(path string) error {
	if a == nil {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, a.name, err)
	}
	return nil
}

// chownTree gives the whole tree under root to the account.
func (a *account) chownTree(root string) error {
	if a == nil {
		return nil
	}
	return filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return a.chown(path)
	})
}

// owns reports whether path is owned by the account.
func (a *account) owns(path string) bool {
	if a == nil {
		return true
	}
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == a.uid
}

// checkReachable fails when the account cannot traverse every directory
// above dir, which would make initdb and postgres fail with a bare
// "permission denied". Only permission bits are considered.
func (a *account) checkReachable(dir string) error {
	if a == nil {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				if p == filepath.Dir(p) {
					return nil
				}
				continue
			}
			return fmt.Errorf("check data dir %s: %w", dir, err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok {
			perm := fi.Mode().Perm()
			var bit os.FileMode = 0o001
			switch {
			case st.Uid == a.uid:
				bit = 0o100
			case st.Gid == a.gid:
				bit = 0o010
			}
			if perm&bit == 0 {
				return fmt.Errorf("check data dir %s: directory %s (mode %v) is not searchable by user %s, who runs the server; make it searchable (chmod o+x) or choose a data dir elsewhere", dir, p, perm, a.name)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
