package postgres

import (
	"context"
	"io"
	"log/slog"
)

// DefaultSuperuser is the superuser initdb creates unless WithSuperuser
// names another. Its password is random per data dir (see
// Server.SuperuserPassword).
const DefaultSuperuser = "postgres"

type config struct {
	dataDir   string
	port      int
	logger    *slog.Logger
	superuser string
	password  string
	binDir    string
	runAs     string
	// templateCache holds cluster templates; empty for none.
	templateCache string
	// seedName and seed: what the templates hold besides initdb's cluster
	// (WithTemplateSeed).
	seedName string
	seed     func(ctx context.Context, superuserURL string) error
}

func defaultConfig() config {
	return config{
		logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		superuser:     DefaultSuperuser,
		templateCache: DefaultTemplateCache(),
	}
}

// Option configures Start.
type Option func(*config)

// WithDataDir sets the cluster's data dir. An existing cluster in it is
// reused; an empty or missing dir is initialised. The dir is kept by Close.
// Without this option a temporary data dir is used and Close removes it.
func WithDataDir(dir string) Option { return func(c *config) { c.dataDir = dir } }

// WithPort sets the TCP port on 127.0.0.1. 0 (the default) picks a free one.
func WithPort(port int) Option { return func(c *config) { c.port = port } }

// WithLogger sets the logger for lifecycle messages. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithSuperuser sets the superuser created by initdb and used for the
// ready check. When an existing cluster is reused, these must be its
// superuser's credentials. Without it the superuser is postgres with a
// random password kept in the data dir.
func WithSuperuser(name, password string) Option {
	return func(c *config) { c.superuser, c.password = name, password }
}

// WithBinDir makes Start use initdb and postgres from dir instead of
// searching PATH and /usr/lib/postgresql/*/bin.
func WithBinDir(dir string) Option { return func(c *config) { c.binDir = dir } }

// WithRunAsUser names the system user the server runs as when the caller
// is root. By default: postgres, else ctalab (created when missing), else
// nobody. It is ignored when the caller is not root.
func WithRunAsUser(name string) Option { return func(c *config) { c.runAs = name } }

// WithTemplateCache sets the directory of cluster templates: the first
// cluster initdb makes is kept there, and later ones are copied from it
// (with a password of their own), which is much quicker than initdb. ""
// turns the cache off. The default is DefaultTemplateCache.
func WithTemplateCache(dir string) Option { return func(c *config) { c.templateCache = dir } }

// WithTemplateSeed makes the cached template hold what seed makes: a
// cluster that initdb has just made runs seed, with the superuser's URL to
// database postgres, once its server accepts connections, and only then is
// it kept as the template; later clusters are copies that hold what seed
// made without running it. name identifies what seed makes (change it
// whenever that changes): each name has a template of its own. Without a
// template cache, and for a data dir that already holds a cluster, seed is
// not run: a caller that needs its data applies its seed itself, which a
// seeded copy makes quick.
func WithTemplateSeed(name string, seed func(ctx context.Context, superuserURL string) error) Option {
	return func(c *config) { c.seedName, c.seed = name, seed }
}
