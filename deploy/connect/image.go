package connectimage

import (
	"archive/tar"
	"bytes"
	_ "embed"
	"fmt"
	"io"

	"github.com/ctalab/ctalab/internal/platform"
)

// Dockerfile is deploy/connect/Dockerfile.
//
//go:embed Dockerfile
var Dockerfile []byte

// Repo and Tag name the built image, as docker-compose.yml's connect
// service does.
const (
	Repo  = "ctalab/cp-kafka-connect-jdbc"
	Tag   = platform.CPVersion + "-" + platform.JDBCConnectorVersion
	Image = Repo + ":" + Tag
)

// ConnectorArg is the build argument that names the Confluent Hub id of the
// connector to install.
const ConnectorArg = "JDBC_CONNECTOR"

// Context is the build context: a tar stream holding only the Dockerfile.
func Context() (io.ReadSeeker, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(Dockerfile))}); err != nil {
		return nil, fmt.Errorf("connect image build context: %w", err)
	}
	if _, err := tw.Write(Dockerfile); err != nil {
		return nil, fmt.Errorf("connect image build context: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("connect image build context: %w", err)
	}
	return bytes.NewReader(buf.Bytes()), nil
}
