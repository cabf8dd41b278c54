using Cake.EcsDeploy.Artifacts;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// Puts the service back on the backed-up revision, waits for it and verifies again. Inside Deploy it runs when
/// deploy or verify failed after the service was changed; as the target (<c>--target=Rollback</c>) it restores the
/// backup of an earlier run (<c>--artifacts</c>) or a named revision (<c>--rollback-to</c>). If ECS's circuit breaker
/// already rolled back, it does not start a second, conflicting deployment; if the backed-up revision was
/// deregistered meanwhile, it registers it again from the backup file. Afterwards the failed revision is deregistered.
/// </summary>
public sealed class Rollback : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Restores the backed-up task definition (after a failed deploy, or from --artifacts / --rollback-to), waits and verifies again.";

    /// <inheritdoc />
    public override bool ShouldRun(EcsDeployRun run) => run.State.NeedsRollback;

    /// <inheritdoc />
    public override string SkipReason => "nothing to roll back";

    /// <inheritdoc />
    public override bool ReportsOutcome => true;

    /// <inheritdoc />
    public override Task RunAsync(EcsDeployRun run) =>
        run.IsTarget(Name) && !run.State.NeedsRollback ? RunManualAsync(run) : RunAfterFailureAsync(run);

    /// <inheritdoc />
    public override void OnError(Exception exception, EcsDeployRun run)
    {
        run.State.RollbackFailure = exception.Message;
        run.Mark(Name, "rollback failed: " + exception.Message);
        run.Log.Error("ROLLBACK FAILED: " + exception.Message);
        run.SaveProgress("rollback-failed");
    }

    private async Task RunAfterFailureAsync(EcsDeployRun run)
    {
        var backup = run.State.Backup ?? throw new EcsDeployStepException("There is no backup to roll back to.");
        run.Log.Warning($"Rolling back {backup.Service} to {DeploymentWaiter.ShortName(backup.TaskDefinitionArn)} because {run.State.FailedStep} failed: {run.State.Failure}");
        await RestoreAsync(run, backup);
    }

    private async Task RunManualAsync(EcsDeployRun run)
    {
        run.State.ManualRollback = true;
        if (run.State.Failure is not null)
        {
            // Bad arguments: report them, touch nothing.
            EndRun(run);
            return;
        }

        try
        {
            var (backup, undone) = await LoadTargetAsync(run);
            run.State.Backup = backup;
            run.State.NewTaskDefinitionArn = undone;
            run.Log.Warning($"Rolling back {backup.Service} in {backup.Cluster} to {DeploymentWaiter.ShortName(backup.TaskDefinitionArn)} (asked for by --target=Rollback).");
            await RestoreAsync(run, backup);
        }
        catch (EcsDeployInputException e)
        {
            run.State.RecordFailure(Name, e.Message, isInput: true);
            run.Mark(Name, "invalid input: " + e.Message);
            run.Log.Error(e.Message);
        }
        catch (Exception e) when (e is not EcsDeployOutcomeException)
        {
            if (run.State.ServiceChanged)
            {
                OnError(e, run);
            }
            else
            {
                // Nothing was changed: an error, not a failed rollback (the service is as it was).
                run.State.RecordFailure(Name, e.Message);
                run.Mark(Name, "failed before changing the service: " + e.Message);
                run.Log.Error($"Rollback failed before changing the service: {e.Message}");
            }
        }

        EndRun(run);
    }

    // What a manual rollback restores: a named revision, or the backup of an earlier run (whose new revision it undoes).
    private static async Task<(TaskDefinitionBackup Backup, string? Undone)> LoadTargetAsync(EcsDeployRun run)
    {
        var settings = run.Settings;
        if (settings.RollbackTo is { } revision)
        {
            DescribedTaskDefinition described;
            try
            {
                described = await run.Ecs.DescribeTaskDefinitionAsync(revision);
            }
            catch (EcsException e) when (e.ErrorType is "ClientException" or "InvalidParameterException")
            {
                throw new EcsDeployInputException($"--rollback-to={revision}: {e.EcsMessage} Nothing was changed in ECS.", e);
            }

            await RequireServiceAsync(run, settings.RequireCluster(), settings.RequireService());
            return (new TaskDefinitionBackup(described.Arn, described.TaskDefinition, described.TagsJson(), settings.RequireCluster(), settings.RequireService(), run.Time.GetUtcNow()), null);
        }

        var backup = run.Artifacts.ReadBackup();
        if ((settings.Cluster is { } cluster && cluster != backup.Cluster) || (settings.Service is { } service && service != backup.Service))
        {
            throw new EcsDeployInputException(
                $"The backup in {run.Artifacts.Directory} is of {backup.Service} in {backup.Cluster}, not of {settings.Service ?? backup.Service} in {settings.Cluster ?? backup.Cluster}. " +
                "Pass the --artifacts folder of that service's deploy, or leave --cluster/--service out. Nothing was changed in ECS.");
        }

        var progress = run.Artifacts.ReadProgress();
        await RequireServiceAsync(run, backup.Cluster, backup.Service);
        var undone = progress is not null && progress.BackupTaskDefinitionArn == backup.TaskDefinitionArn ? progress.NewTaskDefinitionArn : null;
        return (backup, undone);
    }

    private static async Task RequireServiceAsync(EcsDeployRun run, string cluster, string service)
    {
        try
        {
            var current = await run.Ecs.DescribeServiceAsync(cluster, service);
            if (current.Status != "ACTIVE")
            {
                throw new EcsDeployInputException($"Service '{service}' in cluster '{cluster}' is {current.Status}, not ACTIVE; there is nothing to roll back. Nothing was changed in ECS.");
            }
        }
        catch (EcsException e) when (e.ErrorType is "ServiceNotFoundException" or "ClusterNotFoundException")
        {
            throw new EcsDeployInputException($"{e.EcsMessage} Check --cluster and --service, and --region or --ecs-endpoint. Nothing was changed in ECS.", e);
        }
    }

    /// <summary>Restores <paramref name="backup"/>: re-registers it if it was deregistered, updates, waits, verifies, deregisters the failed revision.</summary>
    private static async Task RestoreAsync(EcsDeployRun run, TaskDefinitionBackup backup)
    {
        var state = run.State;
        run.SaveProgress("rolling-back");
        var target = backup.TaskDefinitionArn;
        var described = await run.Ecs.DescribeTaskDefinitionAsync(target);
        if ((string?)described.TaskDefinition["status"] == "INACTIVE")
        {
            run.Log.Warning($"{DeploymentWaiter.ShortName(target)} was deregistered since the backup; registering it again from {run.Artifacts.BackupFile}.");
            target = await run.Registrar.RegisterOnceAsync(TaskDefinitionRenderer.ToRegisterRequest(backup.TaskDefinition, backup.Tags), backup.TaskDefinition);
            state.BackupReregistered = true;
            run.Mark(nameof(Rollback), $"the backed-up revision was inactive; registered it again as {target}");
            run.Log.Warning($"Registered the backup again as {DeploymentWaiter.ShortName(target)}.");
        }

        state.RollbackTaskDefinitionArn = target;
        var current = await run.Ecs.DescribeServiceAsync(backup.Cluster, backup.Service);
        if (current.PrimaryDeployment?.TaskDefinition == target)
        {
            run.Log.Information($"ECS is already rolling back to {DeploymentWaiter.ShortName(target)}; waiting for it instead of starting another deployment.");
            run.Mark(nameof(Rollback), "ECS was already rolling back to " + target);
        }
        else
        {
            await run.Ecs.UpdateServiceAsync(backup.Cluster, backup.Service, target);
            state.ServiceChanged = true;
            run.SaveProgress("rolling-back");
            run.Mark(nameof(Rollback), "updated the service back to " + target);
        }

        var deployment = await run.Waiter.WaitAsync(backup.Cluster, backup.Service, target, run.Settings.Wait);
        state.RollbackDeployment = deployment;
        run.Mark(nameof(Rollback), "rollback deployment " + deployment.End.ToString().ToLowerInvariant() + ": " + deployment.Summary);
        if (!deployment.Succeeded)
        {
            throw new EcsDeployStepException("The rollback's deployment failed: " + deployment.Summary);
        }

        var verification = await run.VerifyAsync(VerificationStage.AfterRollback, () => ForPreviousRelease(run, backup));
        state.RollbackVerification = verification;
        run.Mark(nameof(Rollback), (verification.Passed ? "verified after rollback: " : "verification after rollback failed: ") + verification.Summary);
        if (!verification.Passed)
        {
            throw new EcsDeployStepException("The rolled-back service fails verification: " + verification.Summary);
        }

        state.RolledBack = true;
        run.SaveProgress("rolled-back");
        run.Log.Warning($"Rolled back: {backup.Service} runs {DeploymentWaiter.ShortName(target)} again and answers.");
        await DeregisterFailedAsync(run, target);
    }

    // After a rollback the answering version is the backup's: expect its image tag, not the failed release's.
    private static VerificationOptions ForPreviousRelease(EcsDeployRun run, TaskDefinitionBackup backup)
    {
        var options = run.Settings.RequireVerification();
        if (options.Version is not { } check)
        {
            return options;
        }

        // The tag stands for the version only when --verify-version did not say otherwise.
        var container = run.State.Rendered?.Container ?? run.Settings.Container;
        if (check.Expected is null && ImageReference.Tag(TaskDefinitionRenderer.ImageOf(backup.TaskDefinition, container)) is { } previous)
        {
            return options with { Version = check with { Expected = previous } };
        }

        run.Log.Warning(check.Expected is null
            ? "The backed-up image has no tag, so verification after the rollback does not check the version."
            : "--verify-version names the new release, so verification after the rollback does not check the version.");
        return options with { Version = null };
    }

    private static async Task DeregisterFailedAsync(EcsDeployRun run, string restored)
    {
        if (!run.Settings.DeregisterFailed || run.State.NewTaskDefinitionArn is not { } failed || failed == restored || failed == run.State.Backup?.TaskDefinitionArn)
        {
            return;
        }

        try
        {
            await run.Ecs.DeregisterTaskDefinitionAsync(failed);
            run.State.DeregisteredTaskDefinitionArn = failed;
            run.Mark(nameof(Rollback), "deregistered the failed revision " + failed);
            run.Log.Information($"Deregistered the failed revision {DeploymentWaiter.ShortName(failed)} (--deregister-failed=false keeps it).");
        }
        catch (EcsException e)
        {
            // The service is restored; a leftover revision is untidy, not dangerous.
            run.Log.Warning($"Could not deregister the failed revision {DeploymentWaiter.ShortName(failed)}: {e.ErrorType}: {e.EcsMessage}");
        }
    }
}
