package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/i18n"
)

func (sh *Shell) settingsScreen() fyne.CanvasObject {
	p := sh.fa.Preferences()
	langs := []string{tr("settings.language.system", "System default"), "中文", "English"}
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

	themes := []string{tr("settings.theme.system", "System"), tr("settings.theme.light", "Light"), tr("settings.theme.dark", "Dark")}
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
		widget.NewFormItem(tr("settings.language", "Language"), langSel),
		widget.NewFormItem(tr("settings.theme", "Theme"), themeSel),
		widget.NewFormItem(tr("settings.datadir", "Data folder"), dataDir),
		widget.NewFormItem(tr("settings.version", "Version"), widget.NewLabel(app.Version)),
	)
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		heading(tr("settings.section.general", "General")),
		general,
		widget.NewSeparator(),
		heading(tr("settings.section.hq", "HQ feed")),
		sh.feedForm(),
		widget.NewSeparator(),
		heading(tr("settings.section.sync", "Sync and footage")),
		sh.syncForm(),
	)))
}

// feedForm signs in to an HQ feed: the address is saved in Settings, the
// token in the OS keyring (or kept in memory when there is none).
func (sh *Shell) feedForm() fyne.CanvasObject {
	url := widget.NewEntry()
	url.SetPlaceHolder(tr("settings.feed.placeholder", "https://hq.example.com/storelens"))
	token := widget.NewPasswordEntry()
	token.SetPlaceHolder(tr("settings.token.placeholder", "token from HQ"))
	result := widget.NewLabel("")
	result.Wrapping = fyne.TextWrapWord
	if cfg := sh.core.Config(); cfg.Demo {
		// The demo chain is the feed while it runs: an address typed here
		// would be saved and never used, so the form says how to leave it.
		url.Disable()
		token.Disable()
		result.Importance = widget.WarningImportance
		result.SetText(tr("settings.feed.demo", "The built-in demo chain is in use (StoreLens was started with --demo); its data is kept apart in {{.Dir}}. To sync your chain, start StoreLens without --demo and sign in here.", map[string]any{"Dir": cfg.DataDir}))
		return container.NewVBox(widget.NewForm(
			widget.NewFormItem(tr("settings.feed", "HQ feed address"), url),
			widget.NewFormItem(tr("settings.token", "Token"), token),
		), result)
	}
	// Settings are single-row reads of the local file, as cheap as reading
	// Fyne's own preferences, so they are read while the screen is built.
	url.SetText(sh.core.FeedURL(context.Background()))
	var signIn *widget.Button
	signIn = widget.NewButton(tr("settings.signin", "Sign in and sync"), func() {
		u, tok := strings.TrimSpace(url.Text), strings.TrimSpace(token.Text)
		if u == "" || tok == "" {
			result.Importance = widget.DangerImportance
			result.SetText(tr("settings.signin.missing", "Enter the feed address and the token HQ gave you."))
			return
		}
		signIn.Disable()
		result.Importance = widget.MediumImportance
		result.SetText(tr("settings.signin.busy", "Signing in…"))
		sh.run.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			persistent, err := sh.core.SignIn(ctx, u, tok)
			fyne.Do(func() {
				signIn.Enable()
				switch {
				case err != nil:
					result.Importance = widget.DangerImportance
					why := err.Error()
					if t := app.SyncErrorText(err); len(t) > 0 {
						why = t.In(CurrentLanguage())
					}
					result.SetText(tr("settings.signin.failed", "Not signed in: {{.Err}}", map[string]any{"Err": why}))
				case persistent:
					result.Importance = widget.SuccessImportance
					token.SetText("")
					result.SetText(tr("settings.signin.keyring", "Signed in. The token is kept in the system keyring; syncing now."))
				default:
					result.Importance = widget.WarningImportance
					token.SetText("")
					result.SetText(tr("settings.signin.memory", "Signed in, but this system has no keyring: the token is kept only until StoreLens closes. Syncing now."))
				}
			})
		})
	})
	signIn.Importance = widget.HighImportance
	return container.NewVBox(widget.NewForm(
		widget.NewFormItem(tr("settings.feed", "HQ feed address"), url),
		widget.NewFormItem(tr("settings.token", "Token"), token),
	), container.NewHBox(signIn), result)
}

// syncForm edits the numeric sync and footage settings.
func (sh *Shell) syncForm() fyne.CanvasObject {
	type row struct {
		s     app.Setting
		label string
	}
	rows := []row{
		{app.SettingSyncEvery, tr("settings.sync.every", "Sync every (minutes)")},
		{app.SettingReceipts, tr("settings.sync.receipts", "Keep receipts for (days)")},
		{app.SettingCacheGB, tr("settings.sync.cache", "Footage cache (GB)")},
		{app.SettingPrefetch, tr("settings.sync.prefetch", "Clips fetched ahead")},
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
	save := widget.NewButton(tr("settings.save", "Save"), func() {
		vals := make([]int64, len(rows))
		for i, e := range entries {
			n, err := strconv.ParseInt(strings.TrimSpace(e.Text), 10, 64)
			if err != nil {
				result.Importance = widget.DangerImportance
				result.SetText(tr("settings.invalid", "{{.Field}}: enter a whole number.", map[string]any{"Field": rows[i].label}))
				return
			}
			vals[i] = n
		}
		sh.run.Go(func() {
			for i, r := range rows {
				if err := sh.core.SetIntSetting(context.Background(), r.s, vals[i]); err != nil {
					fyne.Do(func() {
						result.Importance = widget.DangerImportance
						result.SetText(settingError(rows[i].label, err))
					})
					return
				}
			}
			fyne.Do(func() {
				result.Importance = widget.SuccessImportance
				result.SetText(tr("settings.saved", "Saved"))
			})
		})
	})
	blur := widget.NewCheck(tr("settings.blur", "Blur faces in snapshots and in anything that leaves this laptop"), nil)
	blur.SetChecked(sh.core.IntSetting(context.Background(), app.SettingBlurFaces) != 0)
	blur.OnChanged = func(on bool) {
		v := int64(0)
		if on {
			v = 1
		}
		sh.run.Go(func() {
			if err := sh.core.SetIntSetting(context.Background(), app.SettingBlurFaces, v); err != nil {
				fyne.Do(func() { result.SetText(settingError(blur.Text, err)) })
			}
		})
	}
	// What goes to stores (tasks, their titles and descriptions) is in the
	// chain's language, whatever the window's.
	storeLangs := []string{i18n.Chinese, i18n.English}
	storeLang := widget.NewSelect([]string{"中文", "English"}, nil)
	storeLang.SetSelectedIndex(max(0, indexOf(storeLangs, sh.core.StoreLanguage(context.Background()))))
	storeLang.OnChanged = func(string) {
		code := storeLangs[storeLang.SelectedIndex()]
		sh.run.Go(func() {
			if err := sh.core.SetStoreLanguage(context.Background(), code); err != nil {
				fyne.Do(func() { result.SetText(errText(err)) })
			}
		})
	}
	langForm := widget.NewForm(widget.NewFormItem(tr("settings.storelang", "Store language"), storeLang))
	return container.NewVBox(form, container.NewHBox(save), result, blur, langForm)
}

// settingError says why a value was refused, naming the field as the
// screen names it, in the UI's language.
func settingError(field string, err error) string {
	var oor *app.OutOfRange
	if errors.As(err, &oor) {
		return tr("settings.outofrange", "{{.Field}}: {{.Value}} is outside {{.Min}}…{{.Max}}",
			map[string]any{"Field": field, "Value": oor.Value, "Min": oor.Min, "Max": oor.Max})
	}
	return tr("settings.notsaved", "{{.Field}} was not saved: {{.Err}}", map[string]any{"Field": field, "Err": err.Error()})
}
