// Package sshclient is einkterm's SSH client on golang.org/x/crypto/ssh.
//
// It checks host keys against known_hosts, including hashed names and
// @revoked entries, with OpenSSH's StrictHostKeyChecking policies: an
// unknown host is confirmed by the user and recorded atomically, and a
// changed key is rejected. It logs in with ssh-agent, key files (asking
// for passphrases), keyboard-interactive and password, connects through
// ProxyJump hosts, sends keepalive@openssh.com to find dead links, and
// runs a terminal session with a pty. Settings come from ssh_config
// files through github.com/kevinburke/ssh_config.
package sshclient
