package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"storelens/app/i18n"
	"storelens/sync/engine"
	"storelens/sync/feed"
)

// Setting is one value a manager can change in Settings, stored in the
// local database so the headless commands see it too. All of them are
// listed in Settings below: keys and defaults live in one place.
type Setting struct {
	Key     string
	Default int64
	Min     int64
	Max     int64
	// Unit scales the stored value to what the screen shows (e.g. bytes →
	// GB); 1 when the value is shown as stored.
	Unit int64
}

// The settings of StoreLens with their defaults and limits.
var (
	SettingSyncEvery = Setting{Key: SettingSyncMinutes, Default: int64(DefaultSyncInterval.Minutes()), Min: 1, Max: 24 * 60, Unit: 1}
	SettingReceipts  = Setting{Key: engine.SettingReceiptWindowDays, Default: feed.DefaultReceiptWindowDays, Min: 7, Max: 400, Unit: 1}
	SettingCacheGB   = Setting{Key: engine.SettingCacheMaxBytes, Default: engine.DefaultCacheMaxBytes, Min: 1 << 28, Max: 1 << 40, Unit: 1 << 30}
	SettingPrefetch  = Setting{Key: engine.SettingPrefetchClips, Default: engine.DefaultPrefetchClips, Min: 0, Max: 500, Unit: 1}
	// SettingBlurFaces (1 on, 0 off) blurs people's heads in snapshots and
	// anything else that leaves the laptop.
	SettingBlurFaces = Setting{Key: "evidence.blur_faces", Default: 1, Min: 0, Max: 1, Unit: 1}
)

// SettingStoreLanguage is the language of everything that goes to a store
// (task titles and descriptions, inspection verdicts' tasks): the chain's,
// not the manager's window. Chinese unless set.
const SettingStoreLanguage = "chain.store_language"

// StoreLanguage is the language text sent to a store is written in.
func (a *App) StoreLanguage(ctx context.Context) string {
	if v, ok, err := a.db.Setting(ctx, SettingStoreLanguage); err == nil && ok && (v == i18n.Chinese || v == i18n.English) {
		return v
	}
	return i18n.Chinese
}

// SetStoreLanguage sets the language of text sent to stores (i18n.Chinese
// or i18n.English); any other is refused.
func (a *App) SetStoreLanguage(ctx context.Context, lang string) error {
	if lang != i18n.Chinese && lang != i18n.English {
		return said("settings.err.storelang", "Lang", lang)
	}
	return a.db.SetSetting(ctx, SettingStoreLanguage, lang)
}

// IntSetting reads a numeric setting in the unit the screen shows; a value
// that is missing or unreadable reads as the default.
func (a *App) IntSetting(ctx context.Context, s Setting) int64 {
	v, ok, err := a.db.Setting(ctx, s.Key)
	if err != nil || !ok {
		return s.Default / s.Unit
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return s.Default / s.Unit
	}
	return n / s.Unit
}

// OutOfRange is the error of a value outside a setting's limits, in the
// unit the screen shows. The screen says it with the field's own name.
type OutOfRange struct {
	Setting  Setting
	Value    int64
	Min, Max int64
}

func (e *OutOfRange) Error() string {
	return fmt.Sprintf("%d is outside %d…%d", e.Value, e.Min, e.Max)
}

// SetIntSetting stores a numeric setting given in the unit the screen
// shows. A value outside the setting's limits is refused with an
// *OutOfRange that says the limits, and nothing is stored.
func (a *App) SetIntSetting(ctx context.Context, s Setting, shown int64) error {
	v := shown * s.Unit
	if v < s.Min || v > s.Max {
		return &OutOfRange{Setting: s, Value: shown, Min: s.Min / s.Unit, Max: s.Max / s.Unit}
	}
	return a.db.SetSetting(ctx, s.Key, strconv.FormatInt(v, 10))
}

// FeedURL is the HQ feed address in use: the --feed flag, else the one
// saved in Settings, else "".
func (a *App) FeedURL(ctx context.Context) string {
	if a.cfg.FeedURL != "" {
		return a.cfg.FeedURL
	}
	v, _, _ := a.db.Setting(ctx, SettingFeedURL)
	return v
}
