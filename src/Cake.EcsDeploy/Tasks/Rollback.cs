using Cake.EcsDeploy.Deployments;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// When deploy or verify failed after the service was changed: puts the service back on the backed-up revision,
/// waits for it, verifies again. If ECS's circuit breaker already rolled back to that revision, it does not start
/// a second, conflicting deployment; it waits for ECS's and verifies.
/// </summary>
public sealed class Rollback : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Restores the backed-up task definition when deploy or verification failed, waits and verifies again.";

    /// <inheritdoc />
    public override bool ShouldRun(EcsDeployRun run) => run.State.NeedsRollback;

    /// <inheritdoc />
    public override string SkipReason => "nothing to roll back";

    /// <inheritdoc />
    public override bool RecordsErrors => true;

    /// <inheritdoc />
    public override async Task RunAsync(EcsDeployRun run)
    {
        var backup = run.State.Backup ?? throw new EcsDeployStepException("There is no backup to roll back to.");
        var target = backup.TaskDefinitionArn;
        run.Log.Warning($"Rolling back {backup.Service} to {DeploymentWaiter.ShortName(target)} because {run.State.FailedStep} failed: {run.State.Failure}");

        var current = await run.Ecs.DescribeServiceAsync(backup.Cluster, backup.Service);
        if (current.PrimaryDeployment?.TaskDefinition == target)
        {
            run.Log.Information($"ECS is already rolling back to {DeploymentWaiter.ShortName(target)}; waiting for it instead of starting another deployment.");
        }
        else
        {
            await run.Ecs.UpdateServiceAsync(backup.Cluster, backup.Service, target);
        }

        var deployment = await run.Waiter.WaitAsync(backup.Cluster, backup.Service, target, run.Settings.Wait);
        run.State.RollbackDeployment = deployment;
        if (!deployment.Succeeded)
        {
            throw new EcsDeployStepException("The rollback's deployment failed: " + deployment.Summary);
        }

        var verification = await run.Verifier.VerifyAsync(run.Settings.RequireVerification());
        run.State.RollbackVerification = verification;
        if (!verification.Passed)
        {
            throw new EcsDeployStepException("The rolled-back service fails verification: " + verification.Summary);
        }

        run.State.RolledBack = true;
        run.Log.Warning($"Rolled back: {backup.Service} runs {DeploymentWaiter.ShortName(target)} again and answers.");
    }

    /// <inheritdoc />
    public override void OnError(Exception exception, EcsDeployRun run)
    {
        run.State.RollbackFailure = exception.Message;
        run.Log.Error("ROLLBACK FAILED: " + exception.Message);
    }
}
