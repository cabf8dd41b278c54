using Cake.EcsDeploy.Deployments;

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
    public override bool RecordsErrors => true;

    /// <inheritdoc />
    public override async Task RunAsync(EcsDeployRun run)
    {
        var rendered = run.State.Rendered ?? throw new InvalidOperationException("DeployService needs RenderTaskDefinition to run first.");
        var cluster = run.Settings.RequireCluster();
        var service = run.Settings.RequireService();

        var arn = await run.Ecs.RegisterTaskDefinitionAsync(rendered.Request);
        run.State.NewTaskDefinitionArn = arn;
        run.Log.Information($"Registered {DeploymentWaiter.ShortName(arn)}");

        await run.Ecs.UpdateServiceAsync(cluster, service, arn);
        run.State.ServiceChanged = true;
        run.Log.Information($"Updated service {service} to {DeploymentWaiter.ShortName(arn)}; waiting up to {run.Settings.Wait.Timeout} for the deployment:");

        var result = await run.Waiter.WaitAsync(cluster, service, arn, run.Settings.Wait);
        run.State.Deployment = result;
        if (!result.Succeeded)
        {
            throw new EcsDeployStepException(result.Summary);
        }

        run.Log.Information($"Deployment finished in {result.Elapsed.TotalSeconds:0.0}s: {result.Summary}");
    }

    /// <inheritdoc />
    public override void OnError(Exception exception, EcsDeployRun run)
    {
        run.State.RecordFailure(Name, exception.Message);
        run.Log.Error($"DeployService failed: {exception.Message}");
    }
}
