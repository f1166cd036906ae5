package tlsgen

import (
	"crypto/tls"
	"net"
	"os"
	"testing"
)

func TestAClientTrustingTheWrittenCAVerifiesTheServer(t *testing.T) {
	f, err := Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := f.ServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	cli, err := f.ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		c, err := tls.Dial("tcp", net.JoinHostPort(host, port), cli)
		if err != nil {
			t.Fatalf("dial %s: %v", host, err)
		}
		c.Close()
	}
	// The system roots do not know the lab's CA.
	c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{})
	if err == nil {
		c.Close()
		t.Fatal("a client without the lab's CA accepted its certificate")
	}
}

func TestEnsureKeepsTheCAItMadeBefore(t *testing.T) {
	dir := t.TempDir()
	f, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(f.CA)
	if _, err := Ensure(dir); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(f.CA)
	if string(before) != string(after) {
		t.Fatal("the CA changed on the second Ensure")
	}
}
