package git

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/porch-dev/porch/internal/backend"
)

// packSource fetches from one remote into a folder on disk, every byte
// counted against a limit as it arrives.
//
// go-git's Remote.Fetch takes its transport from a process-wide registry
// and has no byte limit, so a packSource drives go-git's upload-pack
// session itself: over HTTP(S) with its own client whose transport counts
// every response body, and for any transport with the pack written to disk
// through a counting writer. It can also ask for a commit by hash, which
// Remote.Fetch refuses unless the server advertises it may, although git
// serving smart HTTP allows any commit reachable from its refs.
type packSource struct {
	ep Endpoint
	// transport and endpoint open the sessions. A session serves one
	// fetch: git's upload-pack ends after refusing a want, over a pipe.
	transport transport.Transport
	endpoint  *transport.Endpoint
	// session is the session that listed the refs, until a fetch uses it.
	session transport.UploadPackSession
	adv     *packp.AdvRefs
	// refs are the remote's branches and tags.
	refs []*plumbing.Reference
	// dir receives the packs before they are checked and stored.
	dir string
	// limit bounds both budgets and what the packs unpack to.
	limit int64
	// wire counts what the HTTP responses carry; disk what the packs hold.
	wire, disk *byteBudget
}

// openPackSource lists the remote's refs; an empty remote has none. Errors
// are classified like listRefs'.
func openPackSource(ctx context.Context, ep Endpoint, dir string, limit int64) (*packSource, error) {
	if err := checkURL(ep.URL); err != nil {
		return nil, err
	}
	s := &packSource{ep: ep, dir: dir, limit: limit, wire: &byteBudget{limit: limit}, disk: &byteBudget{limit: limit}}
	var err error
	if s.endpoint, err = transport.NewEndpoint(ep.URL); err != nil {
		return nil, fmt.Errorf("%w: %q is not a git address: %s", backend.ErrInvalidAddress, SafeURL(ep.URL),
			ep.Credentials.Redact(stripUserinfo(err.Error(), ep.URL)))
	}
	switch s.endpoint.Protocol {
	case "http", "https":
		s.transport = githttp.NewClient(&http.Client{Transport: &budgetTransport{base: meteredHTTP, budget: s.wire}})
	default:
		// Other transports are go-git's own; what they bring is still
		// bounded on disk.
		if s.transport, err = client.NewClient(s.endpoint); err != nil {
			return nil, classify(ep, "listing the refs of", err)
		}
	}
	s.session, s.adv, err = s.open(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return s, nil
	}
	if err != nil {
		return nil, s.failure("listing the refs of", err)
	}
	all, err := s.adv.AllReferences()
	if err != nil {
		_ = s.Close()
		return nil, s.failure("listing the refs of", err)
	}
	var refs []*plumbing.Reference
	for _, r := range all {
		refs = append(refs, r)
	}
	s.refs = layoutRefs(refs)
	return s, nil
}

// open starts a session and reads the refs the remote advertises.
func (s *packSource) open(ctx context.Context) (transport.UploadPackSession, *packp.AdvRefs, error) {
	session, err := s.transport.NewUploadPackSession(s.endpoint, authMethod(s.ep.Credentials))
	if err != nil {
		return nil, nil, err
	}
	adv, err := session.AdvertisedReferencesContext(ctx)
	if err != nil {
		_ = session.Close()
		return nil, nil, err
	}
	return session, adv, nil
}

// Close ends the session that listed the refs, unless a fetch used it.
func (s *packSource) Close() error {
	if s.session == nil {
		return nil
	}
	err := s.session.Close()
	s.session = nil
	return err
}

// fetch asks the remote for wants, with only the last depth commits of
// their history when depth > 0, and stores the objects received in st.
// Nothing is stored unless the whole pack arrived within the limit.
func (s *packSource) fetch(ctx context.Context, st *filesystem.Storage, depth int, wants ...plumbing.Hash) (err error) {
	ctx, end := startOperation(ctx, "fetch-package", s.ep)
	defer func() { end(err) }()
	if s.adv == nil {
		return fmt.Errorf("%w: %s is empty", backend.ErrRefNotFound, SafeURL(s.ep.URL))
	}
	session, adv := s.session, s.adv
	s.session = nil
	if session == nil {
		var err error
		if session, adv, err = s.open(ctx); err != nil {
			return s.failure("fetching", err)
		}
	}
	defer func() { _ = session.Close() }()
	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	req.Wants = wants
	if depth > 0 {
		req.Depth = packp.DepthCommits(depth)
		if err := req.Capabilities.Set(capability.Shallow); err != nil {
			return err
		}
	}
	if adv.Capabilities.Supports(capability.NoProgress) {
		if err := req.Capabilities.Set(capability.NoProgress); err != nil {
			return err
		}
	}
	res, err := session.UploadPack(ctx, req)
	if err != nil {
		return s.failure("fetching", err)
	}
	defer func() { _ = res.Close() }()
	pack, err := s.receive(demultiplexed(req.Capabilities, res))
	if pack != "" {
		defer func() { _ = os.Remove(pack) }()
	}
	if err != nil {
		return s.failure("fetching", err)
	}
	if err := s.store(ctx, st, pack); err != nil {
		return err
	}
	if len(res.Shallows) > 0 {
		return st.SetShallow(res.Shallows)
	}
	return nil
}

// receive writes the pack to a file of its own in dir, counted against the
// disk budget, and returns the file's path.
func (s *packSource) receive(pack io.Reader) (string, error) {
	f, err := os.CreateTemp(s.dir, "fetch-*.pack")
	if err != nil {
		return "", err
	}
	n, err := io.Copy(budgetedWriter{w: f, budget: s.disk}, pack)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n == 0 {
		err = packfile.ErrEmptyPackfile
	}
	return f.Name(), err
}

// store checks the pack's objects against the limit, then has go-git index
// it into st.
func (s *packSource) store(ctx context.Context, st *filesystem.Storage, pack string) error {
	for _, step := range []func(io.Reader) error{
		func(r io.Reader) error { return checkPack(ctx, r, s.limit) },
		func(r io.Reader) error { return packfile.UpdateObjectStorage(st, r) },
	} {
		f, err := os.Open(pack)
		if err != nil {
			return err
		}
		err = step(f)
		_ = f.Close()
		if errors.Is(err, backend.ErrSourceTooLarge) {
			return fmt.Errorf("%w; fetched from %s", err, SafeURL(s.ep.URL))
		}
		if err != nil {
			return fmt.Errorf("storing what %s sent: %w", SafeURL(s.ep.URL), err)
		}
	}
	return nil
}

// failure is err of a step of the session: the fetch limit when a budget
// was spent, whatever error go-git made of it, else err classified.
func (s *packSource) failure(doing string, err error) error {
	if s.wire.spent() || s.disk.spent() {
		return fmt.Errorf("%w: %s %s was stopped on passing the limit of %d bytes",
			backend.ErrSourceTooLarge, doing, SafeURL(s.ep.URL), s.limit)
	}
	return classify(s.ep, doing, err)
}

// demultiplexed is the pack data of a response, without the progress and
// error channels when the request asked for side-band.
func demultiplexed(caps *capability.List, r io.Reader) io.Reader {
	switch {
	case caps.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, r)
	case caps.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, r)
	default:
		return r
	}
}
