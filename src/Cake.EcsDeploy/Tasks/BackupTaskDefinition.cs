using Cake.EcsDeploy.Artifacts;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Ecs;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// Saves the task definition the service runs now (from DescribeServices, not the family's newest revision) to
/// <c>task-definition.json.old</c>, before anything in ECS changes.
/// </summary>
public sealed class BackupTaskDefinition : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Saves the task definition the service runs now to <artifacts>/task-definition.json.old.";

    /// <inheritdoc />
    public override async Task RunAsync(EcsDeployRun run)
    {
        GuardUnfinishedDeploy(run);
        run.State.Backup = await TakeAsync(run, run.Settings.RequireCluster(), run.Settings.RequireService(), run.Settings.Force);
        run.Artifacts.WriteBackup(run.State.Backup);
        run.SaveProgress("backed-up");
        var message = $"Backed up {DeploymentWaiter.ShortName(run.State.Backup.TaskDefinitionArn)} (what {run.Settings.Service} runs now) to {run.Artifacts.BackupFile}";
        run.Mark(Name, message);
        run.Log.Information(message);
    }

    /// <summary>
    /// An earlier run that changed the service and never finished (killed CI job, Ctrl-C) left the only backup of what
    /// the service ran before it. Taking a new backup now would overwrite it with the unverified revision, so refuse,
    /// unless --force, which first moves the earlier files aside.
    /// </summary>
    private static void GuardUnfinishedDeploy(EcsDeployRun run)
    {
        // Ended well: the service runs a verified revision (the new one, or the restored one).
        if (run.Artifacts.ReadProgress() is not { } earlier || earlier.Outcome is "deployed" or "rolled-back")
        {
            return;
        }

        if (!earlier.ServiceChanged)
        {
            if (!earlier.Finished)
            {
                run.Log.Information($"An earlier run ({earlier.StartedAt:u}) stopped at '{earlier.Phase}', before it changed the service; starting over.");
            }

            return;
        }

        var what = $"An earlier {(earlier.Image is null ? "rollback" : "deploy of " + earlier.Image)} of {earlier.Service} (started {earlier.StartedAt:u}) " +
            (earlier.Finished ? $"ended {earlier.Outcome}" : $"did not finish: it stopped at '{earlier.Phase}'") +
            $" after changing the service, which may not run a verified revision (see {run.Artifacts.StateFile}).";
        if (!run.Settings.Force)
        {
            throw new EcsDeployInputException(what +
                $" To put the service back on {DeploymentWaiter.ShortName(earlier.BackupTaskDefinitionArn)}, run: ./build.sh --target=Rollback --artifacts={run.Artifacts.Directory} --verify-url=<url>. " +
                "To deploy anyway, pass --force (the earlier run's files are kept in a sub-folder). Nothing was changed in ECS.");
        }

        var archive = run.Artifacts.ArchiveUnfinished(run.Time.GetUtcNow());
        run.Log.Warning(what + $" --force: deploying anyway; the earlier run's backup and state were moved to {archive}.");
        run.Mark(nameof(BackupTaskDefinition), "an unfinished earlier deploy was found; --force moved its files to " + archive);
    }

    /// <summary>Another deployment is under way: more than one deployment, or the primary one still rolling out.</summary>
    public static bool IsDeploymentInProgress(EcsService service) =>
        (service.Deployments ?? []).Count > 1 || service.PrimaryDeployment?.RolloutState == "IN_PROGRESS";

    /// <summary>Reads the service and the revision it runs; refuses when the service is not ACTIVE or mid-deployment.</summary>
    public static async Task<TaskDefinitionBackup> TakeAsync(EcsDeployRun run, string cluster, string service, bool force)
    {
        EcsService current;
        try
        {
            current = await run.Ecs.DescribeServiceAsync(cluster, service);
        }
        catch (EcsException e) when (e.ErrorType is "ServiceNotFoundException" or "ClusterNotFoundException")
        {
            throw new EcsDeployInputException(
                $"{e.EcsMessage} Check --cluster and --service, and --region or --ecs-endpoint. Nothing was changed in ECS.", e);
        }

        if (current.Status != "ACTIVE")
        {
            throw new EcsDeployInputException($"Service '{service}' in cluster '{cluster}' is {current.Status}, not ACTIVE; it cannot be deployed to. Nothing was changed in ECS.");
        }

        if (IsDeploymentInProgress(current) && !force)
        {
            throw new EcsDeployInputException(
                $"Another deployment of service '{service}' is in progress ({(current.Deployments ?? []).Count} deployments, primary rollout {current.PrimaryDeployment?.RolloutState ?? "n/a"}). " +
                "Wait for it to finish, or pass --force to deploy anyway (the backup is then what the service's primary deployment runs). Nothing was changed in ECS.");
        }

        var described = await run.Ecs.DescribeTaskDefinitionAsync(current.TaskDefinition);
        return new TaskDefinitionBackup(described.Arn, described.TaskDefinition, described.TagsJson(), cluster, service, run.Time.GetUtcNow());
    }
}
