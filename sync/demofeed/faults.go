package demofeed

import (
	"bytes"
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"time"

	"storelens/sync/feed"
)

// Fault is a misbehaviour the server shows on the next Times requests whose
// path starts with PathPrefix, after the token check. Exactly one kind
// applies, checked in this order:
//
//   - Status (e.g. 503, 429, 500, 400, 501): answered with that status, an
//     Error body and, if set, a Retry-After header; nothing is served;
//   - DropReply: the request is fully handled (a push is stored) and the
//     connection is then closed without an answer: "the reply was lost";
//   - TruncateBody: the full Content-Length is announced, half the body is
//     sent and the connection closed;
//   - MalformedJSON: a complete answer whose body is cut JSON with a
//     matching Content-Length;
//   - CutAfterBytes > 0: a download stops after that many body bytes;
//   - HoldReply > 0: the request is fully handled (a push is stored) and
//     the answer waits that long, as on a network that stalls on the way
//     back (a client killed meanwhile never hears it).
type Fault struct {
	PathPrefix    string
	Times         int // 0 means once
	Status        int
	RetryAfter    string // seconds, or an HTTP date
	DropReply     bool
	TruncateBody  bool
	MalformedJSON bool
	CutAfterBytes int64
	HoldReply     time.Duration
}

// Inject arms a fault; faults are taken first come, first served.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &f)
	s.mu.Unlock()
}

// ClearFaults disarms every fault not yet taken.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

func (s *Server) takeFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if strings.HasPrefix(path, f.PathPrefix) {
			f.Times--
			if f.Times <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

var statusCodes = map[int]string{
	http.StatusBadRequest: feed.CodeBadRequest, http.StatusUnauthorized: feed.CodeUnauthorized,
	http.StatusNotFound: feed.CodeNotFound, http.StatusGone: feed.CodeCursorExpired,
	http.StatusTooManyRequests: feed.CodeRateLimited, http.StatusServiceUnavailable: feed.CodeUnavailable,
	http.StatusNotImplemented: feed.CodeNotImplemented,
}

func (f *Fault) apply(w http.ResponseWriter, r *http.Request, next http.Handler) {
	switch {
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		code := statusCodes[f.Status]
		if code == "" {
			code = "internal"
		}
		writeError(w, f.Status, code, "the feed is failing on purpose (injected fault "+strconv.Itoa(f.Status)+")", "retry later")
	case f.HoldReply > 0:
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		select {
		case <-time.After(f.HoldReply):
		case <-r.Context().Done():
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(cmp.Or(rec.code, http.StatusOK))
		w.Write(rec.body.Bytes())
	case f.DropReply:
		next.ServeHTTP(&recorder{header: http.Header{}}, r)
		panic(http.ErrAbortHandler)
	case f.TruncateBody, f.MalformedJSON:
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		body := rec.body.Bytes()
		if f.MalformedJSON {
			body = append(append([]byte{}, body[:len(body)/2]...), []byte(`,"oops":}`)...)
			w.Header().Del("Content-Encoding")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.status())
			w.Write(body)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status())
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	case f.CutAfterBytes > 0:
		cw := &cutWriter{ResponseWriter: w, left: f.CutAfterBytes}
		next.ServeHTTP(cw, r)
		if cw.cut {
			panic(http.ErrAbortHandler)
		}
	default:
		next.ServeHTTP(w, r)
	}
}

// recorder keeps an answer in memory so a fault can spoil it.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

// Header, WriteHeader and Write keep the answer instead of sending it.
func (r *recorder) Header() http.Header { return r.header }

// WriteHeader keeps the first status.
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

// Write keeps the body.
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// cutWriter stops passing bytes on after left of them.
type cutWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
}

// Write passes bytes on until the cut, then fails as a dropped connection.
func (c *cutWriter) Write(b []byte) (int, error) {
	if c.left <= 0 {
		c.cut = true
		return 0, http.ErrAbortHandler
	}
	if int64(len(b)) > c.left {
		n, _ := c.ResponseWriter.Write(b[:c.left])
		c.left = 0
		c.cut = true
		if fl, ok := c.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}
		return n, http.ErrAbortHandler
	}
	n, err := c.ResponseWriter.Write(b)
	c.left -= int64(n)
	return n, err
}
