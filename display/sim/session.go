package sim

import (
	"golang.org/x/mobile/event/key"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// terminalModes are the terminal modes that change what keys and pastes
// send; *term.Terminal has them.
type terminalModes interface {
	AppCursorKeys() bool
	BracketedPaste() bool
}

// AttachSession connects the window to a terminal session: keys and
// pastes follow t's cursor-key and bracketed-paste modes, and the
// full-refresh chord Ctrl+Shift+R requests from loop a cleaning refresh of
// the whole panel.
func (s *Sim) AttachSession(t *term.Terminal, loop *display.Loop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modes = t
	s.fullRefresh = loop.RequestFull
}

// isFullRefreshChord reports whether e is Ctrl+Shift+R.
func isFullRefreshChord(e key.Event) bool {
	return e.Code == key.CodeR && e.Modifiers == key.ModControl|key.ModShift
}

// keyModes returns the cursor-key and bracketed-paste modes: the
// attached terminal's, or else those set with SetAppCursor and
// SetBracketedPaste.
func (s *Sim) keyModes() (appCursor, bracketed bool) {
	s.mu.Lock()
	modes := s.modes
	appCursor, bracketed = s.appCursor, s.bracketed
	s.mu.Unlock()
	if modes != nil {
		return modes.AppCursorKeys(), modes.BracketedPaste()
	}
	return appCursor, bracketed
}
