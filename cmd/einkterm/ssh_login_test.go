package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/term"
)

// baseSSHArgs are the flags of a test login without the key and target.
func baseSSHArgs(s *peertest.SSHD, dir string) []string {
	return []string{"ssh", "--display", "record:" + dir, "--panel", testPanel,
		"-F", "none", "--known-hosts", s.KnownHosts}
}

// checkNoSecret fails when secret appears in any of the texts.
func checkNoSecret(t *testing.T, secret string, texts map[string]string) {
	t.Helper()
	for name, text := range texts {
		if strings.Contains(text, secret) {
			t.Errorf("the secret appears in %s", name)
		}
	}
}

func TestSSHSttySizeIsPanelGrid(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{"AcceptEnv LANG"}})
	dir := t.TempDir()
	cols, rows, _, _ := panelGrid(t)
	args := append(sshArgs(s, dir), "stty size; echo TERM=$TERM LANG=$LANG")
	code, stderr := runCommand(t, "", args...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, dir)
	want := fmt.Sprintf("%d %d", rows, cols)
	if _, _, ok := rec.findLine(want); !ok {
		t.Errorf("stty size is not %q, the panel's rows and columns:\n%s", want, strings.Join(rec.screen, "\n"))
	}
	if _, _, ok := rec.findLine("TERM=xterm-256color "); !ok {
		t.Errorf("remote TERM is not xterm-256color:\n%s", strings.Join(rec.screen, "\n"))
	}
	lang := os.Getenv("LANG")
	if lang == "" {
		lang = "C.UTF-8"
	}
	if _, _, ok := rec.findLine("LANG=" + lang); !ok {
		t.Errorf("remote LANG is not %s:\n%s", lang, strings.Join(rec.screen, "\n"))
	}
}

func TestSSHPasswordLogin(t *testing.T) {
	user, password := peertest.PasswordUser(t)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
	}})
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	args := append(baseSSHArgs(s, dir), "--no-agent", "-i", s.ClientKey+".missing",
		"--log", logFile, "--log-level", "debug", user+"@"+s.Addr(), "echo logged-in-as-$(id -un)")
	code, stderr := runCommand(t, password+"\n", args...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	checkGlyphs(t, readRecording(t, dir), "logged-in-as-"+user)
	if !strings.Contains(stderr, user+"@127.0.0.1's password: ") {
		t.Errorf("no password prompt on stderr:\n%s", stderr)
	}
	if !strings.Contains(readFile(logFile), "method=password") {
		t.Errorf("the log does not name the password method:\n%s", readFile(logFile))
	}
	checkNoSecret(t, password, map[string]string{
		"stderr": stderr, "the debug log": readFile(logFile),
		"screen.txt": readFile(filepath.Join(dir, "screen.txt")),
	})
}

func TestSSHKeyboardInteractiveLogin(t *testing.T) {
	user, password := peertest.PasswordUser(t)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"UsePAM yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication yes",
		"AuthenticationMethods keyboard-interactive",
	}})
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	args := append(baseSSHArgs(s, dir), "--no-agent", "--log", logFile, "--log-level", "debug",
		"-l", user, s.Addr(), "echo kbd-int-$(id -un)")
	code, stderr := runCommand(t, password+"\n", args...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s\nsshd:\n%s", code, stderr, s.Log())
	}
	checkGlyphs(t, readRecording(t, dir), "kbd-int-"+user)
	if !strings.Contains(readFile(logFile), "method=keyboard-interactive") {
		t.Errorf("the log does not name keyboard-interactive:\n%s", readFile(logFile))
	}
	checkNoSecret(t, password, map[string]string{"stderr": stderr, "the debug log": readFile(logFile)})
}

func TestSSHAgentLogin(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	sock := peertest.StartAgent(t, s.ClientKey)
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	args := append(baseSSHArgs(s, dir), "-4", "-t", "-o", "IdentityAgent="+sock, "-i", s.ClientKey+".missing",
		"--log", logFile, "--log-level", "info", "root@"+s.Addr(), "echo agent-ok")
	code, stderr := runCommand(t, "", args...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	checkGlyphs(t, readRecording(t, dir), "agent-ok")
	if !strings.Contains(readFile(logFile), "method=agent") {
		t.Errorf("the log does not name the agent:\n%s", readFile(logFile))
	}
}

func TestSSHPassphraseNotEchoed(t *testing.T) {
	const pass = "a long passphrase 789"
	key := filepath.Join(t.TempDir(), "id_ed25519")
	peertest.Keygen(t, key, pass)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{ClientKey: key})
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	args := append(baseSSHArgs(s, dir), "--no-agent", "-i", key,
		"--log", logFile, "--log-level", "debug", "root@"+s.Addr(), "echo unlocked")
	code, stderr := runCommand(t, pass+"\n", args...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	checkGlyphs(t, readRecording(t, dir), "unlocked")
	if !strings.Contains(stderr, "Enter passphrase for key '"+key+"'") {
		t.Errorf("no passphrase prompt:\n%s", stderr)
	}
	checkNoSecret(t, pass, map[string]string{"stderr": stderr, "the debug log": readFile(logFile)})
}

// TestSSHConfigAliasJump logs in to an ssh_config alias whose ProxyJump
// names a second local sshd.
func TestSSHConfigAliasJump(t *testing.T) {
	target := peertest.StartSSHD(t, peertest.SSHDOptions{})
	jump := peertest.StartSSHD(t, peertest.SSHDOptions{})
	dir := t.TempDir()
	known := filepath.Join(t.TempDir(), "known_hosts")
	hosts := fmt.Sprintf("[127.0.0.1]:%d %s\n[127.0.0.1]:%d %s\n", target.Port, target.HostPub, jump.Port, jump.HostPub)
	config := filepath.Join(t.TempDir(), "config")
	conf := fmt.Sprintf(`Host inside
    HostName 127.0.0.1
    Port %d
    User root
    IdentityFile %s
    ProxyJump hop
Host hop
    HostName 127.0.0.1
    Port %d
    User root
    IdentityFile %s
Host *
    UserKnownHostsFile %s
    StrictHostKeyChecking yes
    IdentityAgent none
`, target.Port, target.ClientKey, jump.Port, jump.ClientKey, known)
	for name, text := range map[string]string{known: hosts, config: conf} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, stderr := runCommand(t, "", "ssh", "--display", "record:"+dir, "--panel", testPanel,
		"-F", config, "inside", "echo via-the-jump-host")
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	checkGlyphs(t, readRecording(t, dir), "via-the-jump-host")
	if !strings.Contains(jump.Log(), "Accepted publickey for root") {
		t.Errorf("the jump host logged no login:\n%s", jump.Log())
	}
}

func TestSSHEscapeDisconnect(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	code, stderr := runCommand(t, "~.", sshArgs(s, t.TempDir(), "-e", "~")...)
	if code != 255 {
		t.Errorf("exit status %d after ~., want 255 as OpenSSH", code)
	}
	if !strings.Contains(stderr, "Connection to 127.0.0.1 closed.") {
		t.Errorf("stderr lacks the closed message:\n%s", stderr)
	}
}

func TestSSHEscapeHelpAndTilde(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	dir := t.TempDir()
	code, stderr := runCommand(t, "~?echo x~~y\r~~z=$((4+5))\rexit 0\r", sshArgs(s, dir)...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, dir)
	if _, _, ok := rec.findLine(" ~.   - terminate connection"); !ok {
		t.Errorf("~? showed no help:\n%s", strings.Join(rec.screen, "\n"))
	}
	// ~~ sends one tilde at a line start; mid-line tildes pass as typed.
	if _, _, ok := rec.findLine("x~~y"); !ok {
		t.Errorf("mid-line tildes changed:\n%s", strings.Join(rec.screen, "\n"))
	}
	if _, _, ok := rec.findLine("# ~z=$((4+5))"); !ok {
		t.Errorf("~~ at a line start did not send one tilde:\n%s", strings.Join(rec.screen, "\n"))
	}
	if _, _, ok := rec.findLine("~?echo"); ok {
		t.Errorf("~? reached the remote shell:\n%s", strings.Join(rec.screen, "\n"))
	}
}

// TestSSHSttySizeAfterZoom changes the font with ~+ mid-session: the
// remote pty's size follows the panel's new grid through a
// window-change request.
func TestSSHSttySizeAfterZoom(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	dir := t.TempDir()
	cols, rows, ref, info := panelGrid(t)
	run := startLive(t, append(sshArgs(s, dir+"?frames=1"), "stty size; read x; stty size")...)
	before := fmt.Sprintf("%d %d", rows, cols)
	waitFor(t, "first stty size on the panel", 20*time.Second, func() bool {
		return len(framesWithText(t, dir, 0, 0, before, len(before))) > 0
	}, func() string { return run.stderr.String() })

	run.typeKeys(t, "~+\r")
	if code := run.wait(t); code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, run.stderr.String())
	}
	larger, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth,
		FontSize: nextFontSize(ref.CellSize().Y, true)})
	if err != nil {
		t.Fatal(err)
	}
	newCols, newRows := larger.Size()
	if newCols >= cols || newRows >= rows {
		t.Fatalf("a larger font gives %dx%d cells, not fewer than %dx%d", newCols, newRows, cols, rows)
	}
	rec := readRecording(t, dir)
	after := fmt.Sprintf("%d %d", newRows, newCols)
	if _, _, ok := rec.findLine(after); !ok {
		t.Errorf("stty size after ~+ is not %q:\n%s", after, strings.Join(rec.screen, "\n"))
	}
}

func TestSSHWrongPassphraseSaysSo(t *testing.T) {
	const pass = "the right passphrase 31"
	key := filepath.Join(t.TempDir(), "id_ed25519")
	peertest.Keygen(t, key, pass)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{ClientKey: key})
	dir := t.TempDir()
	args := append(baseSSHArgs(s, dir), "--no-agent", "-i", key, "root@"+s.Addr(), "echo unlocked")
	code, stderr := runCommand(t, "not the passphrase\n"+pass+"\n", args...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	checkGlyphs(t, readRecording(t, dir), "unlocked")
	notice := "wrong passphrase for " + key + "\r\nEnter passphrase for key '" + key + "'"
	if n := strings.Count(stderr, notice); n != 1 {
		t.Errorf("stderr has the wrong-passphrase notice %d times, want once:\n%s", n, stderr)
	}
}
