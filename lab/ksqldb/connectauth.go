package ksqldb

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"

	"github.com/ctalab/ctalab/clientconf"
)

// Names of the Connect basic auth settings (KsqlConfig, confluentinc/ksql
// v7.9.0).
const (
	connectAuthSourceProperty = "ksql.connect.basic.auth.credentials.source"
	connectAuthFileProperty   = "ksql.connect.basic.auth.credentials.file"
	connectAuthSourceFile     = "FILE"
)

// connectAuthHeader is DefaultConnectClientFactory.buildBasicAuthHeader for
// a credentials file (nil when the source is NONE: no header): the
// Authorization header made of the file's username and password. An empty
// file name is a ConfigException; a file that cannot be read, or that
// lacks either key, is logged as an error and leaves the requests to
// Connect without credentials, as ksqlDB leaves them.
func connectAuthHeader(file *string, log *slog.Logger) (string, error) {
	if file == nil {
		return "", nil
	}
	if *file == "" {
		return "", fmt.Errorf("'%s' cannot be empty if '%s' is set to '%s'", connectAuthFileProperty, connectAuthSourceProperty, connectAuthSourceFile)
	}
	creds, err := readCredentials(*file)
	if err != nil {
		log.Error("Failed to load credentials file: " + err.Error())
		return "", nil
	}
	user, hasUser := creds["username"]
	password, hasPassword := creds["password"]
	if !hasUser || !hasPassword {
		log.Error("Provided credentials file doesn't provide username and password")
		return "", nil
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)), nil
}

// readCredentials reads a Java properties file into a map, a later key
// replacing an earlier one as Properties.load does.
func readCredentials(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	defer func() { _ = f.Close() }()
	props, err := clientconf.ParseProperties(f)
	if err != nil {
		return nil, fmt.Errorf("read credentials %s: %w", path, err)
	}
	out := make(map[string]string, len(props))
	for _, p := range props {
		out[p.Key] = p.Value
	}
	return out, nil
}
