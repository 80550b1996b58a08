package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"storelens/sync/feed"
)

func loadTranslations(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestEveryLabelIsTranslated fails when a screen uses a key that one of the
// languages lacks, or a language carries a key the other does not: a manager
// would see a raw key or English in the Chinese UI.
func TestEveryLabelIsTranslated(t *testing.T) {
	en := loadTranslations(t, "en.json")
	zh := loadTranslations(t, "zh-Hans.json")
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-Hans.json lacks %q (en: %q)", k, en[k])
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q (zh: %q)", k, zh[k])
		}
	}
	use := regexp.MustCompile(`\btr\(\s*"([^"]+)"\s*[,)]`)
	files, _ := filepath.Glob("*.go")
	var missing []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				missing = append(missing, f+": "+m[1])
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("key used but not translated: %s", m)
	}
}

// TestEverySyncPhaseIsTranslated: the status bar names what the sync is
// working on; a collection without a label would show its wire name.
func TestEverySyncPhaseIsTranslated(t *testing.T) {
	en := loadTranslations(t, "en.json")
	zh := loadTranslations(t, "zh-Hans.json")
	for _, c := range append(append([]string{}, feed.Collections...), "rollups", "recordings", "outbox") {
		for name, m := range map[string]map[string]string{"en": en, "zh-Hans": zh} {
			if _, ok := m["sync.phase."+c]; !ok {
				t.Errorf("%s lacks a label for sync phase %q", name, c)
			}
		}
	}
}

// TestEverySyncFailureKindIsTranslated: a failed sync is named in the UI's
// language before the detail.
func TestEverySyncFailureKindIsTranslated(t *testing.T) {
	en := loadTranslations(t, "en.json")
	zh := loadTranslations(t, "zh-Hans.json")
	for _, k := range []string{"signin", "offline", "config", "storage", "rejected", "cancelled", "other"} {
		if en["sync.err."+k] == "" || zh["sync.err."+k] == "" {
			t.Errorf("sync failure kind %q lacks a label in one language", k)
		}
	}
}

// A language preference StoreLens does not know as such ("zh-Hans" written
// by hand, "fr") still gives a language it speaks, never raw templates.
func TestLanguagePreferencesAreUnderstood(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C.UTF-8")
	defer SetLanguage(LangEnglish)
	for in, want := range map[string]string{"zh-Hans": LangChinese, "zh_CN.UTF-8": LangChinese, "en-GB": LangEnglish, "fr": LangEnglish, "": LangEnglish} {
		SetLanguage(in)
		if got := CurrentLanguage(); got != want {
			t.Errorf("preference %q speaks %q, want %q", in, got, want)
		}
		if s := tr("dashboard.allplaces.n", "All stores ({{.N}})", map[string]any{"N": 3}); strings.Contains(s, "{{") {
			t.Errorf("preference %q renders %q", in, s)
		}
	}
}
