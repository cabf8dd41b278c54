using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Cake.EcsDeploy.Ecs;

/// <summary>Where ECS is, which region to sign for, and with which credentials.</summary>
public sealed record EcsConnection(Uri Endpoint, string Region, AWSCredentials Credentials)
{
    /// <summary>
    /// Resolves the connection the way the AWS CLI does: explicit values first, then <c>AWS_ENDPOINT_URL_ECS</c>,
    /// <c>AWS_ENDPOINT_URL</c>, <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>, then AWSSDK.Core's region and
    /// credential chains (profiles, web identity for GitHub OIDC, container and instance roles).
    /// A loopback endpoint (LocalEcs) needs no real credentials or region.
    /// </summary>
    /// <exception cref="EcsDeployInputException">The region or credentials cannot be found.</exception>
    public static EcsConnection Resolve(Uri? endpoint, string? region, Func<string, string?> environment)
    {
        endpoint ??= ParseEndpoint(environment("AWS_ENDPOINT_URL_ECS"), "AWS_ENDPOINT_URL_ECS")
                  ?? ParseEndpoint(environment("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL");
        var local = endpoint is not null && IsLoopback(endpoint);

        region ??= NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION"));
        region ??= local ? "us-east-1" : RegionFromSdkChain();
        if (region is null)
        {
            throw new EcsDeployInputException(
                "No AWS region found. Pass --region=<region> (for example --region=eu-west-1) or set AWS_REGION. Nothing was changed in ECS.");
        }

        endpoint ??= new Uri($"https://ecs.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");

        return new EcsConnection(endpoint, region, ResolveCredentials(local, environment));
    }

    private static AWSCredentials ResolveCredentials(bool local, Func<string, string?> environment)
    {
        if (local)
        {
            // LocalEcs does not check signatures; use the caller's keys if set, placeholders otherwise,
            // and never walk the chain (which would ask the EC2 metadata service).
            var key = NonEmpty(environment("AWS_ACCESS_KEY_ID"));
            var secret = NonEmpty(environment("AWS_SECRET_ACCESS_KEY"));
            return key is not null && secret is not null ? new BasicAWSCredentials(key, secret) : new BasicAWSCredentials("localecs", "localecs");
        }

        try
        {
            return new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(clientConfig: null);
        }
        catch (Exception e) when (e is AmazonClientException or InvalidOperationException)
        {
            throw new EcsDeployInputException(
                "No AWS credentials found. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or in GitHub Actions " +
                "use aws-actions/configure-aws-credentials with a role (OIDC). Nothing was changed in ECS. (" + e.Message + ")", e);
        }
    }

    private static string? RegionFromSdkChain()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    private static Uri? ParseEndpoint(string? value, string name)
    {
        if (NonEmpty(value) is not { } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new EcsDeployInputException($"{name} is '{text}', which is not an http(s) URL. Fix or unset it. Nothing was changed in ECS.");
    }

    /// <summary>True for 127.0.0.0/8, ::1 and localhost: a LocalEcs on this machine.</summary>
    public static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
