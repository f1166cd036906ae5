package broker

import (
	"context"
	"crypto/tls"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/testtools"
	"github.com/ctalab/ctalab/lab/tlsgen"
)

type securedBroker struct {
	*Broker
	files  tlsgen.Files
	client *tls.Config
}

func startSecured(ctx context.Context, t *testing.T) securedBroker {
	t.Helper()
	files, err := tlsgen.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := files.ServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := files.ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	b := startBroker(ctx, t, WithSecurity(Security{
		TLS: srv,
		Users: []User{
			{SASLPlain, "lab", "s3cret"}, {SASLScramSHA256, "lab", "s3cret"}, {SASLScramSHA512, "lab", "s3cret"},
		},
		Client: []kgo.Opt{kgo.DialTLSConfig(cli), kgo.SASL(scram.Auth{User: "lab", Pass: "s3cret"}.AsSha256Mechanism())},
	}))
	return securedBroker{b, files, cli}
}

func metadata(ctx context.Context, t *testing.T, addrs []string, opts ...kgo.Opt) error {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...), kgo.RequestRetries(0), kgo.RetryTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err = kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
	return err
}

func TestSASLSSLListenerServesEveryMechanismWithTheRightPassword(t *testing.T) {
	ctx := testContext(t)
	b := startSecured(ctx, t)
	for name, m := range map[string]sasl.Mechanism{
		"PLAIN":         plain.Auth{User: "lab", Pass: "s3cret"}.AsMechanism(),
		"SCRAM-SHA-256": scram.Auth{User: "lab", Pass: "s3cret"}.AsSha256Mechanism(),
		"SCRAM-SHA-512": scram.Auth{User: "lab", Pass: "s3cret"}.AsSha512Mechanism(),
	} {
		t.Run(name, func(t *testing.T) {
			cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.DialTLSConfig(b.client), kgo.SASL(m),
				kgo.AllowAutoTopicCreation(), kgo.ConsumeTopics("secured-"+name), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "secured-" + name, Value: []byte("v")}).FirstErr(); err != nil {
				t.Fatalf("produce: %v", err)
			}
			fs := cl.PollRecords(ctx, 1)
			if err := fs.Err0(); err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if fs.NumRecords() != 1 {
				t.Fatalf("fetched %d records", fs.NumRecords())
			}
		})
	}
}

// A wrong password is answered SASL_AUTHENTICATION_FAILED with Kafka's
// message, not by a dropped connection that a client retries until it
// times out.
func TestAWrongPasswordIsSaslAuthenticationFailedAtOnce(t *testing.T) {
	ctx := testContext(t)
	b := startSecured(ctx, t)
	for name, tc := range map[string]struct {
		m    sasl.Mechanism
		want string
	}{
		"PLAIN":         {plain.Auth{User: "lab", Pass: "wrong"}.AsMechanism(), "Authentication failed: Invalid username or password"},
		"SCRAM-SHA-256": {scram.Auth{User: "lab", Pass: "wrong"}.AsSha256Mechanism(), "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256"},
		"unknown user":  {scram.Auth{User: "nobody", Pass: "wrong"}.AsSha512Mechanism(), "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"},
	} {
		t.Run(name, func(t *testing.T) {
			err := metadata(ctx, t, b.Addrs(), kgo.DialTLSConfig(b.client), kgo.SASL(tc.m))
			if !errors.Is(err, kerr.SaslAuthenticationFailed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want SASL_AUTHENTICATION_FAILED with %q", err, tc.want)
			}
		})
	}
}

func TestSASLListenerRefusesRequestsBeforeAuthentication(t *testing.T) {
	ctx := testContext(t)
	b := startSecured(ctx, t)
	if err := metadata(ctx, t, b.Addrs(), kgo.DialTLSConfig(b.client)); err == nil {
		t.Fatal("metadata without SASL succeeded")
	}
	if err := metadata(ctx, t, b.Addrs(), kgo.SASL(plain.Auth{User: "lab", Pass: "s3cret"}.AsMechanism())); err == nil {
		t.Fatal("metadata without TLS succeeded")
	}
}

func TestKcatConnectsWithSASLSSL(t *testing.T) {
	kcat := testtools.Kcat(t)
	ctx := testContext(t)
	b := startSecured(ctx, t)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	args := []string{"-b", b.Addrs()[0], "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512",
		"-X", "sasl.username=lab", "-X", "sasl.password=s3cret", "-X", "ssl.ca.location=" + b.files.CA}
	out, err := exec.CommandContext(cctx, kcat, append(args, "-L")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "1 brokers:") {
		t.Fatalf("kcat -L: %v\n%s", err, out)
	}
	args[9] = "sasl.password=wrong"
	out, err = exec.CommandContext(cctx, kcat, append(args, "-L", "-m", "5")...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512") {
		t.Fatalf("kcat with a wrong password: %v\n%s", err, out)
	}
}

// An SSL listener that requires client certificates (ssl.client.auth=required)
// serves a client that presents one signed by its CA, configured as the
// app configures it (ssl.certificate.location, ssl.key.location), and
// refuses a client without one.
func TestSSLListenerWithClientAuthServesOnlyClientsWithACertificate(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	files, err := tlsgen.Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	client, err := tlsgen.EnsureClient(dir, "app")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := files.MutualServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	k := clientconf.Kafka{Protocol: clientconf.SSL, CAFile: files.CA, CertFile: client.Cert, KeyFile: client.Key}
	own, err := k.KgoSecurity()
	if err != nil {
		t.Fatal(err)
	}
	b := startBroker(ctx, t, WithSecurity(Security{TLS: srv, Client: own}))
	k.Brokers = b.Addrs()
	if err := k.CheckKafka(ctx, 10*time.Second); err != nil {
		t.Fatalf("with a client certificate: %v", err)
	}
	noCert := clientconf.Kafka{Brokers: b.Addrs(), Protocol: clientconf.SSL, CAFile: files.CA}
	if err := noCert.CheckKafka(ctx, 3*time.Second); err == nil {
		t.Fatal("a client without a certificate was served")
	}
}
