package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"storelens/localdb"
	"storelens/sync/feed"
)

// maxResumes is how often one Download continues a transfer that broke.
const maxResumes = 4

// idleTimeout cuts a clip transfer that received nothing for this long.
var idleTimeout = 60 * time.Second

func (e *Engine) cacheDir() string {
	if e.cfg.CacheDir != "" {
		return e.cfg.CacheDir
	}
	return filepath.Join(filepath.Dir(e.cfg.DB.Path()), "recordings")
}

// clipName is a file name for a remote id: its safe characters plus a short
// hash, so two ids never share a file.
func clipName(remoteID string) string {
	var b strings.Builder
	for _, r := range remoteID {
		if r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 60 {
			break
		}
	}
	sum := sha256.Sum256([]byte(remoteID))
	return strings.Trim(b.String(), ".") + "-" + hex.EncodeToString(sum[:4]) + ".mp4"
}

// Download makes a clip of the index available on disk and returns its
// path. A broken transfer continues from the bytes already in the ".part"
// file (Range with If-Range on the stored ETag); if HQ's copy changed
// meanwhile the download starts over, it is never spliced. The file is
// renamed into place only when its length and SHA-256 match the index.
// Room is made by evicting the least recently viewed clips that are
// neither open nor attached to a task.
func (e *Engine) Download(ctx context.Context, remoteID string) (string, error) {
	// One transfer per clip: a player asking for the clip the prefetch is
	// fetching waits for it instead of writing the same .part file.
	unlock := e.lockClip(remoteID)
	defer unlock()
	what := "recording " + remoteID
	rec, err := e.cfg.DB.RecordingByRemoteID(ctx, remoteID)
	if err != nil {
		if errors.Is(err, localdb.ErrNotFound) {
			return "", &Error{Kind: ErrRejected, Collection: what, What: say("what.not_indexed"), Action: say("do.sync_then_open")}
		}
		return "", storageError(what, err)
	}
	if rec.State == "ready" && rec.LocalPath != "" {
		if st, err := os.Stat(rec.LocalPath); err == nil && st.Size() == rec.Size {
			return rec.LocalPath, nil
		}
	}
	if rec.SHA256 == "" {
		// An on-request segment: HQ exports it from the store's recorder first.
		if err := e.export(ctx, &rec); err != nil {
			return "", err
		}
	}
	dir := e.cacheDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", storageError(what, fmt.Errorf("%w: %v", localdb.ErrReadOnlyDir, err))
	}
	final := filepath.Join(dir, clipName(remoteID))
	part := final + ".part"
	if err := e.makeRoom(ctx, rec); err != nil {
		return "", err
	}
	var lastErr error
	for attempt := 0; attempt <= maxResumes; attempt++ {
		done, err := e.transfer(ctx, &rec, part)
		if err == nil && done {
			break
		}
		if err != nil {
			var se *Error
			if errors.As(err, &se) && se.Kind != ErrOffline {
				return "", err
			}
			if ctx.Err() != nil {
				return "", e.wrapTransport(what, context.Canceled)
			}
			lastErr = err
			e.log.Info("clip transfer broke; continuing from what arrived", "recording", remoteID, "attempt", attempt+1)
		}
		if attempt == maxResumes {
			return "", lastErr
		}
		if err != nil {
			// Back off before resuming, as a page read again does.
			t := time.NewTimer(e.retryWait(attempt))
			select {
			case <-ctx.Done():
				t.Stop()
				return "", e.wrapTransport(what, context.Canceled)
			case <-t.C:
			}
		}
	}
	// Length and checksum, over the whole file, before it counts.
	sum, n, err := hashFile(part)
	if err != nil {
		return "", storageError(what, err)
	}
	if n != rec.Size || sum != rec.SHA256 {
		os.Remove(part)
		msg := say("what.clip_mismatch", "Got", n, "GotSum", short(sum), "Want", rec.Size, "WantSum", short(rec.SHA256))
		e.setState(ctx, rec, "failed", "", "", 0, msg.In("en"))
		return "", &Error{Kind: ErrRejected, Collection: what, What: msg, Action: say("do.sync_index_then_open")}
	}
	if err := syncAndRename(part, final); err != nil {
		return "", storageError(what, err)
	}
	if err := e.setState(ctx, rec, "ready", rec.ETag, final, rec.Size, ""); err != nil {
		return "", storageError(what, err)
	}
	return final, nil
}

// exportTimeout bounds how long HQ may take to export a segment.
const exportTimeout = 3 * time.Minute

// export asks HQ to export an on-request segment and records the size and
// SHA-256 it answers with.
func (e *Engine) export(ctx context.Context, rec *localdb.CachedRecording) error {
	what := "recording " + rec.RemoteID
	e.emit(Progress{Phase: PhaseExport, Collection: rec.RemoteID, Fraction: -1})
	u, same, err := e.resolve(feed.ExportPath(rec.RemoteID))
	if err != nil {
		return &Error{Kind: ErrRejected, Collection: what, What: say("what.bad_clip_url"), Action: say("do.sync")}
	}
	xctx, cancel := context.WithTimeout(ctx, exportTimeout)
	defer cancel()
	req, err := e.newRequest(xctx, http.MethodGet, u, nil, same)
	if err != nil {
		return e.wrapTransport(what, err)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return e.wrapTransport(what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return e.statusError(what, resp)
	}
	var got feed.Recording
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&got); err != nil {
		return e.wrapTransport(what, err)
	}
	if len(got.SHA256) != 64 || got.Size <= 0 {
		return &Error{Kind: ErrRejected, Collection: what, What: say("what.unstorable", "Detail", "the export carries no size or SHA-256"), Action: say("do.sync_index_then_open")}
	}
	rec.Size, rec.SHA256 = got.Size, strings.ToLower(got.SHA256)
	if err := e.cfg.DB.SetRecordingExported(context.WithoutCancel(ctx), rec.ID, rec.Size, rec.SHA256); err != nil {
		return storageError(what, err)
	}
	return nil
}

func (e *Engine) setState(ctx context.Context, rec localdb.CachedRecording, state, etag, path string, done int64, errText string) error {
	return e.cfg.DB.SetRecordingState(context.WithoutCancel(ctx), rec.ID, state, etag, path, done, errText)
}

// transfer moves bytes from HQ into part, resuming when it can. It returns
// done when the part holds the whole representation.
func (e *Engine) transfer(ctx context.Context, rec *localdb.CachedRecording, part string) (bool, error) {
	what := "recording " + rec.RemoteID
	var have int64
	if st, err := os.Stat(part); err == nil {
		have = st.Size()
	}
	if have > 0 && (rec.ETag == "" || have >= rec.Size) {
		// Without a validator (or with more bytes than expected) the part
		// cannot be trusted to continue: start over.
		have = 0
	}
	u, same, err := e.resolve(rec.URL)
	if err != nil {
		return false, &Error{Kind: ErrRejected, Collection: what, What: say("what.bad_clip_url"), Action: say("do.sync")}
	}
	// A transfer that stalls (no byte for idleTimeout) is cut and resumed,
	// rather than waiting for ever on a dead connection.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	idle := time.AfterFunc(idleTimeout, cancel)
	defer idle.Stop()
	req, err := e.newRequest(rctx, http.MethodGet, u, nil, same)
	if err != nil {
		return false, e.wrapTransport(what, err)
	}
	// Byte offsets only mean something on the identity encoding.
	req.Header.Set("Accept-Encoding", "identity")
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
		req.Header.Set("If-Range", rec.ETag)
	}
	stalled := func() error {
		return &Error{Kind: ErrOffline, Collection: what, What: say("what.stalled", "Idle", idleTimeout.String()), Action: say("do.continues")}
	}
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, e.wrapTransport(what, ctx.Err())
		}
		if rctx.Err() != nil {
			return false, stalled()
		}
		return false, e.wrapTransport(what, err)
	}
	defer resp.Body.Close()
	var f *os.File
	etag := resp.Header.Get("ETag")
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, err := rangeStart(resp.Header.Get("Content-Range"))
		if have == 0 || err != nil || start != have || (etag != "" && etag != rec.ETag) {
			// Not the continuation asked for: never splice; start over.
			os.Remove(part)
			rec.ETag = ""
			return false, &Error{Kind: ErrOffline, Collection: what, What: say("what.wrong_range"), Action: say("do.retry")}
		}
		f, err = os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return false, storageError(what, fmt.Errorf("%w: %v", localdb.ErrReadOnlyDir, err))
		}
	case http.StatusOK:
		// A full answer: the first request, or If-Range found HQ's copy
		// changed. Either way the part starts from byte 0.
		if have > 0 {
			e.log.Info("clip changed at HQ since the download began; starting over", "recording", rec.RemoteID)
		}
		have = 0
		rec.ETag = etag
		f, err = os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return false, storageError(what, fmt.Errorf("%w: %v", localdb.ErrReadOnlyDir, err))
		}
	case http.StatusRequestedRangeNotSatisfiable:
		os.Remove(part)
		rec.ETag = ""
		return false, &Error{Kind: ErrOffline, Collection: what, What: say("what.no_resume"), Action: say("do.retry")}
	default:
		return false, e.statusError(what, resp)
	}
	// The validator is stored before the bytes, so a resume after a crash
	// knows which copy the part belongs to.
	if err := e.setState(ctx, *rec, "downloading", rec.ETag, "", have, ""); err != nil {
		f.Close()
		return false, storageError(what, err)
	}
	n, copyErr := io.Copy(f, &progressReader{r: resp.Body, e: e, id: rec.RemoteID, base: have, size: rec.Size, idle: idle})
	syncErr := f.Sync()
	closeErr := f.Close()
	if err := errors.Join(syncErr, closeErr); err != nil {
		return false, storageError(what, mapFSError(err))
	}
	e.setState(ctx, *rec, "downloading", rec.ETag, "", have+n, "")
	if copyErr != nil {
		var pe *os.PathError
		if errors.As(copyErr, &pe) {
			return false, storageError(what, mapFSError(copyErr))
		}
		if ctx.Err() != nil {
			return false, e.wrapTransport(what, ctx.Err())
		}
		if rctx.Err() != nil {
			return false, stalled()
		}
		return false, e.wrapTransport(what, copyErr)
	}
	return true, nil
}

func mapFSError(err error) error {
	if strings.Contains(err.Error(), "no space left") {
		return fmt.Errorf("%w: %v", localdb.ErrDiskFull, err)
	}
	if errors.Is(err, os.ErrPermission) || strings.Contains(err.Error(), "read-only") {
		return fmt.Errorf("%w: %v", localdb.ErrReadOnlyDir, err)
	}
	return err
}

// rangeStart reads the first byte of "bytes a-b/n".
func rangeStart(v string) (int64, error) {
	s, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, fmt.Errorf("content-range %q", v)
	}
	a, _, ok := strings.Cut(s, "-")
	if !ok {
		return 0, fmt.Errorf("content-range %q", v)
	}
	return strconv.ParseInt(a, 10, 64)
}

type progressReader struct {
	r          io.Reader
	e          *Engine
	id         string
	base, size int64
	n          int64
	last       time.Time
	idle       *time.Timer
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if n > 0 && p.idle != nil {
		p.idle.Reset(idleTimeout)
	}
	if now := time.Now(); now.Sub(p.last) > 200*time.Millisecond || err != nil {
		p.last = now
		frac := -1.0
		if p.size > 0 {
			frac = float64(p.base+p.n) / float64(p.size)
		}
		p.e.emit(Progress{Phase: PhaseDownload, Collection: p.id, Items: p.base + p.n, Bytes: p.n, Fraction: frac})
	}
	return n, err
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	var h hash.Hash = sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func syncAndRename(part, final string) error {
	if err := os.Rename(part, final); err != nil {
		return mapFSError(err)
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// makeRoom evicts least recently viewed clips until the clip fits under
// the cache cap; it fails when only open or task-attached clips are left.
func (e *Engine) makeRoom(ctx context.Context, rec localdb.CachedRecording) error {
	what := "recording " + rec.RemoteID
	capBytes := int64(e.intSetting(ctx, SettingCacheMaxBytes, DefaultCacheMaxBytes))
	used, err := e.cfg.DB.CacheBytes(ctx)
	if err != nil {
		return storageError(what, err)
	}
	if rec.State == "downloading" {
		used -= rec.BytesDone
	}
	need := rec.Size
	if used+need <= capBytes {
		return nil
	}
	cands, err := e.cfg.DB.EvictableRecordings(ctx)
	if err != nil {
		return storageError(what, err)
	}
	for _, c := range cands {
		if used+need <= capBytes {
			break
		}
		if c.ID == rec.ID {
			continue
		}
		if err := e.cfg.DB.MarkRecordingEvicted(ctx, c.ID); err != nil {
			if errors.Is(err, localdb.ErrConstraint) {
				continue // opened or attached meanwhile
			}
			return storageError(what, err)
		}
		os.Remove(c.LocalPath)
		used -= c.Size
		e.log.Info("evicted a clip from the footage cache", "recording", c.RemoteID, "bytes", c.Size)
	}
	if used+need > capBytes {
		return &Error{Kind: ErrStorage, Collection: what,
			What: say("what.cache_full", "Used", used>>20, "Cap", capBytes>>20), Action: say("do.cache_full")}
	}
	return nil
}

// prefetchClips downloads the newest clips of the index that are not yet
// here (SettingPrefetchClips of them). A clip that fails is a warning;
// running out of network or disk stops the run.
func (e *Engine) prefetchClips(ctx context.Context) (int, []string, error) {
	n := e.intSetting(ctx, SettingPrefetchClips, DefaultPrefetchClips)
	if n == 0 {
		return 0, nil, nil
	}
	recs, err := e.cfg.DB.RecordingsToPrefetch(ctx, n)
	if err != nil {
		return 0, nil, storageError("recordings", err)
	}
	var done int
	var warns []string
	for _, r := range recs {
		if _, err := e.Download(ctx, r.RemoteID); err != nil {
			var se *Error
			if errors.As(err, &se) && (se.Kind == ErrRejected || (se.Kind == ErrStorage && se.What.Has("sync.what.cache_full"))) {
				warns = append(warns, err.Error())
				continue
			}
			return done, warns, err
		}
		done++
	}
	return done, warns, nil
}

// lockClip serialises downloads of one clip.
func (e *Engine) lockClip(remoteID string) (unlock func()) {
	e.clipMu.Lock()
	if e.clipLocks == nil {
		e.clipLocks = map[string]*clipLock{}
	}
	l := e.clipLocks[remoteID]
	if l == nil {
		l = &clipLock{}
		e.clipLocks[remoteID] = l
	}
	l.users++
	e.clipMu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		e.clipMu.Lock()
		if l.users--; l.users == 0 {
			delete(e.clipLocks, remoteID)
		}
		e.clipMu.Unlock()
	}
}

type clipLock struct {
	mu    sync.Mutex
	users int
}
