package engine

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestTokensUseTheKeyring(t *testing.T) {
	keyring.MockInit()
	tk := NewTokens(nil)
	if !tk.Set("https://hq.example.com/feed", "t-123") {
		t.Fatal("a working keyring should keep the token across restarts")
	}
	// A new store (the next start) finds it.
	if got, err := NewTokens(nil).Get("https://hq.example.com/feed"); err != nil || got != "t-123" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	tk.Forget("https://hq.example.com/feed")
	if _, err := NewTokens(nil).Get("https://hq.example.com/feed"); !errors.Is(err, ErrNoToken) {
		t.Errorf("after Forget: %v", err)
	}
}

func TestWithoutAKeyringTokensLiveInMemoryAndItIsSaidOnce(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	var logs bytes.Buffer
	tk := NewTokens(slog.New(slog.NewTextHandler(&logs, nil)))
	if tk.Set("feed-a", "secret-a") {
		t.Error("Set claimed the token survives a restart without a keyring")
	}
	tk.Set("feed-b", "secret-b")
	if got, err := tk.Get("feed-a"); err != nil || got != "secret-a" {
		t.Errorf("in-memory token: %q, %v", got, err)
	}
	if tk.Persistent() {
		t.Error("Persistent with no keyring")
	}
	if n := strings.Count(logs.String(), "no OS keyring"); n != 1 {
		t.Errorf("the missing keyring was reported %d times, want once:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "secret-") {
		t.Error("a token reached the log")
	}
}
