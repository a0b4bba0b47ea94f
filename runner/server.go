package runner

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner/evaluatorpb"
)

// service serves evaluator.FunctionEvaluator over its evaluators.
type service struct {
	evaluatorpb.UnimplementedFunctionEvaluatorServer
	chain   Chain
	timeout time.Duration
	prefix  string // see WithDefaultImagePrefix
}

// EvaluateFunction runs the request's function, within the server's call
// timeout, and maps a failure to a gRPC status that carries the function's
// output (see statusFromError).
func (s *service) EvaluateFunction(ctx context.Context, req *evaluatorpb.EvaluateFunctionRequest) (*evaluatorpb.EvaluateFunctionResponse, error) {
	started := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	out, log, err := s.chain.Evaluate(ctx, cad.ResolveImage(req.GetImage(), s.prefix), req.GetResourceList())
	observeEvaluation(ctx, req.GetImage(), started, err)
	if err != nil {
		return nil, statusFromError(req.GetImage(), out, log, err)
	}
	return &evaluatorpb.EvaluateFunctionResponse{ResourceList: out, Log: log}, nil
}

// NewServer returns a gRPC server with the FunctionEvaluator service, backed
// by evaluators tried in order, and the standard health service reporting
// SERVING. The caller runs it with Serve and stops it with GracefulStop.
func NewServer(evaluators []Evaluator, opts ...Option) *grpc.Server {
	o := buildOptions(opts)
	serverOpts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(o.maxMessageBytes),
		grpc.MaxSendMsgSize(o.maxMessageBytes),
	}
	if o.tls != nil {
		serverOpts = append(serverOpts, grpc.Creds(credentials.NewTLS(o.tls)))
	}
	srv := grpc.NewServer(serverOpts...)
	evaluatorpb.RegisterFunctionEvaluatorServer(srv, &service{chain: Chain(evaluators), timeout: o.callTimeout, prefix: o.defaultImagePrefix})
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(evaluatorpb.FunctionEvaluator_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	return srv
}
