using System.Text.Json.Nodes;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.TaskDefinitions;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// Registers the rendered task definition, points the service at it, and waits until the new deployment has
/// really finished (the only deployment, desired count running, rollout COMPLETED) or has failed.
/// A failure is recorded for Rollback, not thrown out of the run.
/// </summary>
public sealed class DeployService : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Registers the new revision, updates the service and waits for the deployment to finish or fail.";

    /// <inheritdoc />
    public override async Task RunAsync(EcsDeployRun run)
    {
        var rendered = run.State.Rendered ?? throw new InvalidOperationException("DeployService needs RenderTaskDefinition to run first.");
        var cluster = run.Settings.RequireCluster();
        var service = run.Settings.RequireService();

        var arn = await RegisterOnceAsync(run, rendered.Request);
        run.State.NewTaskDefinitionArn = arn;
        run.SaveProgress("registered");
        run.Mark(Name, "registered " + arn);
        run.Log.Information($"Registered {DeploymentWaiter.ShortName(arn)}");

        await run.Ecs.UpdateServiceAsync(cluster, service, arn);
        run.State.ServiceChanged = true;
        run.SaveProgress("service-updated");
        run.Mark(Name, $"updated service {service} to {DeploymentWaiter.ShortName(arn)}");
        run.Log.Information($"Updated service {service} to {DeploymentWaiter.ShortName(arn)}; waiting up to {run.Settings.Wait.Timeout} for the deployment:");

        var result = await run.Waiter.WaitAsync(cluster, service, arn, run.Settings.Wait);
        run.State.Deployment = result;
        run.Mark(Name, "deployment " + result.End.ToString().ToLowerInvariant() + ": " + result.Summary);
        if (!result.Succeeded)
        {
            throw new EcsDeployStepException(result.Summary);
        }

        run.SaveProgress("deployed");
        run.Log.Information($"Deployment finished in {result.Elapsed.TotalSeconds:0.0}s: {result.Summary}");
    }

    /// <summary>
    /// RegisterTaskDefinition is not idempotent, so the client retries it only when ECS certainly did not process it.
    /// When the answer was lost after ECS may have acted (5xx, timeout, dropped connection), look at the family's
    /// newest revision: if it is exactly ours, ECS did register it and we use it; otherwise register again. Either way,
    /// one revision, no duplicate and no lost step.
    /// </summary>
    public static async Task<string> RegisterOnceAsync(EcsDeployRun run, JsonObject request)
    {
        var family = (string?)request["family"] ?? throw new EcsDeployInputException("The task definition has no family. Nothing was changed in ECS.");
        var before = run.Time.GetUtcNow();
        try
        {
            return await run.Ecs.RegisterTaskDefinitionAsync(request);
        }
        catch (EcsException e) when (e.IsServerError || e.ErrorType is "RequestTimeout" or "ConnectionFailed")
        {
            run.Log.Warning($"RegisterTaskDefinition failed ({e.ErrorType}: {e.EcsMessage}); ECS may have registered the revision anyway. Checking family {family} before trying again.");
            var latest = await run.Ecs.DescribeTaskDefinitionAsync(family);
            // Newer than the backup of the same family (revision numbers, immune to clock skew); without a backup,
            // registered since we started (with a minute's slack for ECS's clock).
            var isNew = run.State.Backup?.TaskDefinition is { } backup && (string?)backup["family"] == family
                ? (int?)latest.TaskDefinition["revision"] > (int?)backup["revision"]
                : (double?)latest.TaskDefinition["registeredAt"] is not { } registeredAt
                  || DateTimeOffset.FromUnixTimeMilliseconds((long)(registeredAt * 1000)) >= before.AddMinutes(-1);
            if (latest.Arn != run.State.Backup?.TaskDefinitionArn && isNew && TaskDefinitionRenderer.Matches(latest.TaskDefinition, request))
            {
                run.Log.Warning($"ECS had registered it: using {DeploymentWaiter.ShortName(latest.Arn)} rather than registering a duplicate.");
                return latest.Arn;
            }

            run.Log.Warning($"ECS had not registered it (the newest revision is {DeploymentWaiter.ShortName(latest.Arn)}, not ours); registering again.");
            return await run.Ecs.RegisterTaskDefinitionAsync(request);
        }
    }
}
