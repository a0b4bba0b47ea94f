// Package gitserver runs a git smart-HTTP server by fronting
// "git http-backend" with net/http/cgi. It serves the product's local mode
// and gives test suites a real git remote that both go-git and the git CLI
// can clone from and push to.
package gitserver

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// Root holds the bare repositories, each stored as <Root>/<name>.git.
	Root string
	// Addr is the listen address; it defaults to "127.0.0.1:0".
	Addr string
	// Username and Password, when Username is set, are required as HTTP
	// basic auth on every request.
	Username, Password string
	// BearerToken, when set, is accepted as "Authorization: Bearer <token>".
	// Setting it alone also makes authentication mandatory.
	BearerToken string
	// AutoCreate makes a request for an unknown repository create it empty.
	AutoCreate bool
	// ErrorLog receives CGI errors and git's stderr; nil means the standard
	// logger and os.Stderr. Request credentials are never written to it.
	ErrorLog *log.Logger
}

// shutdownTimeout bounds Close: long enough for an in-flight push to finish
// on a loopback connection, short enough not to stall test teardown.
const shutdownTimeout = 5 * time.Second

// Server is a git smart-HTTP server. Create it with New.
type Server struct {
	root       string
	addr       string
	gitPath    string
	autoCreate bool
	auth       *authenticator
	backend    *cgi.Handler
	handler    http.Handler
	createMu   sync.Mutex

	mu      sync.Mutex
	srv     *http.Server
	url     string
	serveCh chan error
}

// New validates opts, creates Root and locates git-http-backend.
func New(opts Options) (*Server, error) {
	if opts.Root == "" {
		return nil, errors.New("gitserver: Root is required")
	}
	if opts.Username == "" && opts.Password != "" {
		return nil, errors.New("gitserver: Password is set without Username")
	}
	if strings.ContainsAny(opts.Username, ":\r\n") {
		// Basic auth joins user and password with ':' and cannot carry a
		// user name containing one.
		return nil, errors.New("gitserver: Username must not contain ':' or newlines")
	}
	if strings.ContainsAny(opts.BearerToken, " \t\r\n") {
		return nil, errors.New("gitserver: BearerToken must not contain whitespace")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("gitserver: %w", err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("gitserver: %w", err)
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("gitserver: %w", err)
	}
	backendPath, err := findBackend(gitPath)
	if err != nil {
		return nil, fmt.Errorf("gitserver: %w", err)
	}
	s := &Server{
		root:       root,
		addr:       opts.Addr,
		gitPath:    gitPath,
		autoCreate: opts.AutoCreate,
		auth:       newAuthenticator(opts),
		backend:    newBackend(backendPath, root, opts),
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s, nil
}

// Handler returns the server's HTTP handler, for mounting in httptest or
// another server. It must be mounted at the URL root.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on Addr and serves in the background until Close. A Server
// is started at most once; create a new one to serve again after Close.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("gitserver: already started")
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("gitserver: %w", err)
	}
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + dialableAddr(ln.Addr().(*net.TCPAddr))
	s.serveCh = make(chan error, 1)
	go func(srv *http.Server, ch chan<- error) { ch <- srv.Serve(ln) }(s.srv, s.serveCh)
	return nil
}

// dialableAddr turns a wildcard listen address into loopback, since
// "http://[::]:port" is not something clients can reliably connect to.
func dialableAddr(a *net.TCPAddr) string {
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
}

// URL returns the base URL without a trailing slash, or "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// RepoURL returns the clone URL of the named repository.
func (s *Server) RepoURL(name string) string {
	return s.URL() + "/" + strings.TrimSuffix(name, gitSuffix) + gitSuffix
}

// Close stops serving, waiting up to shutdownTimeout for requests in flight
// and closing remaining connections after that. It is safe to call more than
// once and before Start.
func (s *Server) Close() error {
	s.mu.Lock()
	srv, ch := s.srv, s.serveCh
	s.serveCh = nil
	s.mu.Unlock()
	if srv == nil || ch == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if serveErr := <-ch; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}
