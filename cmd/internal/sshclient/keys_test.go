package sshclient

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"testing"

	"golang.org/x/crypto/ssh"
)

// mustKey returns a new public key of type algo (ssh-rsa or ssh-ed25519).
func mustKey(t *testing.T, algo string) ssh.PublicKey {
	t.Helper()
	var pub any
	switch algo {
	case ssh.KeyAlgoRSA:
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		pub = &k.PublicKey
	default:
		p, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub = p
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writeFileString(name, data string) error {
	return os.WriteFile(name, []byte(data), 0o600)
}
