package i18n

import (
	"regexp"
	"sort"
	"testing"
)

// Both languages carry the same keys, and every argument a template names
// in one language is named in the other: a manager never sees a raw key,
// an English sentence in the Chinese window, or "<no value>".
func TestBothLanguagesHaveTheSameKeysAndArguments(t *testing.T) {
	c := Default()
	arg := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	names := func(s string) []string {
		var out []string
		for _, m := range arg.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		sort.Strings(out)
		return out
	}
	for _, k := range c.Keys(English) {
		if !c.Has(Chinese, k) {
			t.Errorf("zh-Hans.json lacks %q", k)
			continue
		}
		en, zh := names(c.words[English][k]), names(c.words[Chinese][k])
		if len(en) != len(zh) {
			t.Errorf("%s: en names %v, zh names %v", k, en, zh)
			continue
		}
		for i := range en {
			if en[i] != zh[i] {
				t.Errorf("%s: en names %v, zh names %v", k, en, zh)
				break
			}
		}
	}
	for _, k := range c.Keys(Chinese) {
		if !c.Has(English, k) {
			t.Errorf("en.json lacks %q", k)
		}
	}
}

// A phrase renders its arguments, translates the labels among them in the
// phrase's own language and joins lists as the language does.
func TestTextRendersLabelsAndListsInItsLanguage(t *testing.T) {
	txt := Say("reason.suspect", "Suspect", 3, "Open", 12, "Kinds", Labels{"alert.occlusion", "alert.moved"})
	if got, want := txt.In(English), "Counts suspect in 3 of 12 open hours (lens blocked, camera moved); traffic figures may be wrong"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := txt.In(Chinese), "12个营业小时中有 3个计数可疑（镜头被遮挡、摄像头移位），客流数据可能失真"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	two := Say("staff.summary", "NotOptimal", "50%", "Over", "30%", "Under", "20%").And("reason.below_tag.rank", "Position", 3, "Of", 9)
	if got := two.In(English); got != "50% of hours not optimal: 30% over-staffed, 20% under-staffed, rank 3 of 9 in the tag" {
		t.Errorf("two phrases: %q", got)
	}
	if got := Say("no.such.key").In(English); got != "no.such.key" {
		t.Errorf("a missing key renders as %q", got)
	}
}

func TestLangReadsTheUsersWord(t *testing.T) {
	for in, want := range map[string]string{"zh": Chinese, "zh_CN.UTF-8": Chinese, "CN": Chinese, "en": English, "en_US": English, "fr": ""} {
		if got, _ := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}

// A Chinese number is never split from its unit by a wrapped line: no
// space between a number (or an argument) and the measure word after it.
func TestChineseNumbersStayWithTheirUnits(t *testing.T) {
	split := regexp.MustCompile(`(\}\}|[0-9]) (个|家|天|小时|分钟|次|名|人|笔|张|条|段|周|秒|项|台|倍|元)`)
	raw, err := Files.ReadFile("translations/zh-Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	if m := split.FindAllString(string(raw), -1); len(m) > 0 {
		t.Errorf("Chinese phrases leave a space between a number and its unit, where a line may break: %q", m)
	}
}
