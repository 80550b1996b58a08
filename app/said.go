package app

import "storelens/app/i18n"

// SaidError is an error of the app's own, as catalogue phrases, so each
// front end tells it in its language; Err, when set, is the cause.
type SaidError struct {
	Say i18n.Text
	Err error
}

func (e *SaidError) Error() string {
	s := e.Say.In(i18n.English)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Text is the error's phrases.
func (e *SaidError) Text() i18n.Text { return e.Say }

func (e *SaidError) Unwrap() error { return e.Err }

// said is the error of catalogue key with its arguments.
func said(key string, kv ...any) error { return &SaidError{Say: i18n.Say(key, kv...)} }

// saidBecause is said with the cause kept.
func saidBecause(cause error, key string, kv ...any) error {
	return &SaidError{Say: i18n.Say(key, kv...), Err: cause}
}
