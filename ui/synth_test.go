package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"storelens/app"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// synthCore is a screen test's core on a small synthetic chain, in
// Chinese, with a test Fyne app: prepare, when set, adds to the local
// store before the core opens it.
func synthCore(t *testing.T, o synthchain.Options, prepare func(db *localdb.DB)) *app.App {
	t.Helper()
	SetLanguage(LangChinese)
	t.Cleanup(func() { SetLanguage(LangEnglish) })
	test.NewTempApp(t)
	dir := t.TempDir()
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := synthchain.Build(context.Background(), db, o, nil); err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(db)
	}
	db.Close()
	core, err := app.New(context.Background(), app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	return core
}
