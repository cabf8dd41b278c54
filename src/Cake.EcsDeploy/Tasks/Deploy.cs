using Cake.EcsDeploy.Deployments;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// The target: depends on the five steps and turns their outcome into the build's result. Succeeds only when the
/// new revision was deployed and verified; otherwise fails the build with a message that says what happened to
/// the service and what to do.
/// </summary>
public sealed class Deploy : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Backs up, renders, deploys, verifies and (on failure) rolls back; fails the build unless the new version was deployed and verified.";

    /// <inheritdoc />
    public override Task RunAsync(EcsDeployRun run)
    {
        var state = run.State;
        var service = run.Settings.Service;
        var previous = state.Backup is null ? "(unknown)" : DeploymentWaiter.ShortName(state.Backup.TaskDefinitionArn);
        var attempted = state.NewTaskDefinitionArn is null ? "(not registered)" : DeploymentWaiter.ShortName(state.NewTaskDefinitionArn);

        switch (state.Outcome)
        {
            case DeployOutcome.Deployed:
                run.Log.Information($"DEPLOYED: {service} runs {attempted} ({run.Settings.Image}), verified; previous revision {previous}.");
                return Task.CompletedTask;

            case DeployOutcome.RolledBack:
                throw new EcsDeployStepException(
                    $"Deploy of {run.Settings.Image} failed and was ROLLED BACK: {state.FailedStep} failed: {state.Failure} " +
                    $"Service {service} was rolled back to {state.Backup!.TaskDefinitionArn} and verified healthy. " +
                    $"The failed revision {attempted} is left registered for inspection.");

            case DeployOutcome.FailedBeforeChange:
                throw new EcsDeployStepException(
                    $"Deploy of {run.Settings.Image} failed before the service was changed: {state.Failure} " +
                    $"Service {service} still runs {previous}; nothing needs restoring" +
                    (state.NewTaskDefinitionArn is null ? "." : $" (revision {attempted} was registered but not used)."));

            case DeployOutcome.RollbackFailed:
                var backupArn = state.Backup?.TaskDefinitionArn ?? "<the revision in task-definition.json.old>";
                throw new EcsDeployStepException(
                    "\n!!! ROLLBACK FAILED: SERVICE " + service + " MAY BE BROKEN !!!\n" +
                    $"The deploy failed ({state.FailedStep}: {state.Failure}) and so did the rollback ({state.RollbackFailure ?? "it did not run"}).\n" +
                    "Restore it by hand now:\n" +
                    $"  aws ecs update-service --cluster {run.Settings.Cluster} --service {service} --task-definition {backupArn}\n" +
                    $"  aws ecs wait services-stable --cluster {run.Settings.Cluster} --services {service}\n" +
                    $"The backup is in {run.Artifacts.BackupFile}.");

            default:
                throw new EcsDeployStepException($"The deploy of {service} did not run to the end (no verification result); check the log above.");
        }
    }
}
