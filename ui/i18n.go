package ui

import (
	"embed"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

//go:embed translations
var translations embed.FS

// Language codes the UI offers. "" follows the system locale.
const (
	LangSystem  = ""
	LangChinese = "zh"
	LangEnglish = "en"
)

// SetLanguage switches the UI language to code (LangChinese, LangEnglish or
// LangSystem). Fyne's lang package reads the locale from the environment each
// time translations are loaded, so the switch sets the locale variables and
// reloads. Screens built afterwards speak the new language.
func SetLanguage(code string) {
	switch code {
	case LangChinese:
		os.Setenv("LANGUAGE", "zh_CN")
		os.Setenv("LC_ALL", "zh_CN.UTF-8")
	case LangEnglish:
		os.Setenv("LANGUAGE", "en_US")
		os.Setenv("LC_ALL", "en_US.UTF-8")
	default:
		// A bare C/POSIX locale (a fresh server, a CI box) names no language.
		if l := systemLocale(); l == "" || l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.") {
			os.Setenv("LANGUAGE", "en_US")
			os.Setenv("LC_ALL", "en_US.UTF-8")
		}
	}
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		fyne.LogError("load translations", err)
	}
}

// CurrentLanguage is the language the UI speaks now: LangChinese or LangEnglish.
func CurrentLanguage() string {
	if strings.HasPrefix(lang.X("app.title", "StoreLens"), "店") {
		return LangChinese
	}
	return LangEnglish
}

func systemLocale() string {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}
