using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy;

/// <summary>
/// The inputs of a deploy (parameters), kept apart from what the run learns (<see cref="EcsDeployState"/>).
/// Built from Cake arguments by <see cref="EcsDeploySettingsReader"/>, or by hand when using the aliases.
/// </summary>
public sealed record EcsDeploySettings
{
    /// <summary>The ECS cluster (<c>--cluster</c>).</summary>
    public string? Cluster { get; init; }

    /// <summary>The ECS service (<c>--service</c>).</summary>
    public string? Service { get; init; }

    /// <summary>The image to deploy (<c>--image</c>).</summary>
    public string? Image { get; init; }

    /// <summary>The container that gets the image (<c>--container</c>); needed only when the task definition has several.</summary>
    public string? Container { get; init; }

    /// <summary>How the new version is verified through the load balancer (<c>--verify-url</c> and the <c>--verify-*</c> knobs).</summary>
    public VerificationOptions? Verification { get; init; }

    /// <summary>The AWS region (<c>--region</c>); else AWS_REGION, AWS_DEFAULT_REGION, the profile.</summary>
    public string? Region { get; init; }

    /// <summary>The ECS endpoint (<c>--ecs-endpoint</c>); else AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL, else AWS.</summary>
    public Uri? EcsEndpoint { get; init; }

    /// <summary>Where the backup, the rendered task definition and reports go (<c>--artifacts</c>, default artifacts/ecs-deploy).</summary>
    public string ArtifactsDirectory { get; init; } = Path.Combine("artifacts", "ecs-deploy");

    /// <summary>How long to wait for a deployment (<c>--stability-timeout</c>) and how often to look (<c>--poll-interval</c>).</summary>
    public DeploymentWaitOptions Wait { get; init; } = new();

    /// <summary>Deploy even though another deployment of the service is in progress (<c>--force</c>).</summary>
    public bool Force { get; init; }

    /// <summary>For a manual rollback (<c>--rollback-to</c>): the revision to put the service on, instead of the backup in the artifacts folder.</summary>
    public string? RollbackTo { get; init; }

    /// <summary>Deregister the failed revision after a successful rollback (<c>--deregister-failed</c>, default true).</summary>
    public bool DeregisterFailed { get; init; } = true;

    /// <summary>The cluster, or a clear error naming the argument.</summary>
    public string RequireCluster() => Cluster ?? throw Missing("--cluster=<name>", "the ECS cluster of the service");

    /// <summary>The service, or a clear error naming the argument.</summary>
    public string RequireService() => Service ?? throw Missing("--service=<name>", "the ECS service to deploy");

    /// <summary>The image, or a clear error naming the argument.</summary>
    public string RequireImage() => Image ?? throw Missing("--image=<reference>", "the image to deploy, e.g. ghcr.io/acme/api:1.4.2");

    /// <summary>The verification options, or a clear error naming the argument.</summary>
    public VerificationOptions RequireVerification() => Verification ?? throw Missing("--verify-url=<url>", "the URL that proves the new version answers through the load balancer");

    private static EcsDeployInputException Missing(string argument, string what) =>
        new($"Missing argument {argument}: {what}. Nothing was changed in ECS.");
}
