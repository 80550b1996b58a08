package demofeed

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"storelens/sync/feed"
)

// The served JSON must be what docs/feed-api.yaml promises an HQ integrator:
// every required property present, no property the spec does not declare.
func TestServedItemsMatchTheOpenAPISpec(t *testing.T) {
	raw, err := os.ReadFile("../../docs/feed-api.yaml")
	if err != nil {
		t.Fatalf("the spec: %v", err)
	}
	var spec struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]schema `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	schemas := spec.Components.Schemas
	check := func(what, name string, obj map[string]any) {
		t.Helper()
		sc, ok := schemas[name]
		if !ok {
			t.Fatalf("%s: the spec has no schema %s", what, name)
		}
		for _, r := range sc.Required {
			if _, ok := obj[r]; !ok {
				t.Errorf("%s: required property %q of %s is not served", what, r, name)
			}
		}
		for k := range obj {
			if _, ok := sc.Properties[k]; !ok {
				t.Errorf("%s: served property %q is not declared in %s", what, k, name)
			}
		}
	}
	h := newHarness(t, Config{ClipDir: sharedClipDir(t)})
	// Make every optional collection non-empty.
	task := feed.CorrectiveTaskPush{ID: "6f1c2b1e-3333-4a4a-9b9b-0123456789ab", StoreID: 3, Title: "t", CreatedAt: 1}
	if st, b, _ := h.post(feed.PathCorrectiveTasks, task.ID, task); st != 201 {
		t.Fatalf("push: %d %s", st, b)
	} else {
		var ans map[string]any
		json.Unmarshal(b, &ans)
		check("push answer", "PushAnswer", ans)
	}
	h.clock.Add(5 * time.Hour)
	for _, coll := range feed.Collections {
		path := feed.CollectionPath(coll)
		ops, ok := spec.Paths[path]
		if !ok {
			t.Errorf("the spec has no path %s", path)
			continue
		}
		pageName := refName(dig(ops, "get", "responses", "200", "content", "application/json", "schema", "$ref"))
		itemName := refName(dig(map[string]any{"s": schemas[pageName].AllOf}, "s", "1", "properties", "items", "items", "$ref"))
		if itemName == "" {
			t.Errorf("%s: cannot find the item schema of %s", coll, pageName)
			continue
		}
		p, body := h.page(coll, "", feed.ParamLimit, "40")
		var env map[string]any
		json.Unmarshal(body, &env)
		check(coll+" page", "PageFields", env)
		if len(p.Items) == 0 {
			t.Errorf("%s: empty, nothing to check", coll)
		}
		for _, it := range p.Items {
			var obj map[string]any
			json.Unmarshal(it, &obj)
			check(coll, itemName, obj)
		}
	}
	// The error body.
	_, body := h.get(feed.CollectionPath("nope"))
	var e map[string]any
	json.Unmarshal(body, &e)
	check("error", "Error", e)
	codes := append([]string(nil), schemas["Error"].Properties["code"].Enum...)
	sort.Strings(codes)
	for _, c := range []string{feed.CodeUnauthorized, feed.CodeCursorExpired, feed.CodeBadRequest, feed.CodeNotFound, feed.CodeIdempotencyMismatch, feed.CodeInvalid, feed.CodeRateLimited, feed.CodeUnavailable, feed.CodeNotImplemented} {
		if i := sort.SearchStrings(codes, c); i == len(codes) || codes[i] != c {
			t.Errorf("error code %s is not in the spec's enum", c)
		}
	}
}

type schema struct {
	Required   []string          `yaml:"required"`
	Properties map[string]schema `yaml:"properties"`
	AllOf      []any             `yaml:"allOf"`
	Enum       []string          `yaml:"enum"`
}

func dig(v any, keys ...string) string {
	for _, k := range keys {
		switch m := v.(type) {
		case map[string]any:
			v = m[k]
		case []any:
			i := int(k[0] - '0')
			if i >= len(m) {
				return ""
			}
			v = m[i]
		default:
			return ""
		}
	}
	s, _ := v.(string)
	return s
}

func refName(ref string) string { return strings.TrimPrefix(ref, "#/components/schemas/") }
