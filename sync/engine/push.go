package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"storelens/localdb"
	"storelens/sync/feed"
)

var pushPaths = map[string]string{
	localdb.OutboxCorrectiveTask:   feed.PathCorrectiveTasks,
	localdb.OutboxTaskStatus:       feed.PathTaskStatus,
	localdb.OutboxInspectionResult: feed.PathInspectionVerdicts,
	localdb.OutboxSchedule:         feed.PathInspectionSchedules,
}

var pushNames = map[string]string{
	localdb.OutboxCorrectiveTask:   "corrective task",
	localdb.OutboxTaskStatus:       "task status change",
	localdb.OutboxInspectionResult: "inspection verdict",
	localdb.OutboxSchedule:         "inspection schedule",
}

// refusedRetry is how long a push HQ refused waits before it is offered
// again (the manager may have corrected what HQ objected to).
const refusedRetry = time.Hour

// pushOutbox delivers the pending pushes, oldest first. Each POST carries
// the push's UUID as Idempotency-Key and its stored body, unchanged, on
// every attempt, so a reply lost on the way back costs a repeat that HQ
// answers from memory, never a second task. A push HQ refuses is kept with
// HQ's reason and a warning; an unreachable HQ stops the run.
func (e *Engine) pushOutbox(ctx context.Context) (delivered int, warnings []string, err error) {
	items, err := e.cfg.DB.PendingPushes(ctx, e.cfg.Now(), 0)
	if err != nil {
		return 0, nil, storageError("outbox", err)
	}
	for i, it := range items {
		what := pushNames[it.Kind]
		ans, refusal, err := e.deliver(ctx, it)
		if err != nil {
			// Not delivered: the attempt is recorded, the push stays queued.
			wctx := context.WithoutCancel(ctx)
			// Not again in this run: the pull runs first.
			e.cfg.DB.MarkPushFailed(wctx, it.Key, err.Error(), e.cfg.Now().Add(time.Minute))
			return delivered, warnings, err
		}
		if refusal != "" {
			w := fmt.Sprintf("HQ refused the %s %s: %s", what, it.Key, refusal)
			warnings = append(warnings, w)
			e.log.Warn("push refused", "kind", it.Kind, "key", it.Key, "reason", refusal)
			if err := e.cfg.DB.MarkPushFailed(ctx, it.Key, refusal, e.cfg.Now().Add(refusedRetry)); err != nil {
				return delivered, warnings, storageError("outbox", err)
			}
			continue
		}
		if err := e.cfg.DB.MarkPushDelivered(ctx, it.Key, ans, e.cfg.Now()); err != nil {
			return delivered, warnings, storageError("outbox", err)
		}
		delivered++
		e.emit(Progress{Phase: PhasePush, Collection: "outbox", Index: i + 1, Of: len(items), Items: int64(delivered)})
	}
	return delivered, warnings, nil
}

// deliver POSTs one push. It returns HQ's answer on success, HQ's reason
// when HQ refused the push itself (400, 404, 409, 422), or an error when
// the push could not be delivered at all.
func (e *Engine) deliver(ctx context.Context, it localdb.OutboxItem) (answer []byte, refusal string, err error) {
	path, ok := pushPaths[it.Kind]
	if !ok {
		return nil, "StoreLens does not know how to send a " + it.Kind, nil
	}
	u, _, _ := e.resolve(path)
	pctx, cancel := context.WithTimeout(ctx, e.cfg.PageTimeout)
	defer cancel()
	req, err := e.newRequest(pctx, http.MethodPost, u, it.Payload, true)
	if err != nil {
		return nil, "", e.wrapTransport("outbox", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(feed.HeaderIdempotencyKey, it.Key)
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, "", e.wrapTransport("outbox", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated:
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, "", e.wrapTransport("outbox", err)
		}
		return b, "", nil
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotFound ||
		resp.StatusCode == http.StatusConflict || resp.StatusCode == http.StatusUnprocessableEntity ||
		resp.StatusCode == http.StatusRequestEntityTooLarge:
		fe := e.readErrorBody(resp)
		if fe == nil {
			return nil, fmt.Sprintf("HTTP %d", resp.StatusCode), nil
		}
		reason := fe.Message
		if fe.Action != "" {
			reason += " (" + fe.Action + ")"
		}
		return nil, reason, nil
	default:
		return nil, "", e.statusError("outbox", resp)
	}
}
