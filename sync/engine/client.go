package engine

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// newHTTPClient builds the retrying client: bounded waits (Retry-After is
// honoured but capped at maxWait), retries only for answers that can change
// (429, 5xx but 501, dropped connections), every wait cancellable through
// the request's context, and a logger that never sees the token.
func newHTTPClient(base *http.Client, retries int, maxWait time.Duration, log *slog.Logger, token string) *retryablehttp.Client {
	c := retryablehttp.NewClient()
	if base != nil {
		c.HTTPClient = base
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = 60 * time.Second
		tr.MaxIdleConnsPerHost = 4
		c.HTTPClient = &http.Client{Transport: tr}
	}
	c.RetryMax = retries
	c.RetryWaitMin = 250 * time.Millisecond
	c.RetryWaitMax = maxWait
	c.Backoff = cappedBackoff
	c.CheckRetry = retryPolicy
	c.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c.Logger = &scrubLogger{log: log, secrets: []string{token}}
	return c
}

// cappedBackoff waits what HQ asks in Retry-After (429, 503), or an
// exponential back-off with jitter otherwise, never longer than max.
func cappedBackoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return clamp(d, 0, hi)
		}
	}
	d := lo << min(attempt, 20)
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	return clamp(d, lo, hi)
}

func clamp(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	if d > hi || d < 0 {
		return hi
	}
	return d
}

// retryAfter reads a Retry-After value: seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(365*24*time.Hour/time.Second) {
			s = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}

// retryPolicy retries what may succeed later and nothing else: a 400, 401,
// 404, 410, 422 or 501 is final, and so is a cancelled run.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			var ua x509.UnknownAuthorityError
			if errors.As(ue.Err, &ua) {
				return false, err
			}
		}
		return true, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// scrubLogger adapts slog to retryablehttp's leveled logger, removing the
// token and every URL's query and user info from what it writes.
type scrubLogger struct {
	log     *slog.Logger
	secrets []string
}

var urlPattern = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"']+`)

// scrub removes secrets from a text meant for a log or a person: the token
// itself, bearer credentials, and the query and user info of URLs.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 1 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	if i := strings.Index(strings.ToLower(s), "bearer "); i >= 0 {
		j := i + len("bearer ")
		k := j
		for k < len(s) && s[k] != ' ' && s[k] != '"' && s[k] != '\n' {
			k++
		}
		s = s[:j] + "[redacted]" + s[k:]
	}
	return urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		p, err := url.Parse(u)
		if err != nil {
			return "[url]"
		}
		p.User = nil
		p.RawQuery = ""
		p.Fragment = ""
		return p.String()
	})
}

func (l *scrubLogger) clean(kv []any) []any {
	out := make([]any, len(kv))
	for i, v := range kv {
		switch x := v.(type) {
		case string:
			out[i] = scrub(x, l.secrets)
		case error:
			out[i] = scrub(x.Error(), l.secrets)
		case fmt.Stringer:
			out[i] = scrub(x.String(), l.secrets)
		default:
			out[i] = scrub(fmt.Sprint(x), l.secrets)
		}
	}
	return out
}

// Error logs a failed attempt; the retry policy decides what follows, so
// it is a warning, not an error, for the app.
func (l *scrubLogger) Error(msg string, kv ...any) { l.log.Warn("feed: "+msg, l.clean(kv)...) }

// Warn logs a warning of the retrying client.
func (l *scrubLogger) Warn(msg string, kv ...any) { l.log.Warn("feed: "+msg, l.clean(kv)...) }

// Info logs an informational line of the retrying client.
func (l *scrubLogger) Info(msg string, kv ...any) { l.log.Info("feed: "+msg, l.clean(kv)...) }

// Debug logs each request and retry wait.
func (l *scrubLogger) Debug(msg string, kv ...any) { l.log.Debug("feed: "+msg, l.clean(kv)...) }
