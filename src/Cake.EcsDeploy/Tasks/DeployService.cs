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
    public override async Task RunAsync(EcsDeployRun run)
    {
        var rendered = run.State.Rendered ?? throw new InvalidOperationException("DeployService needs RenderTaskDefinition to run first.");
        var cluster = run.Settings.RequireCluster();
        var service = run.Settings.RequireService();

        var arn = await run.Registrar.RegisterOnceAsync(rendered.Request, run.State.Backup?.TaskDefinition);
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
}
