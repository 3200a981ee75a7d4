package sshclient

import (
	"fmt"
	"strings"
)

// prefix starts every error message of this package.
const prefix = "sshclient: "

// contextError adds context to an error of this package without
// repeating prefix: "sshclient: jump host h:22: invalid Port", not
// "sshclient: jump host h:22: sshclient: invalid Port".
type contextError struct {
	context string
	err     error
}

// wrapf returns err under the context that format and args give; the
// message starts with prefix once.
func wrapf(err error, format string, args ...any) error {
	return &contextError{context: fmt.Sprintf(format, args...), err: err}
}

func (e *contextError) Error() string {
	return prefix + e.context + ": " + strings.ReplaceAll(e.err.Error(), prefix, "")
}

func (e *contextError) Unwrap() error { return e.err }
