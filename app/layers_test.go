package app

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestImportsPointOneWay keeps the layers honest: ui → app → (localdb,
// sync/…, vision). Nothing below ui links Fyne, vision never touches the
// database, localdb never speaks HTTP.
func TestImportsPointOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "storelens/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	type pkg struct {
		ImportPath string
		Deps       []string
		Imports    []string
	}
	rules := []struct {
		prefix string
		banned []string
	}{
		{"storelens/app", []string{"fyne.io/", "storelens/ui", "storelens/cli"}},
		{"storelens/cli", []string{"fyne.io/", "storelens/ui"}},
		{"storelens/localdb", []string{"fyne.io/", "net/http", "storelens/sync", "storelens/vision", "storelens/app", "storelens/ui"}},
		{"storelens/vision", []string{"fyne.io/", "database/sql", "github.com/mattn/go-sqlite3", "storelens/localdb", "storelens/app", "storelens/ui", "storelens/sync"}},
		{"storelens/sync", []string{"fyne.io/", "storelens/app", "storelens/ui", "storelens/vision"}},
	}
	// app/vocab (the codes of the shared vocabulary) and app/i18n (the
	// catalogue's types, so lower layers can return phrases instead of
	// sentences) are the leaves every layer may import; they import
	// nothing of StoreLens.
	allowed := func(d string) bool { return d == "storelens/app/vocab" || d == "storelens/app/i18n" }
	checked := 0
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		// Only localdb writes SQL: no other package of the product imports
		// database/sql or the driver itself, and nothing of the product
		// imports the test helpers that open the file behind its back.
		if !strings.HasPrefix(p.ImportPath, "storelens/localdb") {
			for _, d := range p.Imports {
				if d == "database/sql" || d == "github.com/mattn/go-sqlite3" {
					t.Errorf("%s imports %s; SQL belongs in localdb", p.ImportPath, d)
				}
			}
		}
		if p.ImportPath == "storelens" {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "storelens/localdb/localdbtest") {
					t.Errorf("the storelens binary links the test helper %s", d)
				}
			}
		}
		if p.ImportPath == "storelens/app/vocab" || p.ImportPath == "storelens/app/i18n" {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "storelens/") {
					t.Errorf("app/vocab must stay a leaf; it depends on %s", d)
				}
			}
		}
		for _, r := range rules {
			if p.ImportPath != r.prefix && !strings.HasPrefix(p.ImportPath, r.prefix+"/") {
				continue
			}
			checked++
			for _, d := range p.Deps {
				for _, b := range r.banned {
					if (d == b || strings.HasPrefix(d, b)) && !allowed(d) {
						t.Errorf("%s depends on %s", p.ImportPath, d)
					}
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d packages; the layout changed?", checked)
	}
}
