using System.Text.Json.Nodes;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.Reporting;
using Cake.EcsDeploy.TaskDefinitions;

namespace Cake.EcsDeploy.Deployments;

/// <summary>
/// Registers a task definition exactly once. RegisterTaskDefinition is not idempotent, so the client retries it only
/// when ECS certainly did not process it. When the answer was lost after ECS may have acted (5xx, timeout, dropped
/// connection), look at the family's newest revision: if it is exactly ours, ECS did register it and we use it;
/// otherwise register again. Either way, one revision, no duplicate and no lost step.
/// </summary>
public sealed class TaskDefinitionRegistrar(IEcsClient ecs, IDeployLog log, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Registers <paramref name="request"/> and returns the revision's ARN.</summary>
    /// <param name="request">The RegisterTaskDefinition request.</param>
    /// <param name="backup">The revision the service ran before (described), if known: what "newer" is judged against.</param>
    public async Task<string> RegisterOnceAsync(JsonObject request, JsonObject? backup)
    {
        var family = (string?)request["family"] ?? throw new EcsDeployInputException("The task definition has no family. Nothing was changed in ECS.");
        var before = _time.GetUtcNow();
        try
        {
            return await ecs.RegisterTaskDefinitionAsync(request);
        }
        catch (EcsException e) when (e.IsServerError || e.ErrorType is "RequestTimeout" or "ConnectionFailed")
        {
            log.Warning($"RegisterTaskDefinition failed ({e.ErrorType}: {e.EcsMessage}); ECS may have registered the revision anyway. Checking family {family} before trying again.");
            var latest = await ecs.DescribeTaskDefinitionAsync(family);
            // Newer than the backup of the same family (revision numbers, immune to clock skew); without a backup,
            // registered since we started (with a minute's slack for ECS's clock).
            var isNew = backup is not null && (string?)backup["family"] == family
                ? (int?)latest.TaskDefinition["revision"] > (int?)backup["revision"]
                : (double?)latest.TaskDefinition["registeredAt"] is not { } registeredAt
                  || DateTimeOffset.FromUnixTimeMilliseconds((long)(registeredAt * 1000)) >= before.AddMinutes(-1);
            if (latest.Arn != (string?)backup?["taskDefinitionArn"] && isNew && TaskDefinitionRenderer.Matches(latest.TaskDefinition, request))
            {
                log.Warning($"ECS had registered it: using {DeploymentWaiter.ShortName(latest.Arn)} rather than registering a duplicate.");
                return latest.Arn;
            }

            log.Warning($"ECS had not registered it (the newest revision is {DeploymentWaiter.ShortName(latest.Arn)}, not ours); registering again.");
            return await ecs.RegisterTaskDefinitionAsync(request);
        }
    }
}
