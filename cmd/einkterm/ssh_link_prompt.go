package main

import (
	"errors"
	"strings"
	"time"
)

// linkPrompter asks a reconnect's questions (a password, a passphrase,
// an unknown host key) on the status line and takes the answer from the
// keys typed, which are not queued for the session meanwhile.
type linkPrompter struct{ l *sshLink }

// Confirm asks a yes/no question.
func (p linkPrompter) Confirm(question string) (bool, error) {
	ans, err := p.l.askLine(question, true)
	if err != nil {
		return false, err
	}
	return strings.EqualFold(strings.TrimSpace(ans), "yes"), nil
}

// Secret asks for a line that is not shown as it is typed.
func (p linkPrompter) Secret(prompt string) (string, error) {
	return p.l.askLine(prompt, false)
}

// linePrompt is a question waiting for its answer on the status line.
type linePrompt struct {
	question string
	echo     bool
	line     []byte
	answer   chan string
	cancel   chan struct{}
}

var errPromptCancelled = errors.New("ssh: question cancelled with Ctrl-C")

// askLine shows question on the status line and returns the line typed.
func (l *sshLink) askLine(question string, echo bool) (string, error) {
	p := &linePrompt{question: strings.Join(strings.Fields(question), " ") + " ",
		echo: echo, answer: make(chan string, 1), cancel: make(chan struct{})}
	l.mu.Lock()
	l.prompt = p
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.prompt = nil
		l.mu.Unlock()
	}()
	l.log.Info("reconnect asks on the status line", "question", p.question)
	l.showStatus(p.question)

	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case ans := <-p.answer:
			return ans, nil
		case <-p.cancel:
			return "", errPromptCancelled
		case <-l.ctx.Done():
			return "", l.ctx.Err()
		case <-tick.C:
			if l.isClosed() {
				return "", errors.New("ssh: closed while asking")
			}
		}
	}
}

// feedPrompt gives typed bytes to the open question and reports whether
// there was one. Enter answers it, Backspace edits and Ctrl-C cancels.
func (l *sshLink) feedPrompt(b []byte) bool {
	l.mu.Lock()
	p := l.prompt
	l.mu.Unlock()
	if p == nil {
		return false
	}
	for _, c := range b {
		switch c {
		case '\r', '\n':
			p.answer <- string(p.line)
			l.mu.Lock()
			l.prompt = nil
			l.mu.Unlock()
			return true
		case 3:
			close(p.cancel)
			l.mu.Lock()
			l.prompt = nil
			l.mu.Unlock()
			return true
		case 127, 8:
			if len(p.line) > 0 {
				p.line = p.line[:len(p.line)-1]
			}
		default:
			p.line = append(p.line, c)
		}
	}
	if p.echo {
		l.showStatus(p.question + string(p.line))
	}
	return true
}
