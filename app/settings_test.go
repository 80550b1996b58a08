package app

import (
	"context"
	"testing"
)

func TestSettingsKeepDefaultsLimitsAndUnits(t *testing.T) {
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.IntSetting(ctx, SettingReceipts); got != 35 {
		t.Errorf("receipt window defaults to %d days, want 35", got)
	}
	if got := a.IntSetting(ctx, SettingCacheGB); got != 2 {
		t.Errorf("footage cache defaults to %d GB, want 2", got)
	}
	if err := a.SetIntSetting(ctx, SettingCacheGB, 5); err != nil {
		t.Fatal(err)
	}
	if got := a.IntSetting(ctx, SettingCacheGB); got != 5 {
		t.Errorf("footage cache reads back as %d GB after setting 5", got)
	}
	// The engine reads bytes.
	if got := a.IntSetting(ctx, Setting{Key: SettingCacheGB.Key, Unit: 1}); got != 5<<30 {
		t.Errorf("stored cache cap = %d bytes, want %d", got, int64(5<<30))
	}
	if err := a.SetIntSetting(ctx, SettingSyncEvery, 0); err == nil {
		t.Error("a sync every 0 minutes was accepted")
	}
	if got := a.IntSetting(ctx, SettingSyncEvery); got != 15 {
		t.Errorf("a refused value changed the interval to %d", got)
	}
}
