// Package i18n is StoreLens's one catalogue of words: every sentence a
// person reads, on a screen, from a command or in a report, comes from the
// JSON files in translations/ (zh-Hans.json, en.json), looked up by key.
// The window (through ui's tr), the headless commands and the reports all
// render through Catalogue.
//
// Lower layers do not write sentences: they return a Text, a sequence of
// Phrases, each a catalogue key with its arguments (numbers already
// formatted, names as they are, and Labels for words that are themselves in
// the catalogue, such as a metric's name). The front end renders the Text
// in the manager's language. Templates use Go's text/template syntax
// ({{.Name}}).
//
// In Chinese a number sits against the unit after it ("86个营业小时",
// "3家门店") with the space before it kept: a wrapped line breaks only at
// spaces, so a number is never left at a line's end without its unit.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	stdsync "sync"
	"text/template"
)

// Files holds the catalogue: translations/en.json and translations/zh-Hans.json.
//
//go:embed translations/*.json
var Files embed.FS

// The languages StoreLens speaks.
const (
	Chinese = "zh"
	English = "en"
)

// SystemLang is the language of the user's locale (LANGUAGE, LC_ALL,
// LC_MESSAGES, LANG, the first one set), English where it names no
// language StoreLens speaks (C, POSIX, fr_FR…). The window and the
// headless commands both start in it.
func SystemLang() string {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			// LANGUAGE may list several, "zh_CN:en".
			if c, ok := Lang(strings.SplitN(v, ":", 2)[0]); ok {
				return c
			}
			return English
		}
	}
	return English
}

// Lang turns a user's word for a language ("zh", "zh-CN", "cn", "en",
// "en_US.UTF-8", …) into Chinese or English; ok is false for anything else.
func Lang(s string) (code string, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || s == "cn" || strings.HasPrefix(s, "zh_") || strings.HasPrefix(s, "zh-"):
		return Chinese, true
	case s == "en" || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en-"):
		return English, true
	}
	return "", false
}

// Label is an argument that is itself a catalogue key, rendered in the
// same language as the phrase it goes into (a metric's or an alert kind's
// name).
type Label string

// Labels is a list of catalogue keys rendered as one argument, joined the
// way the language lists things ("遮挡、移位", "lens blocked, camera moved").
type Labels []string

// Phrase is one catalogue key with its arguments.
type Phrase struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// Text is a sentence made of phrases rendered one after the other; each
// phrase's template carries its own leading punctuation.
type Text []Phrase

// Say is a Text of one phrase: Say("reason.entry_rate.low", "Rate", "2.40%").
func Say(key string, kv ...any) Text { return Text{P(key, kv...)} }

// P is one phrase from a key and name/value pairs.
func P(key string, kv ...any) Phrase {
	p := Phrase{Key: key}
	if len(kv) > 0 {
		p.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p.Args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return p
}

// And is t followed by the phrase key with its arguments.
func (t Text) And(key string, kv ...any) Text { return append(t[:len(t):len(t)], P(key, kv...)) }

// Has reports whether one of t's phrases is key.
func (t Text) Has(key string) bool {
	for _, p := range t {
		if p.Key == key {
			return true
		}
	}
	return false
}

// In renders t in lang with the built-in catalogue.
func (t Text) In(lang string) string { return Default().Text(lang, t) }

// Catalogue is a loaded set of translations. It is safe for concurrent use.
type Catalogue struct {
	words map[string]map[string]string // lang → key → template
	mu    stdsync.Mutex
	tmpl  map[string]*template.Template // lang + key → parsed
}

var (
	defaultOnce stdsync.Once
	defaultCat  *Catalogue
)

// Default is the catalogue built into StoreLens.
func Default() *Catalogue {
	defaultOnce.Do(func() {
		c, err := Load(Files)
		if err != nil {
			panic("i18n: the built-in catalogue does not load: " + err.Error())
		}
		defaultCat = c
	})
	return defaultCat
}

// Load reads translations/en.json and translations/zh-Hans.json from fsys.
func Load(fsys embed.FS) (*Catalogue, error) {
	c := &Catalogue{words: map[string]map[string]string{}, tmpl: map[string]*template.Template{}}
	for lang, file := range map[string]string{English: "translations/en.json", Chinese: "translations/zh-Hans.json"} {
		b, err := fsys.ReadFile(file)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		c.words[lang] = m
	}
	return c, nil
}

// Has reports whether key has a sentence in lang.
func (c *Catalogue) Has(lang, key string) bool { _, ok := c.words[lang][key]; return ok }

// Keys lists the keys of lang.
func (c *Catalogue) Keys(lang string) []string {
	out := make([]string, 0, len(c.words[lang]))
	for k := range c.words[lang] {
		out = append(out, k)
	}
	return out
}

// T renders key in lang with args; a key the catalogue lacks renders as
// the key itself, which the catalogue's tests make impossible for the keys
// the product uses.
func (c *Catalogue) T(lang, key string, args map[string]any) string {
	if lang != Chinese {
		lang = English
	}
	src, ok := c.words[lang][key]
	if !ok {
		return key
	}
	if !strings.Contains(src, "{{") {
		return src
	}
	c.mu.Lock()
	t, ok := c.tmpl[lang+"\x00"+key]
	if !ok {
		var err error
		if t, err = template.New(key).Option("missingkey=zero").Funcs(funcs).Parse(src); err != nil {
			c.mu.Unlock()
			return src
		}
		c.tmpl[lang+"\x00"+key] = t
	}
	c.mu.Unlock()
	data := make(map[string]any, len(args))
	for k, v := range args {
		switch x := v.(type) {
		case Label:
			data[k] = c.T(lang, string(x), nil)
		case Labels:
			names := make([]string, len(x))
			for i, key := range x {
				names[i] = c.T(lang, key, nil)
			}
			data[k] = strings.Join(names, c.T(lang, "list.sep", nil))
		case Text:
			data[k] = c.Text(lang, x)
		default:
			data[k] = v
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return src
	}
	return b.String()
}

// Text renders every phrase of t in lang, one after the other.
func (c *Catalogue) Text(lang string, t Text) string {
	var b strings.Builder
	for _, p := range t {
		b.WriteString(c.T(lang, p.Key, p.Args))
	}
	return b.String()
}

// funcs are what templates may call: {{plural .N "store" "stores"}} is the
// English noun that agrees with a count (Chinese needs none).
var funcs = template.FuncMap{"plural": func(n any, one, many string) string {
	if v := strings.TrimSpace(fmt.Sprint(n)); v == "1" || v == "1.0" {
		return one
	}
	return many
}}
