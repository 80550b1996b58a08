package engine

import (
	"errors"
	"log/slog"
	"sync"

	"github.com/zalando/go-keyring"
)

// keyringService is the service name of StoreLens's entries in the OS keyring.
const keyringService = "StoreLens feed"

// Tokens keeps the sign-in tokens of HQ feeds in the OS keyring (Secret
// Service, Keychain, Credential Manager). Where no keyring is available it
// says so once and keeps tokens in memory until the process ends. The zero
// value is not usable; call NewTokens. Safe for concurrent use.
type Tokens struct {
	log *slog.Logger

	mu       sync.Mutex
	memory   map[string]string
	noRing   bool
	warnOnce sync.Once
}

// NewTokens returns a token store logging to log (nil: slog.Default).
func NewTokens(log *slog.Logger) *Tokens {
	if log == nil {
		log = slog.Default()
	}
	return &Tokens{log: log, memory: map[string]string{}}
}

// ErrNoToken means no token is stored for the feed.
var ErrNoToken = errors.New("no sign-in token stored")

// Get returns the token for feed (its name, e.g. the feed URL), or
// ErrNoToken.
func (t *Tokens) Get(feed string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, ok := t.memory[feed]; ok {
		return tok, nil
	}
	if t.noRing {
		return "", ErrNoToken
	}
	tok, err := keyring.Get(keyringService, feed)
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrNoToken
	default:
		t.noKeyring(err)
		return "", ErrNoToken
	}
}

// Set stores the token for feed: in the keyring when there is one, else in
// memory only (the manager signs in again after a restart). It reports
// whether the token will survive a restart.
func (t *Tokens) Set(feed, token string) (persistent bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.noRing {
		err := keyring.Set(keyringService, feed, token)
		if err == nil {
			delete(t.memory, feed)
			return true
		}
		t.noKeyring(err)
	}
	t.memory[feed] = token
	return false
}

// Forget removes the token for feed (signing out).
func (t *Tokens) Forget(feed string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.memory, feed)
	if !t.noRing {
		keyring.Delete(keyringService, feed)
	}
}

// Persistent reports whether tokens survive a restart (a keyring works).
func (t *Tokens) Persistent() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.noRing
}

func (t *Tokens) noKeyring(err error) {
	t.noRing = true
	t.warnOnce.Do(func() {
		// err names the keyring backend's failure, never the token.
		t.log.Warn("no OS keyring is available; the sign-in token is kept in memory only and must be entered again after a restart",
			"reason", err.Error())
	})
}
