package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// maxSnapshotBytes bounds a snapshot download: a still, not a clip.
const maxSnapshotBytes = 20 << 20

// DownloadSnapshot makes HQ's snapshot (local id) available on disk and
// returns its path: downloaded once into the snapshots folder beside the
// database, checked against the index's SHA-256 before it counts.
func (e *Engine) DownloadSnapshot(ctx context.Context, id int64) (string, error) {
	sn, err := e.cfg.DB.SnapshotByID(ctx, id)
	if err != nil {
		return "", storageError("snapshot", err)
	}
	what := "snapshot " + sn.RemoteID
	if sn.LocalPath != "" {
		if _, err := os.Stat(sn.LocalPath); err == nil {
			return sn.LocalPath, nil
		}
	}
	if sn.RemoteID == "" || sn.URL == "" {
		return "", &Error{Kind: ErrRejected, Collection: what, What: say("what.not_indexed"), Action: say("do.sync_then_open")}
	}
	u, same, err := e.resolve(sn.URL)
	if err != nil {
		return "", &Error{Kind: ErrRejected, Collection: what, What: say("what.bad_clip_url"), Action: say("do.sync")}
	}
	req, err := e.newRequest(ctx, http.MethodGet, u, nil, same)
	if err != nil {
		return "", e.wrapTransport(what, err)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return "", e.wrapTransport(what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", e.statusError(what, resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSnapshotBytes+1))
	if err != nil {
		return "", e.wrapTransport(what, err)
	}
	sum := sha256.Sum256(body)
	if len(body) > maxSnapshotBytes || (sn.SHA256 != "" && !strings.EqualFold(hex.EncodeToString(sum[:]), sn.SHA256)) {
		msg := say("what.clip_mismatch", "Got", len(body), "GotSum", short(hex.EncodeToString(sum[:])), "Want", "?", "WantSum", short(sn.SHA256))
		return "", &Error{Kind: ErrRejected, Collection: what, What: msg, Action: say("do.sync_index_then_open")}
	}
	dir := filepath.Join(filepath.Dir(e.cfg.DB.Path()), "snapshots")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", storageError(what, err)
	}
	final := filepath.Join(dir, clipName(sn.RemoteID)+".jpg")
	part := final + ".part"
	if err := os.WriteFile(part, body, 0o600); err != nil {
		return "", storageError(what, err)
	}
	if err := syncAndRename(part, final); err != nil {
		return "", storageError(what, err)
	}
	if err := e.cfg.DB.SetSnapshotLocalPath(context.WithoutCancel(ctx), sn.ID, final); err != nil {
		return "", storageError(what, err)
	}
	return final, nil
}
