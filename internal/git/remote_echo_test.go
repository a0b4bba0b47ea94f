package git

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
)

// echoingRemote refuses every request with status, answering with a body
// that echoes the credentials it was sent and a sentinel, as a hostile or
// careless server may.
func echoingRemote(t *testing.T, status int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte("SENTINEL-BODY user=" + user + " pass=" + pass + " header=" + r.Header.Get("Authorization")))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The attack: a remote that answers with what it was sent. Neither its
// answer nor a password of any length reaches the message.
func TestFailureMessagesHoldNoRemoteAnswer(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusInternalServerError} {
		for _, pass := range []string{"§", "§¶÷", "long-password-echoed"} {
			srv := echoingRemote(t, status)
			ep := Endpoint{URL: srv.URL + "/x.git", Credentials: backend.Credentials{Username: "u", Password: pass}}
			_, err := ListRemoteRefs(testContext(t), ep)
			if err == nil {
				t.Fatalf("HTTP %d: listing succeeded", status)
			}
			for _, leak := range []string{"SENTINEL-BODY", pass, "Basic "} {
				if strings.Contains(err.Error(), leak) {
					t.Fatalf("HTTP %d, password %q: the message holds %q: %v", status, pass, leak, err)
				}
			}
			if status == http.StatusUnauthorized && !errors.Is(err, backend.ErrAuthentication) {
				t.Fatalf("HTTP 401: got %v, want ErrAuthentication", err)
			}
		}
	}
}
