using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace Cake.EcsDeploy.Ecs;

/// <summary>
/// Signs ECS requests with AWSSDK.Core's own SigV4 signer. AWSSDK.ECS is not available to us, so we
/// build the request ourselves, but the signature, like credentials and region, stays the SDK's.
/// </summary>
internal sealed class SigV4RequestSigner
{
    private readonly AWSCredentials _credentials;
    private readonly SigningConfig _config;
    private readonly AWS4Signer _signer = new();

    public SigV4RequestSigner(AWSCredentials credentials, string region)
    {
        _credentials = credentials;
        _config = new SigningConfig(region);
    }

    /// <summary>Returns the headers (Authorization, X-Amz-Date, security token, content hash) to add to the request.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SignAsync(
        Uri endpoint, IReadOnlyDictionary<string, string> headers, byte[] body, CancellationToken cancellationToken)
    {
        // Resolving first surfaces a missing-credentials error as such, before the signer is involved.
        await _credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var request = new DefaultRequest(new SignedEcsRequest(), "ECS")
        {
            Endpoint = new Uri(endpoint.GetLeftPart(UriPartial.Authority)),
            ResourcePath = endpoint.AbsolutePath,
            HttpMethod = "POST",
            Content = body,
            AuthenticationRegion = _config.AuthenticationRegion,
        };
        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        _signer.Sign(request, _config, metrics: null, _credentials);

        return request.Headers
            .Where(h => !headers.ContainsKey(h.Key))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class SignedEcsRequest : AmazonWebServiceRequest;

    // The signer only needs the service name and region from its config.
    private sealed class SigningConfig : ClientConfig
    {
        public SigningConfig(string region) : base(null!)
        {
            AuthenticationRegion = region;
            AuthenticationServiceName = "ecs";
        }

        public override string ServiceVersion => "2014-11-13";
        public override string UserAgent => "Cake.EcsDeploy";
        public override string RegionEndpointServiceName => "ecs";
        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            throw new NotSupportedException("Endpoints are resolved by EcsEndpointResolver.");
    }
}
