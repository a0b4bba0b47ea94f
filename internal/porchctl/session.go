package porchctl

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Options are what the commands of a group share: the factory, and how
// long a change is waited for (--timeout).
type Options struct {
	Factory *Factory
	Timeout time.Duration
}

// NewOptions binds --timeout to the persistent flags of group.
func NewOptions(f *Factory, group *cobra.Command) *Options {
	o := &Options{Factory: f}
	group.PersistentFlags().DurationVar(&o.Timeout, "timeout", DefaultTimeout, "How long a command waits for its change to be carried out.")
	return o
}

// Session is one command's connection: a client and the namespace it works in.
type Session struct {
	*Options
	Ctx       context.Context
	Client    client.Client
	Namespace string
}

// Connect opens the session of cmd.
func (o *Options) Connect(cmd *cobra.Command) (*Session, error) {
	c, err := o.Factory.Client()
	if err != nil {
		return nil, err
	}
	ns, err := o.Factory.Namespace()
	if err != nil {
		return nil, err
	}
	return &Session{Options: o, Ctx: cmd.Context(), Client: c, Namespace: ns}, nil
}

// Key names an object of the session's namespace.
func (s *Session) Key(name string) client.ObjectKey {
	return client.ObjectKey{Namespace: s.Namespace, Name: name}
}
