package retry

import (
	"context"
	"errors"
	"fmt"
)

// Do calls op until it returns nil or an error marked Permanent, or ctx
// ends. Between attempts it waits as b says; it reports each failure to o
// and the success that follows them (o may be nil). held is the number of
// records the operation holds, for the logs. Do returns op's permanent error
// unwrapped of its mark, or ctx's error wrapped with the last failure.
func Do(ctx context.Context, b *Backoff, o *Outage, held int64, op func(context.Context) error) error {
	if b == nil {
		b = &Backoff{}
	}
	for {
		err := op(ctx)
		if err == nil {
			if o != nil {
				o.Recover(held)
			}
			b.Reset()
			return nil
		}
		var p *permanentError
		if errors.As(err, &p) {
			return unmark(err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (last attempt: %v)", ctx.Err(), err) //nolint:errorlint // the cause is the context's end; the last attempt's error is for the reader, not for errors.Is
		}
		if o != nil {
			o.Fail(err, held)
		}
		if serr := Sleep(ctx, b.Next()); serr != nil {
			return fmt.Errorf("%w (last attempt: %v)", serr, err) //nolint:errorlint // as above
		}
	}
}

// unmark returns err without its outermost Permanent mark, so that callers
// see the error the operation returned.
func unmark(err error) error {
	if p, ok := err.(*permanentError); ok { //nolint:errorlint // only the outermost mark is Run's own
		return p.err
	}
	return err
}
