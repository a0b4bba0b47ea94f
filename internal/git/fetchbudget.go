package git

import (
	"errors"
	"io"
	"net/http"
	"sync/atomic"
)

// errOverBudget is what a read or write fails with once its byte budget is
// spent. go-git may wrap it as text, so callers ask the budget whether it
// was spent rather than match the error.
var errOverBudget = errors.New("over the fetch byte limit")

// byteBudget counts the bytes one fetch moves and says when they pass the
// limit; a limit of 0 or less counts without limiting. It is safe for
// concurrent use.
type byteBudget struct {
	limit int64
	used  atomic.Int64
}

// spend counts n bytes and fails once the total passes the limit.
func (b *byteBudget) spend(n int) error {
	if used := b.used.Add(int64(n)); b.limit > 0 && used > b.limit {
		return errOverBudget
	}
	return nil
}

// spent says whether the bytes counted passed the limit.
func (b *byteBudget) spent() bool { return b.limit > 0 && b.used.Load() > b.limit }

// budgetTransport counts the body of every response against a budget as it
// is read, so that a fetch stops while the bytes arrive, however large the
// remote says the content is. Compressed bodies are counted decompressed,
// as http.Transport hands them over.
type budgetTransport struct {
	base   http.RoundTripper
	budget *byteBudget
}

func (t *budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.budget.spent() {
		return nil, errOverBudget
	}
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	res.Body = &budgetedBody{ReadCloser: res.Body, budget: t.budget}
	return res, nil
}

// budgetedBody is a response body counted against a budget.
type budgetedBody struct {
	io.ReadCloser
	budget *byteBudget
}

func (b *budgetedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if berr := b.budget.spend(n); berr != nil {
		return n, berr
	}
	return n, err
}

// budgetedWriter counts what is written to w against a budget and writes
// nothing once it is spent: it bounds what a fetch puts on disk whatever
// the transport.
type budgetedWriter struct {
	w      io.Writer
	budget *byteBudget
}

func (b budgetedWriter) Write(p []byte) (int, error) {
	if err := b.budget.spend(len(p)); err != nil {
		return 0, err
	}
	return b.w.Write(p)
}
