using Cake.EcsDeploy.Deployments;

namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// The last words of a run: for each outcome, what happened to the service and what to do next. Shared by the
/// console, report.json and the GitHub job summary, so all three say the same thing.
/// </summary>
public static class OutcomeMessage
{
    /// <summary>The message for the run's outcome so far.</summary>
    public static string For(EcsDeployRun run)
    {
        var state = run.State;
        var settings = run.Settings;
        var cluster = state.Backup?.Cluster ?? settings.Cluster ?? "<cluster>";
        var service = state.Backup?.Service ?? settings.Service ?? "<service>";
        var previous = state.Backup is null ? "(unknown)" : DeploymentWaiter.ShortName(state.Backup.TaskDefinitionArn);
        var attempted = state.NewTaskDefinitionArn is null ? "(not registered)" : DeploymentWaiter.ShortName(state.NewTaskDefinitionArn);
        var restoredTo = state.RollbackTaskDefinitionArn ?? state.Backup?.TaskDefinitionArn;

        return state.Outcome switch
        {
            DeployOutcome.Deployed =>
                $"DEPLOYED: {service} runs {attempted} ({settings.Image}), verified; previous revision {previous}.",

            DeployOutcome.RolledBack when state.ManualRollback =>
                $"ROLLED BACK: {service} runs {DeploymentWaiter.ShortName(restoredTo!)} again and answers" +
                (state.BackupReregistered ? $" (the backed-up revision {previous} had been deregistered and was registered again)" : "") +
                (state.DeregisteredTaskDefinitionArn is { } gone ? $"; {DeploymentWaiter.ShortName(gone)} was deregistered." : "."),

            DeployOutcome.RolledBack =>
                $"Deploy of {settings.Image} failed and was ROLLED BACK: {state.FailedStep} failed: {state.Failure} " +
                $"Service {service} was rolled back to {restoredTo} and verified healthy" +
                (state.BackupReregistered ? $" (the backed-up revision {previous} had been deregistered meanwhile, so it was registered again)" : "") + ". " +
                (state.DeregisteredTaskDefinitionArn is not null
                    ? $"The failed revision {attempted} was deregistered (--deregister-failed=false keeps it)."
                    : $"The failed revision {attempted} is left registered for inspection."),

            DeployOutcome.InvalidInput =>
                $"Nothing was deployed: {state.Failure}" + (state.Backup is null ? "" : $" Service {service} still runs {previous}."),

            DeployOutcome.Error when state.ManualRollback =>
                $"The rollback failed before the service was changed: {state.Failure} Service {service} runs what it ran before; nothing was changed in ECS.",

            DeployOutcome.Error =>
                $"Deploy{(settings.Image is null ? "" : " of " + settings.Image)} failed before the service was changed: {state.FailedStep}: {state.Failure} " +
                (state.Backup is null ? "The service was not changed; nothing needs restoring" : $"Service {service} still runs {previous}; nothing needs restoring") +
                (state.NewTaskDefinitionArn is null ? "." : $" (revision {attempted} was registered but not used)."),

            DeployOutcome.RollbackFailed =>
                "\n!!! ROLLBACK FAILED: SERVICE " + service + " MAY BE BROKEN !!!\n" +
                (state.ManualRollback
                    ? $"The rollback failed: {state.RollbackFailure}\n"
                    : $"The deploy failed ({state.FailedStep}: {state.Failure}) and so did the rollback ({state.RollbackFailure ?? "it did not run"}).\n") +
                "Restore it by hand now:\n" +
                $"  aws ecs update-service --cluster {cluster} --service {service} --task-definition {restoredTo ?? "<the taskDefinitionArn in task-definition.json.old>"}\n" +
                $"  aws ecs wait services-stable --cluster {cluster} --services {service}\n" +
                $"The backup is in {run.Artifacts.BackupFile}; `./build.sh --target=Rollback --artifacts={run.Artifacts.Directory}` retries the rollback.",

            _ => $"The deploy of {service} did not run to the end (no verification result); check the log above.",
        };
    }
}
