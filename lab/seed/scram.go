package seed

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// hasPassword reports whether role's stored password is password: its
// SCRAM-SHA-256 verifier, "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
// in pg_authid.rolpassword (PostgreSQL 15 docs, catalog-pg-authid.html;
// RFC 5802 section 3 for the keys), matches one made from password with
// the verifier's own salt and iteration count. It is false whenever it
// cannot tell: pg_authid is readable by superusers only, and a password
// stored as MD5 or plain text is not checked, so the caller sets the
// password as before. password is ASCII, which SASLprep leaves as it is.
func hasPassword(ctx context.Context, conn *pgx.Conn, role, password string) bool {
	var stored *string
	if err := conn.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = $1", role).Scan(&stored); err != nil || stored == nil {
		return false
	}
	return scramVerifierMatches(*stored, password)
}

// scramVerifierMatches reports whether verifier is a SCRAM-SHA-256
// verifier of password.
func scramVerifierMatches(verifier, password string) bool {
	rest, ok := strings.CutPrefix(verifier, "SCRAM-SHA-256$")
	if !ok {
		return false
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	iterText, saltText, ok := strings.Cut(params, ":")
	if !ok {
		return false
	}
	storedText, serverText, ok := strings.Cut(keys, ":")
	if !ok {
		return false
	}
	iterations, err := strconv.Atoi(iterText)
	if err != nil || iterations < 1 {
		return false
	}
	salt, err1 := base64.StdEncoding.DecodeString(saltText)
	storedKey, err2 := base64.StdEncoding.DecodeString(storedText)
	serverKey, err3 := base64.StdEncoding.DecodeString(serverText)
	if err1 != nil || err2 != nil || err3 != nil {
		return false
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return false
	}
	clientKey := hmacSHA256(salted, "Client Key")
	wantStored := sha256.Sum256(clientKey)
	return hmac.Equal(wantStored[:], storedKey) && hmac.Equal(hmacSHA256(salted, "Server Key"), serverKey)
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
