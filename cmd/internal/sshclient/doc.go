// Package sshclient is einkterm's SSH client on golang.org/x/crypto/ssh:
// strict host-key checking against known_hosts (an unknown host is
// confirmed by the user and recorded atomically, a changed key is
// rejected), authentication by agent, key files and password, and a
// terminal session with a pty.
package sshclient
