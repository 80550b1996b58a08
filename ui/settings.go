package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
)

func (sh *Shell) settingsScreen() fyne.CanvasObject {
	p := sh.fa.Preferences()
	langs := []string{lang.X("settings.language.system", "System default"), "中文", "English"}
	codes := []string{LangSystem, LangChinese, LangEnglish}
	langSel := widget.NewSelect(langs, nil)
	for i, c := range codes {
		if c == p.String(prefLanguage) {
			langSel.SetSelectedIndex(i)
		}
	}
	langSel.OnChanged = func(string) {
		code := codes[langSel.SelectedIndex()]
		if code == p.String(prefLanguage) {
			return
		}
		p.SetString(prefLanguage, code)
		SetLanguage(code)
		sh.build()
	}

	themes := []string{lang.X("settings.theme.system", "System"), lang.X("settings.theme.light", "Light"), lang.X("settings.theme.dark", "Dark")}
	themeCodes := []string{themeSystem, themeLight, themeDark}
	themeSel := widget.NewSelect(themes, nil)
	for i, c := range themeCodes {
		if c == p.String(prefTheme) {
			themeSel.SetSelectedIndex(i)
		}
	}
	themeSel.OnChanged = func(string) {
		code := themeCodes[themeSel.SelectedIndex()]
		p.SetString(prefTheme, code)
		applyTheme(sh.fa, code)
	}

	dataDir := widget.NewLabel(sh.core.Config().DataDir)
	dataDir.Wrapping = fyne.TextWrapBreak
	form := widget.NewForm(
		widget.NewFormItem(lang.X("settings.language", "Language"), langSel),
		widget.NewFormItem(lang.X("settings.theme", "Theme"), themeSel),
		widget.NewFormItem(lang.X("settings.datadir", "Data folder"), dataDir),
		widget.NewFormItem(lang.X("settings.version", "Version"), widget.NewLabel(app.Version)),
	)
	return container.NewVScroll(container.NewPadded(form))
}
