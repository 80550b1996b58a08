package insight

// This file writes a flag's reason as catalogue phrases (app/i18n); the
// front end renders them in the manager's language.

import (
	"fmt"
	"storelens/app/i18n"
	"storelens/app/vocab"
	"storelens/localdb"
)

// periodsKey names "days", "weeks", "months" or "periods" in the catalogue.
func periodsKey(p Period) i18n.Label {
	switch p.Kind {
	case Day:
		return "period.n.days"
	case Week:
		return "period.n.weeks"
	case Month:
		return "period.n.months"
	}
	return "period.n.periods"
}

func pct0(x float64) string { return fmt.Sprintf("%.0f%%", x) }

func reasonBelowTag(m Metric, v float64, ta *TagAverage, rk Rank, streak int, p Period) Text {
	gap := 100 * (ta.Mean[m] - v) / ta.Mean[m]
	t := i18n.Say("reason.below_tag", "Metric", m.LabelKey(), "Value", FormatValue(m, v, true), "Tag", ta.Tag,
		"Average", FormatValue(m, ta.Mean[m], true), "Stores", ta.N[m], "Gap", pct0(gap))
	if rk.Of > 0 {
		t = t.And("reason.below_tag.rank", "Position", rk.Position, "Of", rk.Of)
	}
	if streak > 1 {
		t = t.And("reason.below_tag.streak", "N", streak, "Periods", periodsKey(p))
	}
	return t
}

func reasonDrop(m Metric, v, ref, drop float64, n int, p Period) Text {
	return i18n.Say("reason.drop", "Metric", m.LabelKey(), "Value", FormatValue(m, v, true), "Drop", pct0(100*drop),
		"Before", FormatValue(m, ref, true), "N", n, "Periods", periodsKey(p))
}

func reasonEarly(last, close, days, traded int) Text {
	early := close - last
	return i18n.Say("reason.early", "Days", days, "Traded", traded, "Last", clock(last), "Close", clock(close),
		"Early", i18n.Say("duration.hm", "H", early/60, "M", fmt.Sprintf("%02d", early%60)))
}

func reasonEntryRate(v, low, high float64) Text {
	if v < low {
		return i18n.Say("reason.entry_rate.low", "Rate", fmt.Sprintf("%.2f%%", 100*v), "Bound", pct0(100*low))
	}
	return i18n.Say("reason.entry_rate.high", "Rate", fmt.Sprintf("%.2f%%", 100*v), "Bound", pct0(100*high))
}

// alertKeys are the catalogue keys of the alert kinds in kinds (bits of
// the rollups' alert_kinds).
func alertKeys(kinds int) i18n.Labels {
	if kinds&(localdb.AlertOcclusion|localdb.AlertMoved|localdb.AlertDefocus|localdb.AlertNoSignal) != 0 {
		kinds &^= localdb.AlertSuspectBucket // the alert is the explanation
	}
	var out i18n.Labels
	for _, a := range []struct {
		bit int
		key string
	}{
		{localdb.AlertOcclusion, "alert." + vocab.AlertOcclusion},
		{localdb.AlertMoved, "alert." + vocab.AlertMoved},
		{localdb.AlertDefocus, "alert." + vocab.AlertDefocus},
		{localdb.AlertNoSignal, "alert." + vocab.AlertNoSignal},
		{localdb.AlertSuspectBucket, "alert.suspect_bucket"},
	} {
		if kinds&a.bit != 0 {
			out = append(out, a.key)
		}
	}
	return out
}

func reasonSuspect(sus, open, kinds int) Text {
	return i18n.Say("reason.suspect", "Suspect", sus, "Open", open, "Kinds", alertKeys(kinds))
}
