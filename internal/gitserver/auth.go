package gitserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticator holds digests rather than the secrets themselves so that
// comparisons run over fixed-length inputs: subtle.ConstantTimeCompare
// returns early on a length mismatch, which would leak the secret's length.
type authenticator struct {
	basic    bool
	user     [sha256.Size]byte
	password [sha256.Size]byte
	bearer   bool
	token    [sha256.Size]byte
}

func newAuthenticator(o Options) *authenticator {
	a := &authenticator{}
	if o.Username != "" {
		a.basic = true
		a.user = sha256.Sum256([]byte(o.Username))
		a.password = sha256.Sum256([]byte(o.Password))
	}
	if o.BearerToken != "" {
		a.bearer = true
		a.token = sha256.Sum256([]byte(o.BearerToken))
	}
	return a
}

func (a *authenticator) required() bool { return a.basic || a.bearer }

// check reports whether r carries acceptable credentials and, for basic
// auth, the user name to hand to git as REMOTE_USER (used in reflogs).
func (a *authenticator) check(r *http.Request) (user string, ok bool) {
	if !a.required() {
		return "", true
	}
	if a.basic {
		if u, p, found := r.BasicAuth(); found {
			uh, ph := sha256.Sum256([]byte(u)), sha256.Sum256([]byte(p))
			// Both halves are always compared so timing does not reveal
			// whether the user name alone was right.
			match := subtle.ConstantTimeCompare(uh[:], a.user[:]) &
				subtle.ConstantTimeCompare(ph[:], a.password[:])
			if match == 1 {
				return u, true
			}
			return "", false
		}
	}
	if a.bearer {
		const prefix = "bearer "
		h := r.Header.Get("Authorization")
		if len(h) > len(prefix) && strings.EqualFold(h[:len(prefix)], prefix) {
			th := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
			if subtle.ConstantTimeCompare(th[:], a.token[:]) == 1 {
				return "", true
			}
		}
	}
	return "", false
}

// challenge answers 401 with a Basic challenge: it is what makes the git CLI
// consult its credential helpers and what go-git maps to
// transport.ErrAuthenticationRequired.
func challenge(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
	http.Error(w, "authentication required", http.StatusUnauthorized)
}
