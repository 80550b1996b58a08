package ui

import (
	"sync/atomic"

	"storelens/app/i18n"
)

// translations is the one catalogue of words, shared with the headless
// commands and the reports (package app/i18n).
var translations = i18n.Files

// Language codes the UI offers. "" follows the system locale.
const (
	LangSystem  = ""
	LangChinese = i18n.Chinese
	LangEnglish = i18n.English
)

// language is the language the window speaks. It is process-wide, as a
// desktop application's language is; the Settings screen changes it.
var language atomic.Value

// SetLanguage switches the UI language to code (LangChinese, LangEnglish,
// or LangSystem for the system locale, English where the locale names no
// language StoreLens speaks). Screens built afterwards speak the new
// language; the shell rebuilds its screens after a switch.
func SetLanguage(code string) {
	if c, ok := i18n.Lang(code); ok {
		code = c
	} else {
		// The system's, also for a value StoreLens does not speak (a
		// preference file edited by hand, an older version's code).
		code = i18n.SystemLang()
	}
	language.Store(code)
}

// CurrentLanguage is the language the UI speaks now: LangChinese or LangEnglish.
func CurrentLanguage() string {
	if c, ok := language.Load().(string); ok {
		return c
	}
	return LangEnglish
}

// tr is the sentence of key in the UI's language from the catalogue, with
// data filled in. The fallback documents the English at the call site; the
// catalogue's tests make sure every key used has both languages.
func tr(key, fallback string, data ...map[string]any) string {
	var args map[string]any
	if len(data) > 0 {
		args = data[0]
	}
	if c := i18n.Default(); c.Has(CurrentLanguage(), key) {
		return c.T(CurrentLanguage(), key, args)
	}
	return fallback
}
