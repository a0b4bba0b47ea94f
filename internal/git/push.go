package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"

	"github.com/porch-dev/porch/internal/backend"
)

// packWindow is how many objects the pack encoder compares for deltas.
const packWindow = 10

// refUpdate moves a ref from old to new; a zero old means the ref must not
// exist, a zero new deletes it.
type refUpdate struct {
	name     plumbing.ReferenceName
	old, new plumbing.Hash
}

// push sends objs and applies updates on the remote as one atomic
// compare-and-swap: the server moves every ref from its old value or none.
//
// The expected old value is what each command of the push carries, so the
// server's receive-pack checks it under its ref lock: a ref moved by
// another writer, even between the ref advertisement and the push, fails
// the push. The expectations are also checked against the advertisement
// first, which spares sending objects for a push bound to fail.
// A lost compare-and-swap returns an error matching backend.ErrConflict
// that names the refs that differ.
func push(ctx context.Context, ep Endpoint, objs *overlay, updates []refUpdate) (err error) {
	ctx, end := startOperation(ctx, "push", ep)
	defer func() { end(err) }()
	if err := checkURL(ep.URL); err != nil {
		return err
	}
	tep, err := transport.NewEndpoint(ep.URL)
	if err != nil {
		return fmt.Errorf("%w: %q is not a git address", backend.ErrInvalidAddress, SafeURL(ep.URL))
	}
	cl, err := client.NewClient(tep)
	if err != nil {
		return fmt.Errorf("%w: %v", backend.ErrInvalidAddress, err)
	}
	sess, err := cl.NewReceivePackSession(tep, authMethod(ep.Credentials))
	if err != nil {
		return classify(ep, "pushing to", err)
	}
	defer func() {
		if cerr := sess.Close(); err == nil && cerr != nil {
			err = classify(ep, "pushing to", cerr)
		}
	}()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return classify(ep, "pushing to", err)
	}
	current, err := advertised(adv)
	if err != nil {
		return classify(ep, "pushing to", err)
	}
	if err := checkExpected(current, updates); err != nil {
		return err
	}
	req, err := updateRequest(adv.Capabilities, updates)
	if err != nil {
		return fmt.Errorf("pushing to %s: %w", SafeURL(ep.URL), err)
	}
	if anyCreateOrUpdate(updates) {
		// receive-pack wants a pack, even an empty one, unless every
		// command deletes a ref.
		var pack bytes.Buffer
		refDeltas := !adv.Capabilities.Supports(capability.OFSDelta)
		if _, err := packfile.NewEncoder(&pack, objs, refDeltas).Encode(objs.order, packWindow); err != nil {
			return fmt.Errorf("packing the objects to push: %w", err)
		}
		req.Packfile = io.NopCloser(&pack)
	}
	report, err := sess.ReceivePack(ctx, req)
	switch {
	case err == nil && report != nil:
		return nil
	case report != nil:
		return refused(ctx, ep, updates, report)
	case err == nil:
		return fmt.Errorf("pushing to %s: the server sent no report of the ref updates", SafeURL(ep.URL))
	default:
		return classify(ep, "pushing to", err)
	}
}

// updateRequest builds the commands, asking for an atomic update when
// there are several and refusing to push when the server cannot honour
// what the write needs.
func updateRequest(caps *capability.List, updates []refUpdate) (*packp.ReferenceUpdateRequest, error) {
	req := packp.NewReferenceUpdateRequestFromCapabilities(caps)
	if !caps.Supports(capability.ReportStatus) {
		return nil, errors.New("the server does not report the outcome of ref updates (report-status), so a write could not be confirmed")
	}
	if len(updates) > 1 {
		if !caps.Supports(capability.Atomic) {
			return nil, errors.New("the server does not support atomic pushes, which writes of several refs need")
		}
		if err := req.Capabilities.Set(capability.Atomic); err != nil {
			return nil, err
		}
	}
	for _, u := range updates {
		if u.new.IsZero() {
			if !caps.Supports(capability.DeleteRefs) {
				return nil, errors.New("the server does not allow deleting refs (delete-refs)")
			}
		}
		req.Commands = append(req.Commands, &packp.Command{Name: u.name, Old: u.old, New: u.new})
	}
	return req, nil
}

func anyCreateOrUpdate(updates []refUpdate) bool {
	for _, u := range updates {
		if !u.new.IsZero() {
			return true
		}
	}
	return false
}

// advertised maps the advertised branches and tags to their hashes.
func advertised(adv *packp.AdvRefs) (map[plumbing.ReferenceName]plumbing.Hash, error) {
	refs, err := adv.AllReferences()
	if err != nil {
		return nil, err
	}
	iter, err := refs.IterReferences()
	if err != nil {
		return nil, err
	}
	var list []*plumbing.Reference
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		list = append(list, ref)
		return nil
	})
	return refMap(list), err
}

func refMap(refs []*plumbing.Reference) map[plumbing.ReferenceName]plumbing.Hash {
	out := map[plumbing.ReferenceName]plumbing.Hash{}
	for _, ref := range layoutRefs(refs) {
		out[ref.Name()] = ref.Hash()
	}
	return out
}

// checkExpected returns an ErrConflict naming every ref whose current value
// is not the one an update expects.
func checkExpected(current map[plumbing.ReferenceName]plumbing.Hash, updates []refUpdate) error {
	var moved []string
	for _, u := range updates {
		if cur := current[u.name]; cur != u.old {
			moved = append(moved, fmt.Sprintf("%s is %s, expected %s", u.name.Short(), describeHash(cur), describeHash(u.old)))
		}
	}
	if len(moved) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s; nothing was written", backend.ErrConflict, strings.Join(moved, "; "))
}

func describeHash(h plumbing.Hash) string {
	if h.IsZero() {
		return "absent"
	}
	return "at " + h.String()
}

// refused explains a push the server turned down. When a ref no longer
// has its expected value, another writer won the race: ErrConflict.
// Anything else (a hook, a missing object) is reported as the server put it.
func refused(ctx context.Context, ep Endpoint, updates []refUpdate, report *packp.ReportStatus) error {
	refs, err := ListRemoteRefs(ctx, ep)
	if err == nil {
		if err := checkExpected(refMap(refs), updates); err != nil {
			return err
		}
	}
	var reasons []string
	if report.UnpackStatus != "ok" {
		reasons = append(reasons, "unpack: "+report.UnpackStatus)
	}
	for _, s := range report.CommandStatuses {
		if s.Status != "ok" {
			reasons = append(reasons, s.ReferenceName.Short()+": "+s.Status)
		}
	}
	return fmt.Errorf("the server %s refused the push: %s", SafeURL(ep.URL), strings.Join(reasons, "; "))
}

// applyLocally makes a mirror's store what a successful push made the
// remote: the new objects, then the refs.
func applyLocally(st interface {
	storer.EncodedObjectStorer
	storer.ReferenceStorer
}, objs *overlay, updates []refUpdate) error {
	if err := objs.copyTo(st); err != nil {
		return err
	}
	for _, u := range updates {
		var err error
		if u.new.IsZero() {
			err = st.RemoveReference(u.name)
		} else {
			err = st.SetReference(plumbing.NewHashReference(u.name, u.new))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
