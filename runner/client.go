package runner

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner/evaluatorpb"
)

// Client is a cad.FunctionRunner that calls the runner's gRPC service.
type Client struct {
	conn   *grpc.ClientConn
	client evaluatorpb.FunctionEvaluatorClient
}

var _ cad.FunctionRunner = (*Client)(nil)

// NewClient returns a client of the runner at target (host:port). The
// connection is made lazily, on the first Run; Close releases it.
// The connection is plaintext unless WithTLS is given.
func NewClient(target string, opts ...Option) (*Client, error) {
	o := buildOptions(opts)
	creds := insecure.NewCredentials()
	if o.tls != nil {
		creds = credentials.NewTLS(o.tls)
	}
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(o.maxMessageBytes),
			grpc.MaxCallSendMsgSize(o.maxMessageBytes),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("function runner %s: %w", target, err)
	}
	return &Client{conn: conn, client: evaluatorpb.NewFunctionEvaluatorClient(conn)}, nil
}

// Run implements cad.FunctionRunner. The service names functions by image
// only, so a function given by executable is refused.
func (c *Client) Run(ctx context.Context, fn cad.Function, resourceList []byte) ([]byte, []byte, error) {
	if fn.Image == "" {
		return nil, nil, errNoImage(fn)
	}
	resp, err := c.client.EvaluateFunction(ctx, &evaluatorpb.EvaluateFunctionRequest{
		ResourceList: resourceList,
		Image:        fn.Image,
	})
	if err != nil {
		out, log, err := errorFromStatus(fn.Image, err)
		if ctx.Err() != nil {
			// The caller's context ended the call, whatever the transport
			// says: when the server's copy of the deadline fires first,
			// its reset of the stream reads as the deadline with the
			// reset's message.
			err = fmt.Errorf("function %q: %w", fn.Image, ctx.Err())
		}
		return out, log, err
	}
	return resp.GetResourceList(), resp.GetLog(), nil
}

// WaitServing waits until the runner answers its health check with
// SERVING, connecting as often as it takes, or until ctx ends: a runner
// just started may not accept connections yet.
func (c *Client) WaitServing(ctx context.Context) error {
	resp, err := healthpb.NewHealthClient(c.conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
	if err != nil {
		return fmt.Errorf("function runner %s: health check: %w", c.conn.Target(), err)
	}
	if s := resp.GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("function runner %s: health check: %s", c.conn.Target(), s)
	}
	return nil
}

// Close closes the connection to the runner.
func (c *Client) Close() error { return c.conn.Close() }

func errNoImage(fn cad.Function) error {
	return fmt.Errorf("function runner: function %q has no image; the runner runs functions by image only (map the image to an executable in the exec config)", fn.Exec)
}
