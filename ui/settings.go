package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

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
	general := widget.NewForm(
		widget.NewFormItem(lang.X("settings.language", "Language"), langSel),
		widget.NewFormItem(lang.X("settings.theme", "Theme"), themeSel),
		widget.NewFormItem(lang.X("settings.datadir", "Data folder"), dataDir),
		widget.NewFormItem(lang.X("settings.version", "Version"), widget.NewLabel(app.Version)),
	)
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.X("settings.section.general", "General"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		general,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.X("settings.section.hq", "HQ feed"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		sh.feedForm(),
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.X("settings.section.sync", "Sync and footage"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		sh.syncForm(),
	)))
}

// feedForm signs in to an HQ feed: the address is saved in Settings, the
// token in the OS keyring (or kept in memory when there is none).
func (sh *Shell) feedForm() fyne.CanvasObject {
	url := widget.NewEntry()
	url.SetPlaceHolder(lang.X("settings.feed.placeholder", "https://hq.example.com/storelens"))
	token := widget.NewPasswordEntry()
	token.SetPlaceHolder(lang.X("settings.token.placeholder", "token from HQ"))
	result := widget.NewLabel("")
	result.Wrapping = fyne.TextWrapWord
	if sh.core.Config().Demo {
		result.SetText(lang.X("settings.feed.demo", "Running on the built-in demo chain."))
	}
	// Settings are single-row reads of the local file, as cheap as reading
	// Fyne's own preferences, so they are read while the screen is built.
	url.SetText(sh.core.FeedURL(context.Background()))
	var signIn *widget.Button
	signIn = widget.NewButton(lang.X("settings.signin", "Sign in and sync"), func() {
		u, tok := strings.TrimSpace(url.Text), strings.TrimSpace(token.Text)
		if u == "" || tok == "" {
			result.Importance = widget.DangerImportance
			result.SetText(lang.X("settings.signin.missing", "Enter the feed address and the token HQ gave you."))
			return
		}
		signIn.Disable()
		result.Importance = widget.MediumImportance
		result.SetText(lang.X("settings.signin.busy", "Signing in…"))
		sh.run.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			persistent, err := sh.core.SignIn(ctx, u, tok)
			fyne.Do(func() {
				signIn.Enable()
				switch {
				case err != nil:
					result.Importance = widget.DangerImportance
					result.SetText(lang.X("settings.signin.failed", "Could not sign in: {{.Err}}", map[string]any{"Err": err.Error()}))
				case persistent:
					result.Importance = widget.SuccessImportance
					token.SetText("")
					result.SetText(lang.X("settings.signin.keyring", "Signed in. The token is kept in the system keyring; syncing now."))
				default:
					result.Importance = widget.WarningImportance
					token.SetText("")
					result.SetText(lang.X("settings.signin.memory", "Signed in, but this system has no keyring: the token is kept only until StoreLens closes. Syncing now."))
				}
			})
		})
	})
	signIn.Importance = widget.HighImportance
	return container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.X("settings.feed", "HQ feed address"), url),
		widget.NewFormItem(lang.X("settings.token", "Token"), token),
	), container.NewHBox(signIn), result)
}

// syncForm edits the numeric sync and footage settings.
func (sh *Shell) syncForm() fyne.CanvasObject {
	type row struct {
		s     app.Setting
		label string
	}
	rows := []row{
		{app.SettingSyncEvery, lang.X("settings.sync.every", "Sync every (minutes)")},
		{app.SettingReceipts, lang.X("settings.sync.receipts", "Keep receipts for (days)")},
		{app.SettingCacheGB, lang.X("settings.sync.cache", "Footage cache (GB)")},
		{app.SettingPrefetch, lang.X("settings.sync.prefetch", "Clips fetched ahead")},
	}
	form := widget.NewForm()
	entries := make([]*widget.Entry, len(rows))
	for i, r := range rows {
		e := widget.NewEntry()
		entries[i] = e
		form.Append(r.label, e)
	}
	for i, r := range rows {
		entries[i].SetText(strconv.FormatInt(sh.core.IntSetting(context.Background(), r.s), 10))
	}
	result := widget.NewLabel("")
	save := widget.NewButton(lang.X("settings.save", "Save"), func() {
		vals := make([]int64, len(rows))
		for i, e := range entries {
			n, err := strconv.ParseInt(strings.TrimSpace(e.Text), 10, 64)
			if err != nil {
				result.Importance = widget.DangerImportance
				result.SetText(lang.X("settings.invalid", "{{.Field}}: enter a whole number.", map[string]any{"Field": rows[i].label}))
				return
			}
			vals[i] = n
		}
		sh.run.Go(func() {
			for i, r := range rows {
				if err := sh.core.SetIntSetting(context.Background(), r.s, vals[i]); err != nil {
					fyne.Do(func() {
						result.Importance = widget.DangerImportance
						result.SetText(lang.X("settings.outofrange", "{{.Field}}: {{.Err}}", map[string]any{"Field": rows[i].label, "Err": err.Error()}))
					})
					return
				}
			}
			fyne.Do(func() {
				result.Importance = widget.SuccessImportance
				result.SetText(lang.X("settings.saved", "Saved"))
			})
		})
	})
	return container.NewVBox(form, container.NewHBox(save), result)
}
